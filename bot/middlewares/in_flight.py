"""Updates still being handled, so that stopping the bot lets them finish.

aiogram handles each polled update in a task of its own and does not wait for those tasks when
polling stops; the engine would then be disposed under a sale still committing. The dispatcher's
shutdown waits here (up to ``timeout``) before anything is closed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

log = logging.getLogger(__name__)


class InFlightMiddleware(BaseMiddleware):
    def __init__(self, timeout: float = 15.0) -> None:
        self.timeout = timeout
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        self._running += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self._running -= 1
            if not self._running:
                self._idle.set()

    async def drain(self) -> None:
        """Wait for the updates in hand; registered as a dispatcher shutdown handler."""
        try:
            await asyncio.wait_for(self._idle.wait(), self.timeout)
        except TimeoutError:
            log.warning("stopping with updates still in hand", extra={"updates": self._running})
