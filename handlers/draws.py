"""/sorteos: the draws still open and, for one lottery, what each game pays."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.context import AppContext
from handlers.filters import commands_only
from lottery.money import format_locale
from services.draw_list import read_draws_query, render_draws
from services.help import provider_help, sells_plays
from storage.models import User


async def show_draws(
    message: Message, command: CommandObject, user: User, app: AppContext
) -> None:
    if not sells_plays(app.provider.name):  # a jackpot banca sells betcards, not draws
        await message.answer("\n".join(provider_help(app.provider.name)))
        return
    now = app.clock()
    query = read_draws_query(app.catalog, command.args, now)
    if query.problem:
        await message.answer(query.problem)
        return
    locale = format_locale(user.locale, app.catalog.locale)
    await message.answer(render_draws(app.catalog, query, now, locale))


def make_router() -> Router:
    router = commands_only(Router(name="draws"))
    router.message.register(show_draws, Command("sorteos", "loterias", "draws"))
    return router
