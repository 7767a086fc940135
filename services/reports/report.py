"""What a report holds: its figures per day, lottery and seller, as ``Money``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lottery.money import Money
from presentation.report_chart import DayBar
from services.reports.period import Period
from services.reports.scope import Scope


@dataclass(frozen=True)
class Figures:
    """One row of the report, in one currency."""

    sales: Money
    cancelled: Money
    prizes: Money
    commission: Money
    cash_prizes: Money

    @property
    def currency(self) -> str:
        return self.sales.currency

    @property
    def balance(self) -> Money:
        """What the seller owes the banca: sales − commission − prizes paid in cash."""
        return self.sales - self.commission - self.cash_prizes


@dataclass(frozen=True)
class LotteryFigures:
    lottery_id: str
    name: str
    figures: Figures


@dataclass(frozen=True)
class DayFigures:
    day: date
    lotteries: tuple[LotteryFigures, ...]
    total: Figures
    tickets: int  # sold that day
    voided: int


@dataclass(frozen=True)
class SellerFigures:
    """A seller's totals in an everyone report; ``seller_id`` None = direct player sales."""

    seller_id: int | None
    name: str | None
    figures: Figures
    tickets: int


@dataclass(frozen=True)
class SalesReport:
    period: Period
    currency: str
    scope: Scope
    #: The seller's commission rate in percent (one seller's report), else None.
    commission_percent: Decimal | None
    days: tuple[DayFigures, ...]  # only days with something to show, in order
    lotteries: tuple[LotteryFigures, ...]
    sellers: tuple[SellerFigures, ...]  # everyone reports only
    total: Figures
    tickets: int
    voided: int

    @property
    def empty(self) -> bool:
        return not self.days

    def day_bars(self) -> list[DayBar]:
        """Sales and prizes for every day of the period (zero when nothing happened)."""
        by_day = {d.day: d.total for d in self.days}
        zero = Decimal(0)
        return [
            DayBar(
                day,
                by_day[day].sales.amount if day in by_day else zero,
                by_day[day].prizes.amount if day in by_day else zero,
            )
            for day in self.period.days
        ]
