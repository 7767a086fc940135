"""The commands menu in each language; a failure to set it never stops the bot."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.types import BotCommand

from lottery import i18n
from lottery.i18n import N_

log = logging.getLogger(__name__)

_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start and see what I can do for you")),
    ("help", N_("How to write plays")),
    ("tickets", N_("My tickets: reprint, cancel, repeat")),
    ("ultimo", N_("My last ticket")),
    ("saldo", N_("My balance or credit")),
    ("resultados", N_("Results of the day")),
    ("premio", N_("Check a ticket's prize")),
    ("pagar", N_("Collect a prize with serial and PIN")),
    ("ventas", N_("Sales report (sellers and admins)")),
    ("verificar", N_("Verify a ticket")),
    ("idioma", N_("Change the language")),
)
#: commands only some providers offer
_PROVIDER_COMMANDS: dict[str, tuple[tuple[str, str], ...]] = {
    "jackpot": (("jackpot", N_("Buy a jackpot ticket")),),
}


def commands_for(locale: str, provider: str = "house") -> list[BotCommand]:
    listed = (*_COMMANDS[:2], *_PROVIDER_COMMANDS.get(provider, ()), *_COMMANDS[2:])
    return [
        BotCommand(command=name, description=i18n.gettext(text, locale)) for name, text in listed
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
