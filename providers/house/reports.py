"""Sales report of the house banca, per draw day and lottery.

A line's day is the draw's local date (how a banca closes its books: "ventas del martes en
Zulia"), not the day the ticket was bought. ``sales`` counts the wagers of tickets standing
(not voided), ``cancelled`` those of voided tickets; ``prizes`` stays 0 until settlement
(issue 5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lottery.money import from_minor
from providers.base import SalesLine, SalesReport
from providers.house.records import sold_docs
from storage.models import HouseBooking, HouseBookingState


def summarize(
    bookings: Iterable[tuple[HouseBookingState, list[Mapping[str, Any]]]],
    since: date,
    until: date,
    currency: str,
) -> SalesReport:
    """Pure: fold bookings (state, wager documents) into lines for ``since``…``until``
    (inclusive), ordered by day then lottery."""
    sums: dict[tuple[date, str], list[int]] = {}
    for state, docs in bookings:
        column = 1 if state is HouseBookingState.VOID else 0
        for doc in sold_docs(docs):
            day = date.fromisoformat(doc["day"])
            if since <= day <= until:
                sums.setdefault((day, doc["lottery"]), [0, 0])[column] += int(doc["amount"])
    lines = tuple(
        SalesLine(day=day, lottery=lottery, sales=from_minor(sold, currency),
                  cancelled=from_minor(cancelled, currency), prizes=from_minor(0, currency))
        for (day, lottery), (sold, cancelled) in sorted(sums.items())
    )
    return SalesReport(currency=currency, lines=lines)


async def sales_report(
    session: AsyncSession, since: date, until: date, currency: str
) -> SalesReport:
    rows = await session.execute(
        select(HouseBooking.state, HouseBooking.wagers).where(
            HouseBooking.currency == currency,
            HouseBooking.first_draw_date <= until,
            HouseBooking.last_draw_date >= since,
        )
    )
    return summarize(((state, wagers) for state, wagers in rows), since, until, currency)
