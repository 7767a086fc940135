"""/riesgo: the admins' view of what each draw of a day would cost in its worst result."""

from __future__ import annotations

from aiogram.filters import CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.commands import ADMINS, CommandSpec
from handlers.draws import no_draws
from lottery.i18n import N_
from presentation.formatting import Formatter
from providers.base import Capability
from services.exposure import risk_report


async def show_risk(message: Message, command: CommandObject, session: AsyncSession,
                    fmt: Formatter, app: AppContext) -> None:
    controls = app.controls.controls if app.controls is not None else None
    for text in await risk_report(session, app.catalog, command.args, app.clock(), fmt,
                                  controls):
        await message.answer(text)


RISK = CommandSpec(
    show_risk, ("riesgo", "exposicion", "risk"),
    N_("What each draw would pay in its worst result"), roles=ADMINS, order=210,
    needs=Capability.SELLS_PLAYS, otherwise=no_draws, help_order=252,
    help=N_("/riesgo {lottery} shows what each draw has sold and what its worst result would pay"),
)
COMMANDS = (RISK,)
