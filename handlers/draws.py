"""/sorteos: the draws still open and, for one lottery, what each game pays."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import CommandObject
from aiogram.types import Message

from bot.context import AppContext
from handlers.commands import CommandSpec, register
from handlers.filters import commands_only
from lottery.i18n import N_
from presentation.formatting import Formatter
from providers.base import Capability
from services.draw_list import read_draws_query, render_draws
from services.help import provider_help


async def show_draws(
    message: Message, command: CommandObject, fmt: Formatter, app: AppContext
) -> None:
    now = app.clock()
    query = read_draws_query(app.catalog, command.args, now)
    if query.problem:
        await message.answer(query.problem)
        return
    controls = app.controls.controls if app.controls is not None else None
    await message.answer(render_draws(app.catalog, query, now, fmt, controls))


async def no_draws(message: Message, app: AppContext) -> None:
    """Where only betcards are sold: what there is to buy instead."""
    await message.answer("\n".join(provider_help(app.provider.capabilities)))


DRAWS = CommandSpec(show_draws, ("sorteos", "loterias", "draws"),
                    N_("Open draws and what each game pays"), order=70,
                    needs=Capability.SELLS_PLAYS, otherwise=no_draws)
COMMANDS = (DRAWS,)


def make_router(offers: frozenset[Capability]) -> Router:
    return register(commands_only(Router(name="draws")), COMMANDS, offers)
