"""aiogram's I18n over our Babel catalogs; the user's saved language wins over Telegram's."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import TelegramObject
from aiogram.utils.i18n import I18n, I18nMiddleware

from lottery import i18n as domain_i18n


def make_i18n(default_locale: str) -> I18n:
    return I18n(
        path=domain_i18n.LOCALES_DIR, default_locale=default_locale, domain=domain_i18n.DOMAIN
    )


class UserLocaleMiddleware(I18nMiddleware):
    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user = data.get("user")
        if user is not None and user.locale in self.i18n.available_locales:
            return str(user.locale)
        return self.i18n.default_locale

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        # The domain's gettext reads its own context variable; keep both in step.
        token = domain_i18n.current_locale.set(await self.get_locale(event, data))
        try:
            return await super().__call__(handler, event, data)
        finally:
            domain_i18n.current_locale.reset(token)
