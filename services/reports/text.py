"""The report as text: Telegram HTML in the reader's language, packed into messages under
Telegram's length limit."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from lottery.catalog import Catalog
from lottery.i18n import _, ngettext
from presentation.formatting import Formatter
from presentation.telegram_text import MAX_TEXT, split_text, utf16_length
from presentation.ticket import in_language
from services.reports.report import DayFigures, LotteryFigures, SalesReport
from services.reports.scope import Scope, person_name

MESSAGE_LIMIT = MAX_TEXT  # Telegram's limit for one text message


def _title(scope: Scope) -> str:
    if scope.own:
        return _("📊 <b>Your sales</b>")
    if scope.seller is None:
        return _("📊 <b>All sales</b> (sellers and direct player sales)")
    return _("📊 <b>Sales of {name}</b>").format(name=escape(person_name(scope.seller) or ""))


def _header(report: SalesReport, fmt: Formatter) -> str:
    terms = _("Amounts in {currency}").format(currency=fmt.symbol())
    if report.commission_percent is not None:
        terms += " · " + _("commission {percent}").format(
            percent=fmt.percent(report.commission_percent)
        )
    period = fmt.period(report.period.first, report.period.last)
    return "\n".join([_title(report.scope), escape(period), terms])


def _lottery_line(line: LotteryFigures, fmt: Formatter) -> str:
    f = line.figures
    parts = [f"{escape(line.name)}: {fmt.plain(f.sales)}"]
    if f.cancelled.amount:
        parts.append(_("void {amount}").format(amount=fmt.plain(f.cancelled)))
    if f.prizes.amount:
        parts.append(_("prizes {amount}").format(amount=fmt.plain(f.prizes)))
    return " · ".join(parts)


def _day_block(day: DayFigures, fmt: Formatter) -> str:
    f = day.total
    lines = [f"📅 <b>{escape(fmt.date(day.day))}</b>"]
    lines += [_lottery_line(line, fmt) for line in day.lotteries]
    lines.append(
        _("Sales {sales} · commission {commission}").format(
            sales=fmt.plain(f.sales), commission=fmt.plain(f.commission)
        )
    )
    extra = []
    if f.cancelled.amount:
        extra.append(_("Void {amount}").format(amount=fmt.plain(f.cancelled)))
    if f.prizes.amount:
        extra.append(_("Prizes {amount}").format(amount=fmt.plain(f.prizes)))
    if f.cash_prizes.amount:
        extra.append(_("Paid in cash {amount}").format(amount=fmt.plain(f.cash_prizes)))
    if extra:
        lines.append(" · ".join(extra))
    lines.append(_("<b>Balance {amount}</b>").format(amount=fmt.plain(f.balance)))
    return "\n".join(lines)


def _totals_block(report: SalesReport, fmt: Formatter) -> str:
    f = report.total
    lines = [_("<b>Totals</b>")]
    lines += [_lottery_line(line, fmt) for line in report.lotteries]
    lines.append(
        _("Sales: {amount}").format(amount=fmt.money(f.sales))
        + " "
        + ngettext("({count} ticket)", "({count} tickets)", report.tickets).format(
            count=report.tickets
        )
    )
    if report.voided or f.cancelled.amount:
        lines.append(
            _("Void: {amount}").format(amount=fmt.money(f.cancelled))
            + " "
            + ngettext("({count} ticket)", "({count} tickets)", report.voided).format(
                count=report.voided
            )
        )
    lines.append(_("Prizes: {amount}").format(amount=fmt.money(f.prizes)))
    if report.commission_percent is not None:
        lines.append(
            _("Commission ({percent}): {amount}").format(
                percent=fmt.percent(report.commission_percent), amount=fmt.money(f.commission)
            )
        )
    else:
        lines.append(_("Commission: {amount}").format(amount=fmt.money(f.commission)))
    lines.append(_("Prizes paid in cash: {amount}").format(amount=fmt.money(f.cash_prizes)))
    lines.append(_("<b>Balance: {amount}</b>").format(amount=fmt.money(f.balance)))
    lines.append(
        _(
            "<i>Balance = sales − commission − prizes paid in cash: what is owed to the "
            "banca (negative: what the banca owes).</i>"
        )
    )
    if report.scope.seller is None:  # the whole banca: its profit (/utilidad has the rest)
        lines.append(_("<b>Profit (utilidad): {amount}</b>").format(
            amount=fmt.money(f.sales - f.prizes - f.commission)))
    return "\n".join(lines)


def _sellers_block(report: SalesReport, fmt: Formatter) -> str:
    lines = [_("<b>By seller</b>")]
    for seller in report.sellers:
        f = seller.figures
        name = seller.name if seller.seller_id is not None else _("Direct player sales")
        lines.append(f"<b>{escape(name or '')}</b>")
        parts = [_("sales {amount}").format(amount=fmt.plain(f.sales))]
        if f.commission.amount:
            parts.append(_("commission {amount}").format(amount=fmt.plain(f.commission)))
        if f.cash_prizes.amount:
            parts.append(_("paid in cash {amount}").format(amount=fmt.plain(f.cash_prizes)))
        parts.append(_("balance {amount}").format(amount=fmt.plain(f.balance)))
        lines.append(" · ".join(parts))
    return "\n".join(lines)


def render_report(report: SalesReport, catalog: Catalog, language: str) -> list[str]:
    """The report as Telegram HTML messages, each within Telegram's length limit."""
    fmt = Formatter.for_reader(language, catalog).with_currency(report.currency)
    with in_language(language):
        blocks = [_header(report, fmt)]
        if report.empty:
            blocks.append(_("No sales in this period."))
            return pack(blocks)
        if len(report.period.days) > 1:  # one day: its block would repeat the totals
            blocks += [_day_block(day, fmt) for day in report.days]
        blocks.append(_totals_block(report, fmt))
        if report.sellers:
            blocks.append(_sellers_block(report, fmt))
    return pack(blocks)


def pack(blocks: Sequence[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Blocks joined by blank lines into as few messages as fit ``limit``; a block is never cut
    unless it alone is too long (then it is cut between lines)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in split_text(block, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if utf16_length(candidate) <= limit:  # markup counted too: the safe side
                current = candidate
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages
