"""/riesgo: the admins' view of what each draw of a day would cost in its worst result."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.admin_only import refuse_non_admin
from handlers.filters import commands_only
from lottery.money import format_locale
from services.exposure import risk_report
from services.help import provider_help, sells_plays
from storage.models import User


async def show_risk(message: Message, command: CommandObject, session: AsyncSession,
                    user: User, app: AppContext) -> None:
    if await refuse_non_admin(message, user):
        return
    if not sells_plays(app.provider.name):  # a jackpot banca sells betcards, not draws
        await message.answer("\n".join(provider_help(app.provider.name)))
        return
    locale = format_locale(user.locale, app.catalog.locale)
    for text in await risk_report(session, app.catalog, command.args, app.clock(), locale):
        await message.answer(text)


def make_router() -> Router:
    router = commands_only(Router(name="risk"))
    router.message.register(show_risk, Command("riesgo", "exposicion", "risk"))
    return router
