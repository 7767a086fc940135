"""The rate limiter every outgoing message waits on, in process memory.

One instance per bot process (see :mod:`services.broadcast.redis_limiter` for several processes).
``acquire`` blocks until every window of the message has room, then records it; ``ready`` tells
the broadcast worker how many messages it may start now, so it claims only rows it can send at
once; ``backoff`` stops every sender for a while (Telegram's 429 ``retry_after``, an outage).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from services.broadcast.limits import Limits, Pace, Rule

Sleep = Callable[[float], Awaitable[None]]

#: Waits shorter than this (seconds) are rounding noise: treated as "go now", so a schedule
#: computed in floating point can never make a sender sleep for nothing, forever.
EPSILON = 1e-6


@dataclass
class LimiterStats:
    """This process's view: permits given, waits, and back-offs ordered (429s, outages)."""

    acquired: int = 0
    waits: int = 0
    late: int = 0  # permits given up because they arrived too late to be trusted (Redis)
    backoffs: int = 0
    backoff_seconds: float = 0.0


class RateLimiter(Protocol):
    limits: Limits
    stats: LimiterStats

    async def acquire(self, chat_id: int | str | None, *, paid: bool = False) -> None:
        """Wait until a message to ``chat_id`` is within every limit, and count it."""

    async def ready(self, *, paid: bool = False) -> int:
        """Wait until the overall window has room; return how many messages fit now (≥ 1)."""

    async def backoff(self, seconds: float) -> None:
        """Nobody sends for ``seconds`` from now (extends, never shortens, a running pause)."""


def delay(window: deque[float], capacity: int, span: float, now: float) -> float:
    """Seconds until ``window`` (send times, oldest first) has room for one more; prunes it."""
    while window and window[0] <= now - span:
        window.popleft()
    if len(window) < capacity:
        return 0.0
    return window[len(window) - capacity] + span - now


class MemoryRateLimiter:
    """The rules in dicts; exact within one process and one event loop (no locks needed: the
    check and the record happen without an ``await`` in between)."""

    #: Every this many permits, forget chats that have been quiet for a whole window.
    _SWEEP_EVERY = 4096

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.limits = limits or Limits()
        self.stats = LimiterStats()
        self._now = monotonic
        self._sleep = sleep
        self._windows: dict[str, deque[float]] = {}
        self._spans: dict[str, float] = {}
        self._tats: dict[str, float] = {}  # pace: the theoretical time of the next message
        self._paused_until = 0.0

    def _delay(self, rules: list[Rule], now: float) -> float:
        wait = self._paused_until - now
        for rule in rules:
            if isinstance(rule, Pace):
                tat = max(self._tats.get(rule.key, now), now)
                wait = max(wait, tat - now - rule.tolerance)
            else:
                found = self._windows.setdefault(rule.key, deque())
                self._spans[rule.key] = rule.span
                wait = max(wait, delay(found, rule.capacity, rule.span, now))
        return wait

    def _free(self, rules: list[Rule], now: float) -> int:
        """How many messages the rules let through now (after ``_delay`` said at least one)."""
        free = []
        for rule in rules:
            if isinstance(rule, Pace):
                ahead = max(self._tats.get(rule.key, now), now) - now
                free.append(math.floor((rule.tolerance - ahead + EPSILON) / rule.interval) + 1)
            else:
                free.append(rule.capacity - len(self._windows[rule.key]))
        return max(1, min(free))

    async def acquire(self, chat_id: int | str | None, *, paid: bool = False) -> None:
        rules = self.limits.rules(chat_id, paid)
        while True:
            now = self._now()
            wait = self._delay(rules, now)
            if wait <= EPSILON:
                for rule in rules:
                    if isinstance(rule, Pace):
                        self._tats[rule.key] = max(self._tats.get(rule.key, now), now) + (
                            rule.interval
                        )
                    else:
                        self._windows[rule.key].append(now)
                self.stats.acquired += 1
                if self.stats.acquired % self._SWEEP_EVERY == 0:
                    self._sweep(now)
                return
            self.stats.waits += 1
            await self._sleep(wait)

    async def ready(self, *, paid: bool = False) -> int:
        rules = self.limits.overall(paid)
        while True:
            now = self._now()
            wait = self._delay(rules, now)
            if wait <= EPSILON:
                return self._free(rules, now)
            await self._sleep(wait)

    async def backoff(self, seconds: float) -> None:
        self.stats.backoffs += 1
        self.stats.backoff_seconds += seconds
        self._paused_until = max(self._paused_until, self._now() + seconds)

    def _sweep(self, now: float) -> None:
        for key in [k for k, q in self._windows.items() if not q or q[-1] <= now - self._spans[k]]:
            del self._windows[key]
            del self._spans[key]
