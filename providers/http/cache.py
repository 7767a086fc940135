"""A value loaded from the provider and kept for a while (draws, limits, valid plays).

Time comes from the injected clock, so tests move it instead of sleeping. When a refresh fails the
last good value is served (stale beats nothing while the provider blinks) until ``max_stale`` has
passed; with nothing loaded yet the failure propagates.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from lottery.clock import Clock
from providers.base import ProviderUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)


class TTLCache(Generic[T]):
    def __init__(
        self,
        load: Callable[[], Awaitable[T]],
        *,
        ttl: timedelta,
        clock: Clock,
        max_stale: timedelta = timedelta(hours=6),
        name: str = "cache",
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._clock = clock
        self._max_stale = max_stale
        self._name = name
        self._value: T | None = None
        self._loaded_at: datetime | None = None
        self._expired = False
        self._lock = asyncio.Lock()

    @property
    def loaded_at(self) -> datetime | None:
        return self._loaded_at

    def peek(self) -> T | None:
        """The last value loaded, however old (None before the first load)."""
        return self._value

    def fresh(self) -> bool:
        return (
            not self._expired
            and self._loaded_at is not None
            and self._clock() - self._loaded_at < self._ttl
        )

    async def get(self) -> T:
        if self.fresh():
            return self._value  # type: ignore[return-value]
        async with self._lock:
            if self.fresh():
                return self._value  # type: ignore[return-value]
            return await self._reload()

    async def refresh(self) -> T:
        """Reload now (the scheduled refresh); serves the old value if the provider fails."""
        async with self._lock:
            return await self._reload()

    async def probe(self) -> T:
        """Reload now, and raise when the provider does not answer: no stale value (the
        watchdog's question is whether the provider answers, not whether we have data)."""
        async with self._lock:
            value = await self._load()
            self._value, self._loaded_at, self._expired = value, self._clock(), False
            return value

    def invalidate(self) -> None:
        """The next ``get`` reloads (the old value still serves if that reload fails)."""
        self._expired = True

    async def _reload(self) -> T:
        try:
            value = await self._load()
        except ProviderUnavailable as exc:
            if self._value is None or self._loaded_at is None:
                raise
            if self._clock() - self._loaded_at > self._max_stale:
                raise
            log.warning("serving stale provider data", extra={"cache": self._name,
                                                              "detail": exc.detail})
            return self._value
        self._value = value
        self._loaded_at = self._clock()
        self._expired = False
        return value
