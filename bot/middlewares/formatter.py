"""Gives each update the reader's formatter (``fmt``): money, numbers, dates and times as the
person behind the update reads them, on the catalog's currency and clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from presentation.formatting import Formatter


class FormatterMiddleware(BaseMiddleware):
    """After the user middleware: the formatter follows the user's saved language. The catalog
    is read per update because a remote provider's catalog is replaced while the bot runs."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("user")
        if user is not None:
            data["fmt"] = Formatter.for_reader(user.locale, data["app"].catalog)
        return await handler(event, data)
