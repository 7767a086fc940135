"""/sorteos: the draws still open and, for one lottery, what each game pays."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.context import AppContext
from handlers.filters import commands_only
from lottery.money import format_locale
from services.draw_list import read_draws_query, render_draws
from storage.models import User


async def show_draws(
    message: Message, command: CommandObject, user: User, app: AppContext
) -> None:
    query = read_draws_query(app.catalog, command.args, app.clock())
    if query.problem:
        await message.answer(query.problem)
        return
    locale = format_locale(user.locale, app.catalog.locale)
    await message.answer(render_draws(app.catalog, query, app.clock(), locale))


def make_router() -> Router:
    router = commands_only(Router(name="draws"))
    router.message.register(show_draws, Command("sorteos", "loterias", "draws"))
    return router
