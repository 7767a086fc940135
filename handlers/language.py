"""/idioma: each person chooses Spanish or English; the choice is stored with the user."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import set_chat_commands
from bot.context import AppContext
from handlers.callbacks import LanguageButton
from handlers.filters import buttons, commands_only
from lottery import i18n
from lottery.i18n import _
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
        await set_chat_commands(bot, user.id, user.role, locale, app.provider.name)


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


async def chosen(
    query: CallbackQuery, callback_data: LanguageButton, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    wanted = callback_data.code
    await query.answer()
    await _switch(session, user, wanted, query.bot, app)
    if query.message is not None:
        await query.message.answer(_confirmation(wanted))


def make_router() -> Router:
    router = buttons(commands_only(Router(name="language")), "lang:")
    router.message.register(choose, Command("idioma", "language", "lang"))
    router.callback_query.register(chosen, LanguageButton.filter(F.code.in_(set(_NAMES))))
    return router
