"""/ventas [@vendedor] [desde] [hasta]: the sales report, and the banca's chart."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import CommandObject
from aiogram.types import BufferedInputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.commands import STAFF, CommandSpec, register
from handlers.filters import commands_only
from lottery.i18n import N_
from providers.base import Capability
from services import reports
from speed import pictures
from storage.models import User, UserRole

log = logging.getLogger(__name__)


async def sales_report(message: Message, command: CommandObject, session: AsyncSession,
                       user: User, app: AppContext) -> None:
    answer = await reports.sales_report(session, app.catalog, user, command.args, app.clock())
    for text in answer.messages:
        await message.answer(text)
    for chart in answer.charts:
        await _send_chart(message, chart)


#: a player is told to look at /saldo instead (``services.reports``)
SALES = CommandSpec(
    sales_report, ("ventas", "reporte", "sales", "report"), roles=STAFF, order=200,
    menu={UserRole.SELLER: N_("My sales and commission"),
          UserRole.ADMIN: N_("Sales report of the banca")},
    help={UserRole.SELLER: N_("/ventas your sales and commission · /saldo the credit you have "
                              "left"),
          UserRole.ADMIN: N_("/ventas the banca's sales, prizes and what each seller owes")},
)


async def _send_chart(message: Message, chart: reports.ReportChart) -> None:
    """The picture is a bonus: when it fails the reader already has the figures as text."""
    try:
        png = await pictures.draw(chart.png)  # ~50 ms of drawing: in the picture process
        await message.answer_photo(BufferedInputFile(png, filename="ventas.png"),
                                   caption=chart.caption)
    except Exception:
        log.exception("report chart could not be sent; the text was")


COMMANDS = (SALES,)


def make_router(offers: frozenset[Capability]) -> Router:
    return register(commands_only(Router(name="reports")), COMMANDS, offers)
