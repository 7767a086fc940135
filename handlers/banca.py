"""/utilidad [desde] [hasta]: the banca's report (sales, prizes, commissions, profit per day,
lottery and seller; what it owes); /exportar: the same as CSV and XLSX documents. Admins only
(``handlers.admin_only``)."""

from __future__ import annotations

from html import escape

from aiogram.filters import CommandObject
from aiogram.types import BufferedInputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.commands import ADMINS, CommandSpec
from lottery.i18n import N_, _
from presentation.formatting import Formatter
from services import banca_report as service
from services.reports.answer import problem_text
from services.reports.errors import ReportProblem
from services.reports.period import MAX_DAYS, Period, parse_query
from storage.models import User


def _period(args: str | None, app: AppContext) -> Period | str:
    today = app.clock().astimezone(app.catalog.timezone).date()
    try:
        query = parse_query(args, today)
    except ReportProblem as problem:
        return problem_text(problem).replace("/ventas", "/utilidad")
    if query.who is not None or query.everyone:
        return _("The banca's report is for the whole banca: give only dates.")
    if len(query.period.days) > MAX_DAYS:
        return _("A report covers at most {days} days; ask for a shorter period.").format(
            days=MAX_DAYS)
    return query.period


def report_text(report: service.BancaReport, fmt: Formatter) -> str:
    p = report.period
    period = fmt.date(p.first, year=True) + (
        "" if p.first == p.last else " – " + fmt.date(p.last, year=True))
    t = report.total
    lines = [_("<b>Banca report</b> · {period}").format(period=period),
             _("Sales {sales} · prizes {prizes} · commissions {commission}").format(
                 sales=fmt.money(t.sales.amount), prizes=fmt.money(t.prizes.amount),
                 commission=fmt.money(t.commission.amount)),
             _("<b>Profit (utilidad): {amount}</b>").format(amount=fmt.money(t.profit.amount))]
    for kind, title in (("day", _("By day")), ("lottery", _("By lottery")),
                        ("seller", _("By seller"))):
        rows = [r for r in report.rows if r.kind == kind]
        if not rows:
            continue
        lines += ["", f"<b>{title}</b>"]
        for r in rows:
            key = fmt.short_date(p.first.fromisoformat(r.key)) if kind == "day" else escape(r.key)
            lines.append(_("{key}: sales {sales} · prizes {prizes} · profit {profit}").format(
                key=key, sales=fmt.plain(r.sales), prizes=fmt.plain(r.prizes),
                profit=fmt.plain(r.profit)))
    lines += [
        "",
        _("Owed in players' balances: {amount}").format(
            amount=fmt.money(report.player_balances.amount)),
        _("Withdrawals to pay: {amount} ({count})").format(
            amount=fmt.money(report.pending_withdrawals.amount),
            count=report.pending_withdrawal_count),
        _("Prizes won, not collected: {amount} ({count})").format(
            amount=fmt.money(report.unpaid_prizes.amount), count=report.unpaid_prize_count),
    ]
    return "\n".join(lines)


async def banca(message: Message, command: CommandObject, session: AsyncSession,
                user: User, app: AppContext) -> None:
    period = _period(command.args, app)
    if isinstance(period, str):
        await message.answer(period)
        return
    report = await service.banca_report(session, app.catalog, period, app.clock())
    fmt = Formatter.for_reader(user.locale, app.catalog)
    await message.answer(report_text(report, fmt))


BANCA = CommandSpec(banca, ("utilidad", "banca"), N_("The banca's profit and what it owes"),
                    roles=ADMINS, order=202,
                    help=N_("/utilidad [from] [to] the banca's profit and what it owes · "
                            "/exportar the same as CSV and XLSX"))


async def export(message: Message, command: CommandObject, session: AsyncSession,
                 app: AppContext) -> None:
    period = _period(command.args, app)
    if isinstance(period, str):
        await message.answer(period)
        return
    report = await service.banca_report(session, app.catalog, period, app.clock())
    name = f"banca-{period.first.isoformat()}-{period.last.isoformat()}"
    await message.answer_document(BufferedInputFile(service.to_csv(report), f"{name}.csv"))
    await message.answer_document(BufferedInputFile(service.to_xlsx(report), f"{name}.xlsx"))


EXPORT = CommandSpec(export, ("exportar", "export"), N_("The banca's report as CSV and XLSX"),
                     roles=ADMINS, order=203)
COMMANDS = (BANCA, EXPORT)
