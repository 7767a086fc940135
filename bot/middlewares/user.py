"""Loads (or registers) the person behind the update: every handler knows role and locale."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot.context import AppContext
from services.users import ensure_user


class UserMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user = data.get("event_from_user")
        if tg_user is not None and not tg_user.is_bot:
            app: AppContext = data["app"]
            data["user"] = await ensure_user(
                data["session"],
                telegram_id=tg_user.id,
                first_name=tg_user.first_name,
                username=tg_user.username,
                language_code=tg_user.language_code,
                currency=app.catalog.currency,
                admin_ids=app.settings.admin_ids,
                default_locale=app.settings.default_locale,
                now=app.clock(),
            )
        return await handler(event, data)
