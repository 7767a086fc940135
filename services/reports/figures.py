"""The figures of a period: the tickets read from the database, added up by the ledger, and
laid out as one :class:`SalesReport` per currency."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from services.reports.ledger import SOLD, Book, CellKey, Sums
from services.reports.period import Period
from services.reports.report import DayFigures, LotteryFigures, SalesReport, SellerFigures
from services.reports.scope import Scope, person_name
from storage.models import PaidHow, Ticket, TicketStatus, User, UserRole, Wager

BASIS_POINTS = Decimal(10_000)


async def _sale_rows(
    session: AsyncSession, start: datetime, end: datetime, seller_id: int | None
) -> Sequence[Any]:
    stmt = (
        select(
            Ticket.id,
            Ticket.seller_id,
            Ticket.status,
            Ticket.total,
            Ticket.prize.label("ticket_prize"),
            Ticket.currency,
            Ticket.created_at,
            Wager.lottery_id,
            Wager.amount,
            Wager.prize,
            Wager.outcome,
        )
        .join(Wager, Wager.ticket_id == Ticket.id)
        .where(
            Ticket.created_at >= start,
            Ticket.created_at < end,
            Ticket.status.in_([*SOLD, TicketStatus.VOID]),
        )
        .order_by(Ticket.id, Wager.position)
    )
    if seller_id is not None:
        stmt = stmt.where(Ticket.seller_id == seller_id)
    return (await session.execute(stmt)).all()


async def _cash_rows(
    session: AsyncSession, start: datetime, end: datetime, payer_id: int | None
) -> Sequence[Any]:
    stmt = (
        select(
            Ticket.id,
            Ticket.paid_by,
            Ticket.prize.label("ticket_prize"),
            Ticket.currency,
            Ticket.paid_at,
            Wager.lottery_id,
            Wager.amount,
            Wager.prize,
        )
        .join(Wager, Wager.ticket_id == Ticket.id)
        .where(
            Ticket.status == TicketStatus.PAID,
            Ticket.paid_how == PaidHow.CASH,
            Ticket.paid_at >= start,
            Ticket.paid_at < end,
            Ticket.prize > 0,
        )
        .order_by(Ticket.id, Wager.position)
    )
    if payer_id is not None:
        stmt = stmt.where(Ticket.paid_by == payer_id)
    return (await session.execute(stmt)).all()


def _by_ticket(rows: Sequence[Any]) -> Iterator[list[Any]]:
    for _ticket_id, group in groupby(rows, key=lambda r: r.id):
        yield list(group)


def commission_rate(user: User | None, catalog: Catalog) -> Decimal:
    """A fraction (0.1 = 10 %): the seller's own rate, else the market's; none for admins and
    for direct player sales."""
    if user is None or user.role == UserRole.ADMIN:
        return Decimal(0)
    if user.commission_bp is not None:
        return Decimal(user.commission_bp) / BASIS_POINTS
    return catalog.commission_percent / 100


async def build_reports(
    session: AsyncSession, catalog: Catalog, scope: Scope, period: Period
) -> list[SalesReport]:
    """One report per currency found (the market's first); an empty one when nothing happened."""
    start, end = period.bounds(catalog.timezone)
    seller_id = scope.seller.id if scope.seller is not None else None
    book = Book(catalog.timezone)
    for rows in _by_ticket(await _sale_rows(session, start, end, seller_id)):
        book.add_ticket(rows)
    for rows in _by_ticket(await _cash_rows(session, start, end, seller_id)):
        book.add_payout(rows)
    people = await _people(session, {key[1] for key in book.cells if key[1] is not None})
    book.charge_commissions({uid: commission_rate(u, catalog) for uid, u in people.items()})
    currencies = sorted(
        {key[0] for key in book.cells} | {catalog.currency},
        key=lambda c: (c != catalog.currency, c),
    )
    percent = None
    if scope.seller is not None:
        percent = commission_rate(scope.seller, catalog) * 100
    return [
        _report(book, currency, catalog, scope, period, percent, people) for currency in currencies
    ]


async def _people(session: AsyncSession, ids: set[int]) -> dict[int | None, User]:
    if not ids:
        return {}
    users = await session.scalars(select(User).where(User.id.in_(sorted(ids))))
    return {u.id: u for u in users}


def _report(
    book: Book,
    currency: str,
    catalog: Catalog,
    scope: Scope,
    period: Period,
    percent: Decimal | None,
    people: Mapping[int | None, User],
) -> SalesReport:
    cells = {k: v for k, v in book.cells.items() if k[0] == currency}
    counts = Counter((day, void) for cur, _s, day, void in book.tickets if cur == currency)
    seller_counts = Counter(s for cur, s, _d, void in book.tickets if cur == currency and not void)
    by_day: dict[date, dict[CellKey, Sums]] = defaultdict(dict)
    for key, sums in cells.items():
        by_day[key[2]][key] = sums
    days = []
    for day in period.days:
        day_cells = by_day.get(day, {})
        total = _sum(day_cells.values())
        if not total.any() and not counts[(day, True)] and not counts[(day, False)]:
            continue
        days.append(
            DayFigures(
                day,
                _lottery_lines(day_cells, catalog, currency),
                total.figures(currency),
                counts[(day, False)],
                counts[(day, True)],
            )
        )
    sellers: list[SellerFigures] = []
    if scope.seller is None:
        by_seller: dict[int | None, Sums] = defaultdict(Sums)
        for (_c, seller, _d, _l), sums in cells.items():
            by_seller[seller].add(sums)
        for seller, sums in sorted(
            by_seller.items(), key=lambda item: (item[0] is None, -item[1].sales)
        ):
            if sums.any():
                sellers.append(
                    SellerFigures(
                        seller,
                        person_name(people.get(seller)),
                        sums.figures(currency),
                        seller_counts[seller],
                    )
                )
    return SalesReport(
        period=period,
        currency=currency,
        scope=scope,
        commission_percent=percent,
        days=tuple(days),
        lotteries=_lottery_lines(cells, catalog, currency),
        sellers=tuple(sellers),
        total=_sum(cells.values()).figures(currency),
        tickets=sum(n for (_d, void), n in counts.items() if not void),
        voided=sum(n for (_d, void), n in counts.items() if void),
    )


def _sum(items: Iterable[Sums]) -> Sums:
    total = Sums()
    for item in items:
        total.add(item)
    return total


def _lottery_lines(
    cells: Mapping[CellKey, Sums], catalog: Catalog, currency: str
) -> tuple[LotteryFigures, ...]:
    by_lottery: dict[str, Sums] = defaultdict(Sums)
    for (_c, _s, _d, lottery), sums in cells.items():
        by_lottery[lottery].add(sums)
    order = {lot.id: i for i, lot in enumerate(catalog.lotteries)}
    # Cash payouts are the drawer's, shown per day: a lottery line needs a sale, void or prize.
    ids = sorted(
        (k for k, v in by_lottery.items() if v.sales or v.cancelled or v.prizes),
        key=lambda k: (order.get(k, len(order)), k),
    )
    return tuple(
        LotteryFigures(k, _lottery_name(catalog, k), by_lottery[k].figures(currency)) for k in ids
    )


def _lottery_name(catalog: Catalog, lottery_id: str) -> str:
    lottery = catalog.get_lottery(lottery_id)
    return lottery.name if lottery is not None else lottery_id
