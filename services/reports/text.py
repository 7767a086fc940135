"""The report as text: Telegram HTML in the reader's language, packed into messages under
Telegram's length limit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from babel.dates import format_interval, format_skeleton
from babel.numbers import format_decimal, format_percent

from lottery.catalog import Catalog
from lottery.i18n import _, ngettext
from lottery.money import SYMBOLS, Money, exponent, format_locale, format_money
from lottery.ticket import in_language
from services.reports.period import Period
from services.reports.report import DayFigures, LotteryFigures, SalesReport
from services.reports.scope import Scope, person_name
from services.telegram_text import MAX_TEXT, split_text, utf16_length

MESSAGE_LIMIT = MAX_TEXT  # Telegram's limit for one text message


@dataclass(frozen=True)
class Style:
    """How one reader reads numbers and dates."""

    locale: str
    currency: str

    def plain(self, money: Money) -> str:
        """An amount without its symbol (the report says the currency once, at the top)."""
        digits = exponent(money.currency)
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return format_decimal(
            money.amount, format=pattern, locale=self.locale, decimal_quantization=True
        )

    def money(self, money: Money) -> str:
        return format_money(money, self.locale)

    def percent(self, percent: Decimal) -> str:
        return format_percent(percent / 100, locale=self.locale, decimal_quantization=False)

    def period(self, period: Period) -> str:
        if period.first == period.last:
            return format_skeleton("yMMMEd", period.first, locale=self.locale)
        return format_interval(period.first, period.last, "yMMMd", locale=self.locale)

    def day(self, day: date) -> str:
        return format_skeleton("MMMEd", day, locale=self.locale)


def _title(scope: Scope) -> str:
    if scope.own:
        return _("📊 <b>Your sales</b>")
    if scope.seller is None:
        return _("📊 <b>All sales</b> (sellers and direct player sales)")
    return _("📊 <b>Sales of {name}</b>").format(name=escape(person_name(scope.seller) or ""))


def _header(report: SalesReport, style: Style) -> str:
    symbol = SYMBOLS.get(report.currency, report.currency)
    terms = _("Amounts in {currency}").format(currency=symbol)
    if report.commission_percent is not None:
        terms += " · " + _("commission {percent}").format(
            percent=style.percent(report.commission_percent)
        )
    return "\n".join([_title(report.scope), escape(style.period(report.period)), terms])


def _lottery_line(line: LotteryFigures, style: Style) -> str:
    f = line.figures
    parts = [f"{escape(line.name)}: {style.plain(f.sales)}"]
    if f.cancelled.amount:
        parts.append(_("void {amount}").format(amount=style.plain(f.cancelled)))
    if f.prizes.amount:
        parts.append(_("prizes {amount}").format(amount=style.plain(f.prizes)))
    return " · ".join(parts)


def _day_block(day: DayFigures, style: Style) -> str:
    f = day.total
    lines = [f"📅 <b>{escape(style.day(day.day))}</b>"]
    lines += [_lottery_line(line, style) for line in day.lotteries]
    lines.append(
        _("Sales {sales} · commission {commission}").format(
            sales=style.plain(f.sales), commission=style.plain(f.commission)
        )
    )
    extra = []
    if f.cancelled.amount:
        extra.append(_("Void {amount}").format(amount=style.plain(f.cancelled)))
    if f.prizes.amount:
        extra.append(_("Prizes {amount}").format(amount=style.plain(f.prizes)))
    if f.cash_prizes.amount:
        extra.append(_("Paid in cash {amount}").format(amount=style.plain(f.cash_prizes)))
    if extra:
        lines.append(" · ".join(extra))
    lines.append(_("<b>Balance {amount}</b>").format(amount=style.plain(f.balance)))
    return "\n".join(lines)


def _totals_block(report: SalesReport, style: Style) -> str:
    f = report.total
    lines = [_("<b>Totals</b>")]
    lines += [_lottery_line(line, style) for line in report.lotteries]
    lines.append(
        _("Sales: {amount}").format(amount=style.money(f.sales))
        + " "
        + ngettext("({count} ticket)", "({count} tickets)", report.tickets).format(
            count=report.tickets
        )
    )
    if report.voided or f.cancelled.amount:
        lines.append(
            _("Void: {amount}").format(amount=style.money(f.cancelled))
            + " "
            + ngettext("({count} ticket)", "({count} tickets)", report.voided).format(
                count=report.voided
            )
        )
    lines.append(_("Prizes: {amount}").format(amount=style.money(f.prizes)))
    if report.commission_percent is not None:
        lines.append(
            _("Commission ({percent}): {amount}").format(
                percent=style.percent(report.commission_percent), amount=style.money(f.commission)
            )
        )
    else:
        lines.append(_("Commission: {amount}").format(amount=style.money(f.commission)))
    lines.append(_("Prizes paid in cash: {amount}").format(amount=style.money(f.cash_prizes)))
    lines.append(_("<b>Balance: {amount}</b>").format(amount=style.money(f.balance)))
    lines.append(
        _(
            "<i>Balance = sales − commission − prizes paid in cash: what is owed to the "
            "banca (negative: what the banca owes).</i>"
        )
    )
    return "\n".join(lines)


def _sellers_block(report: SalesReport, style: Style) -> str:
    lines = [_("<b>By seller</b>")]
    for seller in report.sellers:
        f = seller.figures
        name = seller.name if seller.seller_id is not None else _("Direct player sales")
        lines.append(f"<b>{escape(name or '')}</b>")
        parts = [_("sales {amount}").format(amount=style.plain(f.sales))]
        if f.commission.amount:
            parts.append(_("commission {amount}").format(amount=style.plain(f.commission)))
        if f.cash_prizes.amount:
            parts.append(_("paid in cash {amount}").format(amount=style.plain(f.cash_prizes)))
        parts.append(_("balance {amount}").format(amount=style.plain(f.balance)))
        lines.append(" · ".join(parts))
    return "\n".join(lines)


def render_report(report: SalesReport, catalog: Catalog, language: str) -> list[str]:
    """The report as Telegram HTML messages, each within Telegram's length limit."""
    style = Style(format_locale(language, catalog.locale), report.currency)
    with in_language(language):
        blocks = [_header(report, style)]
        if report.empty:
            blocks.append(_("No sales in this period."))
            return pack(blocks)
        if len(report.period.days) > 1:  # one day: its block would repeat the totals
            blocks += [_day_block(day, style) for day in report.days]
        blocks.append(_totals_block(report, style))
        if report.sellers:
            blocks.append(_sellers_block(report, style))
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
