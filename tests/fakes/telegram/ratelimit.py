"""Telegram's flood control, modelled as sliding one-second windows.

Telegram allows about 30 messages per second overall and about one per second per chat,
answering ``429 Too Many Requests: retry after N`` beyond that. Both limits are optional here
(off by default so ordinary tests never see a 429); a refused call does not use up a slot.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 1.0


@dataclass(frozen=True)
class RateLimit:
    """Limits for message-producing calls (sendMessage/Photo/Document and the edits).

    ``global_per_second``: across all chats; ``per_chat_per_second``: within one chat;
    ``retry_after``: the value to answer with (default: seconds until a slot frees, ≥ 1).
    """

    global_per_second: float | None = None
    per_chat_per_second: float | None = None
    retry_after: int | None = None

    @classmethod
    def telegram(cls) -> RateLimit:
        """Roughly what Telegram enforces for a normal bot."""
        return cls(global_per_second=30, per_chat_per_second=1)

    @property
    def active(self) -> bool:
        return bool(self.global_per_second) or bool(self.per_chat_per_second)


class RateLimiter:
    """Decides whether a message to ``chat_id`` may go now; ``check`` returns retry_after."""

    def __init__(self, limit: RateLimit | None, clock: Callable[[], float]) -> None:
        self.limit = limit or RateLimit()
        self._clock = clock
        self._global: deque[float] = deque()  # send times, oldest first
        self._per_chat: dict[int, deque[float]] = {}

    def configure(self, limit: RateLimit | None) -> None:
        """Swap the limits at runtime; the history of recent sends is kept."""
        self.limit = limit or RateLimit()

    def reset(self) -> None:
        self._global.clear()
        self._per_chat.clear()

    def check(self, chat_id: int) -> int | None:
        """None if allowed (and counted), otherwise the retry_after seconds to answer."""
        if not self.limit.active:
            return None
        now = self._clock()
        windows = [
            (window, rate)
            for window, rate in (
                (self._global, self.limit.global_per_second),
                (self._per_chat.setdefault(chat_id, deque()), self.limit.per_chat_per_second),
            )
            if rate
        ]
        wait = max((self._wait(window, rate, now) for window, rate in windows), default=0.0)
        if wait > 0:
            if self.limit.retry_after is not None:
                return self.limit.retry_after
            return max(1, math.ceil(wait))
        for window, _ in windows:
            window.append(now)
        return None

    @staticmethod
    def _wait(window: deque[float], rate: float, now: float) -> float:
        """Seconds until ``window`` has room for one more event at ``rate`` per second.

        Rates below one per second use a longer window holding a single event.
        """
        span = WINDOW_SECONDS if rate >= 1 else 1 / rate
        while window and window[0] <= now - span:
            window.popleft()
        capacity = max(1, math.floor(rate * span))
        if len(window) < capacity:
            return 0.0
        return window[len(window) - capacity] + span - now
