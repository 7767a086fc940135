"""/saldo: what the person can spend right now."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message

from bot.context import AppContext
from handlers.commands import CommandSpec, register
from handlers.filters import commands_only
from lottery.i18n import N_, _
from presentation.sale_text import money_text
from providers.base import Capability
from storage.models import User, UserRole


async def balance(message: Message, user: User, app: AppContext) -> None:
    if user.role == UserRole.PLAYER:
        await message.answer(
            _("Your balance: {balance}.").format(
                balance=money_text(user.balance, app, user, minor=True)
            )
        )
    elif user.role == UserRole.SELLER:
        await message.answer(
            _("Credit limit: {limit}\nUsed: {used}\nAvailable: {available}").format(
                limit=money_text(user.credit_limit, app, user, minor=True),
                used=money_text(user.credit_used, app, user, minor=True),
                available=money_text(user.credit_limit - user.credit_used, app, user, minor=True),
            )
        )
    else:
        await message.answer(_("You are an admin: you sell on the banca's own account."))


BALANCE = CommandSpec(balance, ("saldo", "balance"), N_("My balance or credit"), order=60)
COMMANDS = (BALANCE,)


def make_router(offers: frozenset[Capability]) -> Router:
    return register(commands_only(Router(name="account")), COMMANDS, offers)
