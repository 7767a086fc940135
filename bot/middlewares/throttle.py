"""Per-user throttling: a token bucket per user so one flooding chat cannot starve the others.

In-process by design: with several webhook workers each enforces its own bucket, which still caps a
user at N × rate; Telegram's own limits stay the hard ceiling.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from lottery.i18n import _


class ThrottlingMiddleware(BaseMiddleware):
    def __init__(
        self,
        rate_per_second: float,
        burst: int = 5,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate_per_second
        self.burst = float(burst)
        self.monotonic = monotonic
        self._buckets: dict[int, tuple[float, float, bool]] = {}

    def _allow(self, user_id: int) -> tuple[bool, bool]:
        """Returns (allowed, first refusal since the last allowed event)."""
        now = self.monotonic()
        tokens, stamp, warned = self._buckets.get(user_id, (self.burst, now, False))
        tokens = min(self.burst, tokens + (now - stamp) * self.rate)
        if tokens >= 1:
            self._buckets[user_id] = (tokens - 1, now, False)
            return True, False
        self._buckets[user_id] = (tokens, now, True)
        if len(self._buckets) > 100_000:
            self._buckets.clear()
        return False, not warned

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("event_from_user")
        if user is None:
            return await handler(event, data)
        allowed, first_refusal = self._allow(user.id)
        if allowed:
            return await handler(event, data)
        if first_refusal:
            text = _("You are going too fast. Wait a moment and try again.")
            if isinstance(event, Message):
                await event.answer(text)
            elif isinstance(event, CallbackQuery):
                await event.answer(text, show_alert=False)
        return None
