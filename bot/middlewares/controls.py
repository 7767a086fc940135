"""Reads the banca's controls at the start of each update (house mode), so every handler, the
parser included, sees a change made a moment ago by an admin in any process."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot.context import AppContext
from services.controls import refresh_app


class ControlsMiddleware(BaseMiddleware):
    """Inside the unit of work (one small query: the controls' version)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        app: AppContext = data["app"]
        if app.controls is not None:
            await refresh_app(data["session"], app)
        return await handler(event, data)
