"""/ventas end to end: the request read, the asker's rights checked, the figures counted and
written out, or what was wrong with the request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.i18n import _
from presentation.ticket import in_language
from services.reports.chart import ReportChart, chart_for
from services.reports.errors import ReportError, ReportProblem
from services.reports.figures import build_reports
from services.reports.period import MAX_DAYS, parse_query
from services.reports.scope import resolve_scope
from services.reports.text import render_report
from storage.models import User, UserRole


@dataclass(frozen=True)
class ReportAnswer:
    messages: tuple[str, ...]
    charts: tuple[ReportChart, ...] = ()


def problem_text(problem: ReportProblem) -> str:
    usage = (
        _("Usage: {usage}").format(usage="/ventas [desde] [hasta]")
        + "\n"
        + _(
            "Dates: 23/11, 23/11/2026, 2026-11-23, today, yesterday, week (the last 7 days) or "
            "month (this month)."
        )
    )
    if problem.error is ReportError.BAD_WORD:
        return _("I do not understand «{word}».").format(word=escape(problem.word)) + "\n" + usage
    if problem.error is ReportError.TOO_MANY_DATES:
        return _("Give at most two dates: from and to.") + "\n" + usage
    if problem.error is ReportError.TOO_LONG:
        return _("A report covers at most {days} days; ask for a shorter period.").format(
            days=MAX_DAYS
        )
    if problem.error is ReportError.PLAYER:
        return _("Sales reports are for sellers and the banca. To see your balance, send /saldo.")
    if problem.error is ReportError.NOT_YOURS:
        return _("You can only see your own sales: send /ventas with dates, without a name.")
    return _(
        "I do not know {who}. Use their Telegram id or @username; they must have written "
        "to me at least once."
    ).format(who=escape(problem.word))


async def sales_report(
    session: AsyncSession, catalog: Catalog, asker: User, args: str | None, now: datetime
) -> ReportAnswer:
    """``/ventas [@seller] [from] [to]`` for ``asker``: the text messages, and for admins a
    chart per report that has sales."""
    with in_language(asker.locale):
        return await _answer(session, catalog, asker, args, now)


async def _answer(
    session: AsyncSession, catalog: Catalog, asker: User, args: str | None, now: datetime
) -> ReportAnswer:
    today = now.astimezone(catalog.timezone).date()
    try:
        query = parse_query(args, today)
        scope = await resolve_scope(session, asker, query)
    except ReportProblem as problem:
        return ReportAnswer((problem_text(problem),))
    reports = await build_reports(session, catalog, scope, query.period)
    messages = [m for report in reports for m in render_report(report, catalog, asker.locale)]
    charts: list[ReportChart] = []
    if asker.role == UserRole.ADMIN:
        charts = [
            chart_for(report, catalog, asker.locale) for report in reports if not report.empty
        ]
    return ReportAnswer(tuple(messages), tuple(charts))
