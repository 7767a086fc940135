"""The commands menu in each language, and a bigger one in the chats of sellers and admins.

Everyone gets the player's menu. A seller's or an admin's own chat gets their role's commands
too (Telegram's per-chat scope), set when they start the bot, change language or are given the
role, and taken back when they are made a player again. A failure to set a menu never stops
the bot or the conversation: it is logged, and the commands still work when typed.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat

from lottery import i18n
from lottery.i18n import N_
from services.help import sells_plays
from storage.models import UserRole

log = logging.getLogger(__name__)

_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start and see what I can do for you")),
    ("help", N_("How to write plays")),
    ("tickets", N_("My tickets: reprint, cancel, repeat")),
    ("ultimo", N_("My last ticket")),
    ("saldo", N_("My balance or credit")),
    ("sorteos", N_("Open draws and what each game pays")),
    ("resultados", N_("Results of the day")),
    ("premio", N_("Check a ticket's prize")),
    ("pagar", N_("Collect a prize with serial and PIN")),
    ("verificar", N_("Verify a ticket")),
    ("idioma", N_("Change the language")),
)
#: commands only some providers offer
_PROVIDER_COMMANDS: dict[str, tuple[tuple[str, str], ...]] = {
    "jackpot": (("jackpot", N_("Buy a jackpot ticket")),),
}
#: each role's own commands, after everyone's
_ROLE_COMMANDS: dict[UserRole, tuple[tuple[str, str], ...]] = {
    UserRole.PLAYER: (),
    UserRole.SELLER: (("ventas", N_("My sales and commission")),),
    UserRole.ADMIN: (
        ("ventas", N_("Sales report of the banca")),
        ("riesgo", N_("What each draw would pay in its worst result")),
        ("resultado", N_("Enter a draw's result")),
        ("recargar", N_("Top up a player's balance")),
        ("cupo", N_("Set a seller's credit limit")),
        ("rol", N_("Make someone a player, seller or admin")),
        ("difundir", N_("Send a message to all users")),
    ),
}


def _left_out(provider: str) -> frozenset[str]:
    """What ``provider``'s banca has no use for: /resultado where results come from a lottery
    system, /sorteos and /riesgo where only betcards are sold."""
    left_out = set()
    if provider != "house":
        left_out.add("resultado")
    if not sells_plays(provider):
        left_out |= {"sorteos", "riesgo"}
    return frozenset(left_out)


def commands_for(
    locale: str, provider: str = "house", role: UserRole = UserRole.PLAYER
) -> list[BotCommand]:
    listed = (*_COMMANDS[:2], *_PROVIDER_COMMANDS.get(provider, ()), *_COMMANDS[2:],
              *_ROLE_COMMANDS[role])
    left_out = _left_out(provider)
    return [
        BotCommand(command=name, description=i18n.gettext(text, locale))
        for name, text in listed
        if name not in left_out
    ]


async def set_bot_commands(bot: Bot, default_locale: str, provider: str = "house") -> bool:
    try:
        await bot.set_my_commands(commands_for(default_locale, provider))
        for locale in i18n.SUPPORTED_LOCALES:
            await bot.set_my_commands(commands_for(locale, provider), language_code=locale)
    except Exception:
        log.exception("could not set the commands menu; the bot goes on without it")
        return False
    return True


async def set_chat_commands(
    bot: Bot, user_id: int, role: UserRole, locale: str, provider: str
) -> bool:
    """The user's own chat gets their role's menu in ``locale``; a player's chat goes back to
    everyone's menu."""
    scope = BotCommandScopeChat(chat_id=user_id)
    try:
        if role == UserRole.PLAYER:
            await bot.delete_my_commands(scope=scope)
        else:
            await bot.set_my_commands(commands_for(locale, provider, role), scope=scope)
    except Exception:
        log.exception("could not set the commands menu of user %s; the chat goes on", user_id)
        return False
    return True
