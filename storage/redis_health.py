"""Telling a Redis outage apart from a bug, and saying so once per outage.

With ``REDIS_URL`` set, every update takes its lock in Redis and every message waits on the
Redis send limiter, so an unreachable Redis fails *every* update the same way. Logging each
one with its traceback would bury the one fact that matters; :data:`redis_outage` logs one
error when Redis stops answering and one line when it answers again. redis-py reconnects on
its own, so recovery needs nothing but the next command that succeeds.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

#: What redis-py raises when the server cannot be reached or stops answering (BusyLoadingError,
#: a server still loading its data after a restart, is a ConnectionError too).
OUTAGE_ERRORS: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)

#: How long start-up waits for Redis to answer before giving up.
PING_TIMEOUT = 5.0


class RedisUnavailable(Exception):
    """Redis did not answer before the update was handled: nothing of it was done."""


def outage_cause(exc: BaseException) -> BaseException | None:
    """The Redis connection error behind ``exc`` (itself, or what it was raised from or while
    handling), or None when the failure is something else."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, (*OUTAGE_ERRORS, RedisUnavailable)):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class OutageLog:
    """Whether this process last saw Redis down; logs only when that changes."""

    def __init__(self) -> None:
        self.down = False
        self.outages = 0  # how many began in this process

    def went_down(self, exc: BaseException) -> None:
        """A command failed for want of Redis: log it if this starts an outage, else nothing
        (every update fails alike until Redis is back; one line says it all)."""
        if self.down:
            return
        self.down = True
        self.outages += 1
        cause = exc.__cause__ if isinstance(exc, RedisUnavailable) and exc.__cause__ else exc
        log.error(
            "Redis (REDIS_URL) does not answer; updates are told to try again in a minute "
            "until it does",
            extra={"error": _one_line(cause)},
        )

    def answered(self) -> None:
        """Redis just answered a command: the outage, if there was one, is over."""
        if self.down:
            self.down = False
            log.warning("Redis (REDIS_URL) answers again; updates are handled normally")


#: One per process: the FSM lock, the send limiter and the error handler share it.
redis_outage = OutageLog()


def redis_address(url: str) -> str:
    """``host:port/db`` (or the socket path) of a Redis URL, without its credentials."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path
    host = parts.hostname or "localhost"
    return f"{host}:{parts.port or 6379}{parts.path or ''}"


async def ping(url: str) -> None:
    """Raise the reason Redis at ``url`` does not answer a PING within :data:`PING_TIMEOUT`."""
    client = Redis.from_url(url, socket_connect_timeout=PING_TIMEOUT, socket_timeout=PING_TIMEOUT)
    try:
        async with asyncio.timeout(PING_TIMEOUT):
            await client.ping()
    except TimeoutError:
        raise RedisTimeoutError(f"no answer within {PING_TIMEOUT:g} s") from None
    finally:
        await client.aclose()
