"""/ventas [@vendedor] [desde] [hasta]: the sales report, and the banca's chart."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.filters import commands_only
from services import rendering, reports
from storage.models import User

log = logging.getLogger(__name__)


async def sales_report(message: Message, command: CommandObject, session: AsyncSession,
                       user: User, app: AppContext) -> None:
    answer = await reports.sales_report(session, app.catalog, user, command.args, app.clock())
    for text in answer.messages:
        await message.answer(text)
    for chart in answer.charts:
        await _send_chart(message, chart)


async def _send_chart(message: Message, chart: reports.ReportChart) -> None:
    """The picture is a bonus: when it fails the reader already has the figures as text."""
    try:
        png = await rendering.draw(chart.png)  # ~50 ms of drawing: in the picture process
        await message.answer_photo(BufferedInputFile(png, filename="ventas.png"),
                                   caption=chart.caption)
    except Exception:
        log.exception("report chart could not be sent; the text was")


def make_router() -> Router:
    router = commands_only(Router(name="reports"))
    router.message.register(sales_report, Command("ventas", "reporte", "sales", "report"))
    return router
