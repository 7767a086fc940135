"""The same limiter, kept in Redis so every worker process shares one budget.

A window is a sorted set of send times (milliseconds), a pace is the schedule's next time; one
Lua script checks every rule of a message and records it atomically, so two workers can never
both take the last slot. Time comes from Redis (``TIME``) so hosts with skewed clocks still
agree; tests inject a clock instead. Keys share the ``{taquilla:rl}`` hash tag, so a script's
keys live in one slot on Redis Cluster too, and expire on their own once they stop mattering.
Each answer or connection failure is told to ``storage.redis_health.redis_outage``, which logs
once when Redis goes down and once when it is back (redis-py reconnects by itself).
"""

from __future__ import annotations

import asyncio
import math
import secrets
import time
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from services.broadcast.limiter import LimiterStats, Sleep
from services.broadcast.limits import Limits, Pace, Rule
from storage.redis_health import OUTAGE_ERRORS, redis_outage

# Shared preamble. KEYS[1] is the pause key, KEYS[2..n] the rules; ARGV[1] is now in ms ('' =
# Redis time), ARGV[2] a unique member, then three values per rule: 'w', capacity, span ms for
# a window; 'p', interval ms, tolerance ms for a pace. ``check`` leaves in ``wait`` the ms until
# every rule allows one more, and in ``free`` how many they allow now.
_CHECK = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local wait = 0
local free = nil
local tats = {}
local paused = tonumber(redis.call('GET', KEYS[1]))
if paused and paused > now then wait = paused - now end
for i = 2, #KEYS do
  local base = 3 + (i - 2) * 3
  local a = tonumber(ARGV[base + 1])
  local b = tonumber(ARGV[base + 2])
  local w = 0
  local f = 0
  if ARGV[base] == 'w' then
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - b)
    local n = redis.call('ZCARD', KEYS[i])
    if n >= a then
      local edge = redis.call('ZRANGE', KEYS[i], n - a, n - a, 'WITHSCORES')
      w = tonumber(edge[2]) + b - now
    else
      f = a - n
    end
  else
    local tat = tonumber(redis.call('GET', KEYS[i])) or now
    if tat < now then tat = now end
    tats[i] = tat
    if tat - now > b then
      w = tat - now - b
    else
      f = math.floor((b - (tat - now) + 0.001) / a) + 1
    end
  end
  if w > wait then wait = w end
  if free == nil or f < free then free = f end
end
-- Waits under a microsecond are rounding noise (see limiter.EPSILON).
if wait <= 0.001 then wait = 0 end
"""

_ACQUIRE = (
    _CHECK
    + """
if wait > 0 then return tostring(wait) end
for i = 2, #KEYS do
  local base = 3 + (i - 2) * 3
  local a = tonumber(ARGV[base + 1])
  local b = tonumber(ARGV[base + 2])
  if ARGV[base] == 'w' then
    redis.call('ZADD', KEYS[i], now, ARGV[2])
    redis.call('PEXPIRE', KEYS[i], math.ceil(b))
  else
    local tat = tats[i] + a
    redis.call('SET', KEYS[i], tostring(tat), 'PX', math.ceil(tat - now + b) + 1)
  end
end
return '0'
"""
)

# Returns {free, wait ms}: free > 0 means that many fit now.
_READY = (
    _CHECK
    + """
if wait > 0 then return {0, tostring(wait)} end
return {free, '0'}
"""
)

# KEYS[1] pause key; ARGV[1] now, ARGV[2] pause ms. Only ever extends the pause.
_BACKOFF = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local until_ms = now + tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]))
if not current or current < until_ms then
  redis.call('SET', KEYS[1], tostring(until_ms), 'PX', math.ceil(tonumber(ARGV[2])))
end
return 1
"""


class RedisRateLimiter:
    """:class:`~services.broadcast.limiter.RateLimiter` over Redis (``REDIS_URL``).

    ``clock``: seconds as a float for tests; by default Redis's own clock is used.
    """

    def __init__(
        self,
        redis: Redis,
        limits: Limits | None = None,
        *,
        prefix: str = "{taquilla:rl}:",
        clock: Callable[[], float] | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.limits = limits or Limits()
        self.stats = LimiterStats()
        self.redis = redis
        self._prefix = prefix
        self._clock = clock
        self._monotonic = clock or time.monotonic
        self._late_after = self.limits.margin / 2 if self.limits.margin > 0 else math.inf
        self._sleep = sleep
        self._acquire = redis.register_script(_ACQUIRE)
        self._ready = redis.register_script(_READY)
        self._backoff = redis.register_script(_BACKOFF)

    @classmethod
    def from_url(cls, url: str, limits: Limits | None = None) -> RedisRateLimiter:
        return cls(Redis.from_url(url), limits)

    async def aclose(self) -> None:
        await self.redis.aclose()

    def _now_ms(self) -> str:
        return "" if self._clock is None else repr(self._clock() * 1000)

    async def _run(self, script: AsyncScript, keys: list[str], args: list[str]) -> Any:
        """Run one script, telling the outage log whether Redis answered."""
        try:
            result = await script(keys=keys, args=args)
        except OUTAGE_ERRORS as exc:
            redis_outage.went_down(exc)
            raise
        redis_outage.answered()
        return result

    def _keys(self, rules: list[Rule]) -> list[str]:
        return [self._prefix + "pause", *(self._prefix + r.key for r in rules)]

    @staticmethod
    def _args(rules: list[Rule]) -> list[str]:
        args: list[str] = []
        for r in rules:
            if isinstance(r, Pace):
                args += ["p", repr(r.interval * 1000), repr(r.tolerance * 1000)]
            else:
                args += ["w", str(r.capacity), repr(r.span * 1000)]
        return args

    async def acquire(self, chat_id: int | str | None, *, paid: bool = False) -> None:
        """As :meth:`MemoryRateLimiter.acquire`. A permit is stamped in Redis; if the answer
        reaches this process later than half the margin (a stalled event loop), the stamp is
        too old to vouch for when the message will really leave, so it is given up (the slot
        stays used: safe) and a fresh one is taken."""
        rules = self.limits.rules(chat_id, paid)
        keys, args = self._keys(rules), self._args(rules)
        while True:
            asked = self._monotonic()
            member = secrets.token_hex(8)
            wait_ms = float(await self._run(self._acquire, keys, [self._now_ms(), member, *args]))
            if wait_ms <= 0:
                if self._monotonic() - asked <= self._late_after:
                    self.stats.acquired += 1
                    return
                self.stats.late += 1
                continue
            self.stats.waits += 1
            await self._sleep(wait_ms / 1000)

    async def ready(self, *, paid: bool = False) -> int:
        rules = self.limits.overall(paid)
        keys, args = self._keys(rules), self._args(rules)
        while True:
            free, wait_ms = await self._run(self._ready, keys, [self._now_ms(), "", *args])
            if int(free) > 0:
                return int(free)
            await self._sleep(float(wait_ms) / 1000)

    async def backoff(self, seconds: float) -> None:
        self.stats.backoffs += 1
        self.stats.backoff_seconds += seconds
        await self._run(
            self._backoff, [self._prefix + "pause"], [self._now_ms(), repr(seconds * 1000)]
        )
