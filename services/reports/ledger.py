"""The arithmetic: tickets added up exactly, in integer minor units, into cells (currency,
seller, local day, lottery)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from lottery.money import Money
from services.reports.report import Figures
from storage.models import TicketStatus, WagerOutcome

#: Tickets whose total counts as sold.
SOLD = (
    TicketStatus.SOLD,
    TicketStatus.WINNER,
    TicketStatus.LOSER,
    TicketStatus.PAID,
    TicketStatus.EXPIRED,
)
#: Tickets whose prize counts as won.
WON = (TicketStatus.WINNER, TicketStatus.PAID)


@dataclass
class Sums:
    """Minor units; added up exactly, turned into ``Figures`` at the end."""

    sales: int = 0
    cancelled: int = 0
    prizes: int = 0
    commission: int = 0
    cash_prizes: int = 0

    def add(self, other: Sums) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def figures(self, currency: str) -> Figures:
        return Figures(
            **{f.name: Money.from_minor(getattr(self, f.name), currency) for f in fields(self)}
        )


def allocate(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split ``total`` minor units over the keys in proportion to ``weights``, exactly (the
    largest remainders get the leftover units; ties go to the earlier key). Equal weights when
    none is positive."""
    keys = list(weights)
    if not keys:
        return {}
    positive = {k: w for k, w in weights.items() if w > 0} or dict.fromkeys(keys, 1)
    whole = sum(positive.values())
    if whole == total:
        return dict(positive)
    shares = {k: total * w // whole for k, w in positive.items()}
    order = sorted(positive, key=lambda k: (-(total * positive[k] % whole), keys.index(k)))
    for k in order[: total - sum(shares.values())]:
        shares[k] += 1
    return shares


CellKey = tuple[str, int | None, date, str]  # currency, seller, day, lottery


@dataclass
class Book:
    """Adds tickets up into cells (currency, seller, local day, lottery)."""

    tz: tzinfo
    cells: dict[CellKey, Sums] = field(default_factory=lambda: defaultdict(Sums))
    #: One entry per ticket: (currency, seller, day, voided).
    tickets: list[tuple[str, int | None, date, bool]] = field(default_factory=list)

    def day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def add_ticket(self, rows: Sequence[Any]) -> None:
        """``rows``: one ticket's wagers joined with the ticket (see ``_sale_rows``)."""
        first = rows[0]
        currency, seller, day = first.currency, first.seller_id, self.day(first.created_at)
        void = first.status == TicketStatus.VOID
        live = [r for r in rows if r.outcome != WagerOutcome.VOID] or list(rows)
        for lottery, share in allocate(first.total, _weights(live, "amount")).items():
            cell = self.cells[(currency, seller, day, lottery)]
            if void:
                cell.cancelled += share
            else:
                cell.sales += share
        if first.status in WON and first.ticket_prize:
            for lottery, share in allocate(first.ticket_prize, _prize_weights(live)).items():
                self.cells[(currency, seller, day, lottery)].prizes += share
        self.tickets.append((currency, seller, day, void))

    def add_payout(self, rows: Sequence[Any]) -> None:
        """A prize paid in cash: on the payer's drawer, the day it was paid."""
        first = rows[0]
        day = self.day(first.paid_at)
        for lottery, share in allocate(first.ticket_prize, _prize_weights(rows)).items():
            self.cells[(first.currency, first.paid_by, day, lottery)].cash_prizes += share

    def charge_commissions(self, rates: Mapping[int | None, Decimal]) -> None:
        for (_currency, seller, _day, _lottery), cell in self.cells.items():
            rate = rates.get(seller, Decimal(0))
            cell.commission = int((cell.sales * rate).quantize(Decimal(1), ROUND_HALF_EVEN))


def _prize_weights(rows: Sequence[Any]) -> dict[str, int]:
    """By the wagers' prizes; by their stakes when the provider gave only the ticket's prize."""
    weights = _weights(rows, "prize")
    return weights if any(weights.values()) else _weights(rows, "amount")


def _weights(rows: Iterable[Any], column: str) -> dict[str, int]:
    weights: dict[str, int] = {}
    for row in rows:
        weights[row.lottery_id] = weights.get(row.lottery_id, 0) + (getattr(row, column) or 0)
    return weights
