"""The banca's report (/balance): per day, lottery and seller, sales, prizes, commissions and
profit (*utilidad* = sales − prizes − commissions); what the banca owes in players' balances,
the withdrawals waiting to be paid and the prizes won but not collected yet. Exported as CSV and
XLSX (openpyxl) for the banca's own spreadsheet.

The per-day, lottery and seller figures are ``services.reports``' (the same arithmetic as
/ventas); the standing figures come from the ledger's mirrors and the pending rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.i18n import _
from lottery.money import Money
from services.reports.figures import build_reports
from services.reports.period import Period
from services.reports.report import Figures
from services.reports.scope import Scope
from storage.models import RequestState, Ticket, TicketStatus, User, UserRole, Withdrawal


@dataclass(frozen=True)
class Row:
    """One line of the report: ``kind`` is day, lottery, seller or total."""

    kind: str
    key: str
    sales: Money
    prizes: Money
    commission: Money

    @property
    def profit(self) -> Money:
        return self.sales - self.prizes - self.commission


@dataclass(frozen=True)
class BancaReport:
    period: Period
    currency: str
    rows: tuple[Row, ...]
    player_balances: Money  # what the banca owes players (saldo, held withdrawals apart)
    pending_withdrawals: Money
    pending_withdrawal_count: int
    unpaid_prizes: Money  # won, not collected, not expired
    unpaid_prize_count: int

    @property
    def total(self) -> Row:
        return next(r for r in self.rows if r.kind == "total")


def _row(kind: str, key: str, f: Figures) -> Row:
    return Row(kind, key, f.sales, f.prizes, f.commission)


async def banca_report(
    session: AsyncSession, catalog: Catalog, period: Period, now: datetime
) -> BancaReport:
    report = (await build_reports(session, catalog, Scope(None), period))[0]
    currency = report.currency
    rows = [_row("day", d.day.isoformat(), d.total) for d in report.days]
    rows += [_row("lottery", lot.name, lot.figures) for lot in report.lotteries]
    rows += [_row("seller", s.name if s.seller_id is not None else _("Direct player sales"),
                  s.figures) for s in report.sellers]
    rows.append(_row("total", "", report.total))
    balances = await session.scalar(select(func.coalesce(func.sum(User.balance), 0)).where(
        User.role == UserRole.PLAYER, User.currency == currency))
    held = (await session.execute(select(func.coalesce(func.sum(Withdrawal.amount), 0),
                                         func.count()).where(
        Withdrawal.state == RequestState.PENDING, Withdrawal.currency == currency))).one()
    unpaid = (await session.execute(select(func.coalesce(func.sum(Ticket.prize), 0),
                                           func.count()).where(
        Ticket.status == TicketStatus.WINNER, Ticket.currency == currency))).one()
    return BancaReport(
        period, currency, tuple(rows),
        Money.from_minor(int(balances or 0), currency),
        Money.from_minor(int(held[0]), currency), int(held[1]),
        Money.from_minor(int(unpaid[0]), currency), int(unpaid[1]),
    )


HEADER = ("kind", "key", "sales", "prizes", "commission", "profit", "currency")


def _table(report: BancaReport) -> list[list[object]]:
    table: list[list[object]] = [list(HEADER)]
    for r in report.rows:
        table.append([r.kind, r.key, r.sales.amount, r.prizes.amount, r.commission.amount,
                      r.profit.amount, report.currency])
    table.append(["owed", "player_balances", report.player_balances.amount, "", "", "",
                  report.currency])
    table.append(["owed", "pending_withdrawals", report.pending_withdrawals.amount, "", "", "",
                  report.currency])
    table.append(["owed", "unpaid_prizes", report.unpaid_prizes.amount, "", "", "",
                  report.currency])
    return table


def to_csv(report: BancaReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in _table(report):
        writer.writerow(line)
    return out.getvalue().encode("utf-8")


def to_xlsx(report: BancaReport) -> bytes:
    from openpyxl import Workbook  # a few hundred ms to import: only when exporting

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{report.period.first.isoformat()}"[:31]
    for line in _table(report):
        sheet.append(line)
    for cells in sheet.iter_rows(min_row=2, min_col=3, max_col=6):
        for cell in cells:
            cell.number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
