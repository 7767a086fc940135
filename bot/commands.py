"""The commands menu in each language, and a bigger one in the chats of sellers and admins.

Made from the commands' declarations (``handlers.commands``): everyone gets the players'
commands that the provider offers. A seller's or an admin's own chat gets their role's
commands too (Telegram's per-chat scope), set when they start the bot, change language or are
given the role, and taken back when they are made a player again. A failure to set a menu never
stops the bot or the conversation: it is logged, and the commands still work when typed.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat

from lottery import i18n
from providers.base import Capability
from storage.models import UserRole

log = logging.getLogger(__name__)


def commands_for(
    locale: str, offers: frozenset[Capability], role: UserRole = UserRole.PLAYER
) -> list[BotCommand]:
    """``role``'s menu in ``locale`` where the provider offers ``offers``."""
    # the handlers import this module (to set a person's menu): theirs is read when asked
    from handlers.commands import declared, menu

    return [
        BotCommand(command=name, description=i18n.gettext(text, locale))
        for name, text in menu(declared(), offers, role)
    ]


async def set_bot_commands(bot: Bot, default_locale: str, offers: frozenset[Capability]) -> bool:
    try:
        await bot.set_my_commands(commands_for(default_locale, offers))
        for locale in i18n.SUPPORTED_LOCALES:
            await bot.set_my_commands(commands_for(locale, offers), language_code=locale)
    except Exception:
        log.exception("could not set the commands menu; the bot goes on without it")
        return False
    return True


async def set_chat_commands(
    bot: Bot, user_id: int, role: UserRole, locale: str, offers: frozenset[Capability]
) -> bool:
    """The user's own chat gets their role's menu in ``locale``; a player's chat goes back to
    everyone's menu."""
    scope = BotCommandScopeChat(chat_id=user_id)
    try:
        if role == UserRole.PLAYER:
            await bot.delete_my_commands(scope=scope)
        else:
            await bot.set_my_commands(commands_for(locale, offers, role), scope=scope)
    except Exception:
        log.exception("could not set the commands menu of user %s; the chat goes on", user_id)
        return False
    return True
