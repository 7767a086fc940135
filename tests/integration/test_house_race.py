"""50 buyers race for the last units of a number under its tope: the cap is never exceeded."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.plays import Wager
from providers.base import ErrorCode, ProviderError, ProviderTicket, TicketRequest
from providers.house import HouseProvider, PinHasher
from storage.models import HouseBooking
from storage.repositories import draws
from storage.repositories.number_sales import number_sales_total

CARACAS = ZoneInfo("America/Caracas")
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=CARACAS)  # a Monday
VE = load_catalog(bundled_catalog_path("ve"))
DRAW = datetime.combine(NOW.date(), time(12, 45), tzinfo=CARACAS)
CAP = 10_000  # Zulia's triple tope, 100.00 VES, in minor units


def bet(number: str, amount: str) -> Wager:
    return Wager("zulia", DRAW, "triple", number, None, Decimal(amount))


async def buy(house: HouseProvider, ref: str, *wagers: Wager) -> ProviderTicket | None:
    try:
        return await house.create_ticket(TicketRequest(ref, wagers, "VES"), NOW)
    except ProviderError as refused:
        assert refused.code is ErrorCode.SOLD_OUT
        return None


async def state(sm: async_sessionmaker[AsyncSession], number: str) -> tuple[int, int]:
    """(sold on the number, sum of the booked tickets' totals)."""
    async with sm() as s:
        row = await draws.find_draw(s, "zulia", DRAW)
        assert row is not None
        total = await number_sales_total(s, row.id, "triple", number, None)
        booked = await s.scalar(select(func.coalesce(func.sum(HouseBooking.total), 0)))
    return total, int(booked or 0)


async def test_fifty_buyers_race_for_the_last_units(
    concurrent_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    sm = concurrent_sessionmaker
    house = HouseProvider(sm, VE, pin_hasher=PinHasher(b"test-pin-secret"))
    assert await buy(house, "first", bet("777", "90"))  # 10.00 left

    tickets = await asyncio.gather(*(buy(house, f"race-{i}", bet("777", "1")) for i in range(50)))
    assert sum(t is not None for t in tickets) == 10
    assert await state(sm, "777") == (CAP, CAP)
    assert len({t.provider_ticket_id for t in tickets if t}) == 10


async def test_mixed_tickets_racing_over_two_numbers_never_pass_either_cap(
    concurrent_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    sm = concurrent_sessionmaker
    house = HouseProvider(sm, VE, pin_hasher=PinHasher(b"test-pin-secret"))
    rng = random.Random(11)
    # Each ticket takes both numbers, in either order (all-or-nothing, so a refusal on one
    # must give back the other): the lock order must not deadlock and neither cap may pass.
    orders = []
    for i in range(50):
        pair = [bet("123", str(rng.randint(1, 8))), bet("456", str(rng.randint(1, 8)))]
        rng.shuffle(pair)
        orders.append(buy(house, f"mix-{i}", *pair))
    tickets = [t for t in await asyncio.gather(*orders) if t is not None]

    sold_123, booked = await state(sm, "123")
    sold_456, _ = await state(sm, "456")
    assert sold_123 <= CAP and sold_456 <= CAP
    assert booked == sold_123 + sold_456  # every reserved unit belongs to a booked ticket
    expected = {n: sum(int(w.amount * 100) for t in tickets for w in t.sold_wagers
                       if w.number == n) for n in ("123", "456")}
    assert (sold_123, sold_456) == (expected["123"], expected["456"])
    assert 0 < len(tickets) < 50  # the caps really were contended
