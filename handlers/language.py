"""/idioma: each person chooses Spanish or English; the choice is stored with the user."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import set_chat_commands
from bot.context import AppContext
from handlers.callbacks import LanguageButton
from handlers.commands import CommandSpec, register
from handlers.filters import buttons, commands_only
from lottery import i18n
from lottery.i18n import N_, _
from providers.base import Capability
from services.users import set_locale
from storage.models import User, UserRole

_NAMES = {"es": "Español", "en": "English"}


def _keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=name, callback_data=LanguageButton(code=code).pack())]
            for code, name in _NAMES.items()
        ]
    )


def _confirmation(locale: str) -> str:
    return i18n.gettext("Done: I will speak to you in English.", locale)


async def _switch(
    session: AsyncSession, user: User, locale: str, bot: Bot | None, app: AppContext
) -> None:
    """Remember ``locale``; a seller's or admin's own menu follows it."""
    await set_locale(session, user, locale)
    if user.role != UserRole.PLAYER and bot is not None:
        await set_chat_commands(bot, user.id, user.role, locale, app.provider.capabilities)


async def choose(
    message: Message, command: CommandObject, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    wanted = (command.args or "").strip().lower()[:2]
    if wanted in _NAMES:
        await _switch(session, user, wanted, message.bot, app)
        await message.answer(_confirmation(wanted))
        return
    await message.answer(_("Choose your language:"), reply_markup=_keyboard())


LANGUAGE = CommandSpec(choose, ("idioma", "language", "lang"), N_("Change the language"),
                       order=120)
COMMANDS = (LANGUAGE,)


async def chosen(
    query: CallbackQuery, callback_data: LanguageButton, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    wanted = callback_data.code
    await query.answer()
    await _switch(session, user, wanted, query.bot, app)
    if query.message is not None:
        await query.message.answer(_confirmation(wanted))


def make_router(offers: frozenset[Capability]) -> Router:
    router = register(buttons(commands_only(Router(name="language")), "lang:"), COMMANDS, offers)
    router.callback_query.register(chosen, LanguageButton.filter(F.code.in_(set(_NAMES))))
    return router
