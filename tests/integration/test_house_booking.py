"""House provider sales: booking, idempotency by reference, tope (agotado), limits, closed draws."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.i18n import current_locale
from lottery.plays import Wager
from lottery.ticket_codes import SERIAL_ALPHABET
from providers.base import ErrorCode, Provider, ProviderError, TicketRequest, TicketState
from providers.house import HouseProvider, PinHasher
from storage.models import DrawStatus, HouseBooking
from storage.repositories import draws
from storage.repositories.activity import list_activity
from storage.repositories.number_sales import number_sales_total

CARACAS = ZoneInfo("America/Caracas")
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=CARACAS)  # a Monday
VE = load_catalog(bundled_catalog_path("ve"))
FAST_PINS = PinHasher(b"test-pin-secret")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


@pytest.fixture
def house(sessionmaker: async_sessionmaker[AsyncSession]) -> HouseProvider:
    return HouseProvider(sessionmaker, VE, pin_hasher=FAST_PINS)


def bet(number: str = "123", amount: str = "5", *, lottery: str = "zulia", at: str = "12:45",
        game: str = "triple", sign: str | None = None, day: date | None = None) -> Wager:
    hour, minute = map(int, at.split(":"))
    draw = datetime.combine(day or NOW.date(), time(hour, minute), tzinfo=CARACAS)
    return Wager(lottery, draw, game, number, sign, Decimal(amount))


def order(*wagers: Wager, ref: str = "ref-1", partial: bool = False) -> TicketRequest:
    return TicketRequest(reference=ref, wagers=wagers, currency="VES", partial=partial)


async def sold(sm: async_sessionmaker[AsyncSession], w: Wager) -> int:
    """Minor units sold so far on the wager's number (0 when its draw has no row)."""
    async with sm() as s:
        row = await draws.find_draw(s, w.lottery, w.draw)
        if row is None:
            return 0
        return await number_sales_total(s, row.id, w.game, w.number, w.sign)


async def bookings(sm: async_sessionmaker[AsyncSession]) -> list[HouseBooking]:
    async with sm() as s:
        return list((await s.scalars(select(HouseBooking).order_by(HouseBooking.id))).all())


async def test_the_house_provider_fits_the_provider_protocol(house: HouseProvider) -> None:
    assert isinstance(house, Provider)
    assert await house.catalog() is VE


async def test_booking_happy_path(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    wagers = (bet("123", "5"), bet("45", "2.50", game="terminal", at="16:45"))
    ticket = await house.create_ticket(replace(order(*wagers), actor_id=42), NOW)

    assert ticket.state is TicketState.SOLD
    assert ticket.total == Decimal("7.50") and ticket.currency == "VES"
    assert ticket.sold_wagers == wagers
    assert len(ticket.provider_ticket_id) == 10
    assert set(ticket.provider_ticket_id) <= set(SERIAL_ALPHABET)
    assert ticket.pin is not None and len(ticket.pin) == 8 and ticket.pin.isdigit()
    assert ticket.cancel_deadline == NOW + timedelta(seconds=180)
    assert await sold(sessionmaker, wagers[0]) == 500
    assert await sold(sessionmaker, wagers[1]) == 250

    [row] = await bookings(sessionmaker)
    assert row.total == 750 and row.serial == ticket.provider_ticket_id
    assert ticket.pin not in row.pin_hash  # only a salted scrypt hash is stored
    assert FAST_PINS.verify(ticket.pin, row.pin_hash)
    assert not FAST_PINS.verify("00000000" if ticket.pin != "00000000" else "1", row.pin_hash)

    found = await house.find_ticket("ref-1")
    assert found is not None and found.pin is None
    assert (found.provider_ticket_id, found.total, found.sold_wagers) == (
        ticket.provider_ticket_id, ticket.total, wagers)
    assert await house.find_ticket("nope") is None

    async with sessionmaker() as s:
        [entry] = await list_activity(s, action="TICKET_SELL")
    assert entry.actor_id == 42 and entry.at == NOW and entry.at.tzinfo is UTC
    assert entry.target_id == ticket.provider_ticket_id
    assert entry.details["total"] == 750 and entry.details["reference"] == "ref-1"


async def test_the_same_reference_twice_books_once(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    first = await house.create_ticket(order(bet()), NOW)
    again = await house.create_ticket(order(bet()), NOW + timedelta(minutes=1))
    assert again.provider_ticket_id == first.provider_ticket_id
    assert again.pin is None  # the PIN is shown once, with the sale
    assert len(await bookings(sessionmaker)) == 1
    assert await sold(sessionmaker, bet()) == 500
    # Even after its draw closed, a retry finds the ticket instead of being refused.
    late = await house.create_ticket(order(bet()), NOW.replace(hour=13))
    assert late.provider_ticket_id == first.provider_ticket_id


async def test_twenty_concurrent_creates_with_one_reference_book_once(
    concurrent_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    house = HouseProvider(concurrent_sessionmaker, VE, pin_hasher=FAST_PINS)
    # 100.00 is the whole tope of the number: a duplicate that raced for it would be "sold out".
    tickets = await asyncio.gather(
        *(house.create_ticket(order(bet("777", "100")), NOW) for _ in range(20)))
    assert len({t.provider_ticket_id for t in tickets}) == 1
    assert sum(t.pin is not None for t in tickets) == 1
    assert len(await bookings(concurrent_sessionmaker)) == 1
    assert await sold(concurrent_sessionmaker, bet("777")) == 10_000


async def test_all_or_nothing_refuses_the_ticket_when_one_number_is_sold_out(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await house.create_ticket(order(bet("123", "98"), ref="a"), NOW)  # tope 100.00
    with pytest.raises(ProviderError) as refused:
        await house.create_ticket(order(bet("456", "5"), bet("123", "5"), ref="b"), NOW)
    assert refused.value.code is ErrorCode.SOLD_OUT
    assert [(r.index, r.code) for r in refused.value.rejections] == [(1, ErrorCode.SOLD_OUT)]
    assert "«123» does not fit the tope" in refused.value.rejections[0].detail
    assert "2 left" in refused.value.rejections[0].detail
    assert await sold(sessionmaker, bet("456")) == 0  # nothing reserved
    assert await sold(sessionmaker, bet("123")) == 9_800
    assert await house.find_ticket("b") is None
    assert len(await bookings(sessionmaker)) == 1


async def test_partial_books_what_fits_and_reports_the_rest(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await house.create_ticket(order(bet("123", "98"), ref="a"), NOW)
    wagers = (bet("456", "5"), bet("123", "5"), bet("789", "0.50"), bet("321", "1", at="09:00"),
              bet("123", "2"))
    ticket = await house.create_ticket(order(*wagers, ref="b", partial=True), NOW)
    assert [(w.sold, w.rejection) for w in ticket.wagers] == [
        (True, None), (False, ErrorCode.SOLD_OUT), (False, ErrorCode.LIMIT),
        (False, ErrorCode.CLOSED_DRAW), (True, None)]
    assert ticket.total == Decimal("7.00")
    assert await sold(sessionmaker, bet("456")) == 500
    assert await sold(sessionmaker, bet("123")) == 10_000  # the 2.00 fitted, the 5.00 did not
    replay = await house.find_ticket("b")
    assert replay is not None and replay.wagers == ticket.wagers and replay.total == ticket.total

    with pytest.raises(ProviderError) as nothing:
        await house.create_ticket(order(bet("123", "1"), bet("321", at="09:00"), ref="c",
                                        partial=True), NOW)
    assert [r.index for r in nothing.value.rejections] == [0, 1]
    assert await house.find_ticket("c") is None


async def test_tope_exactly_reached_then_exceeded_by_one_unit(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    signed = {"game": "triple_sign", "sign": "ACU"}  # tope 20.00
    await house.create_ticket(order(bet("123", "19", **signed), ref="a"), NOW)
    assert await house.validate([bet("123", "1", **signed)], NOW) == []
    await house.create_ticket(order(bet("123", "1", **signed), ref="b"), NOW)
    assert await sold(sessionmaker, bet("123", **signed)) == 2_000

    [preview] = await house.validate([bet("123", "1", **signed)], NOW)
    assert (preview.index, preview.code) == (0, ErrorCode.SOLD_OUT)
    with pytest.raises(ProviderError) as refused:
        await house.create_ticket(order(bet("123", "1", **signed), ref="c"), NOW)
    assert refused.value.code is ErrorCode.SOLD_OUT
    assert "0 left" in refused.value.detail
    # Another sign of the same number is another counter.
    await house.create_ticket(order(bet("123", "1", game="triple_sign", sign="PIS"), ref="d"), NOW)


async def test_validate_counts_wagers_of_one_ticket_against_each_other(
    house: HouseProvider,
) -> None:
    wagers = [bet("555", "60"), bet("555", "50"), bet("555", "40")]
    assert [(r.index, r.code) for r in await house.validate(wagers, NOW)] == [
        (1, ErrorCode.SOLD_OUT)]
    with pytest.raises(ProviderError) as refused:
        await house.create_ticket(order(*wagers), NOW)
    assert {r.index for r in refused.value.rejections} == {0, 1, 2}  # the number does not fit


async def test_closed_draws_are_refused(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # Zulia 12:45 closes 5 minutes before; 12:46 is no draw at all.
    late = NOW.replace(hour=12, minute=40)
    with pytest.raises(ProviderError) as closed:
        await house.create_ticket(order(bet()), late)
    assert closed.value.code is ErrorCode.CLOSED_DRAW
    assert "closed at 12:40 pm" in closed.value.detail
    assert [r.code for r in await house.validate([bet(at="12:46")], NOW)] == [
        ErrorCode.CLOSED_DRAW]
    assert await house.validate([bet()], late - timedelta(seconds=1)) == []

    # Closed in the database (the job, or an admin) though the clock says open.
    await house.create_ticket(order(bet(), ref="opens-the-row"), NOW)
    async with sessionmaker() as s:
        row = await draws.find_draw(s, "zulia", bet().draw)
        assert row is not None
        await draws.set_draw_status(s, row.id, DrawStatus.CLOSED)
        await s.commit()
    assert [r.code for r in await house.validate([bet()], NOW)] == [ErrorCode.CLOSED_DRAW]
    with pytest.raises(ProviderError) as closed_in_db:
        await house.create_ticket(order(bet("999"), ref="x"), NOW)
    assert closed_in_db.value.code is ErrorCode.CLOSED_DRAW
    assert await sold(sessionmaker, bet("999")) == 0


async def test_limits_are_enforced(house: HouseProvider) -> None:
    wagers = [bet(amount="0.50"), bet(amount="1000.50"), bet(amount="1.25"),
              bet("123", game="triple_sign", sign="ARI", lottery="tachira", at="13:15"),
              bet("1234"), bet("124", "1")]
    rejections = await house.validate(wagers, NOW)
    assert [(r.index, r.code) for r in rejections] == [
        (0, ErrorCode.LIMIT), (1, ErrorCode.LIMIT), (2, ErrorCode.INVALID_AMOUNT),
        (3, ErrorCode.INVALID_NUMBER), (4, ErrorCode.INVALID_NUMBER)]
    with pytest.raises(ProviderError) as refused:
        await house.create_ticket(order(*wagers), NOW)
    assert refused.value.code is ErrorCode.LIMIT
    assert len(refused.value.rejections) == 5

    many = [bet(f"{n:03d}", "1") for n in range(101)]
    with pytest.raises(ProviderError) as too_many:
        await house.create_ticket(order(*many, ref="many"), NOW)
    assert [(r.index, r.code) for r in too_many.value.rejections] == [(100, ErrorCode.LIMIT)]


async def test_wrong_currency_or_no_wagers_are_refused(house: HouseProvider) -> None:
    with pytest.raises(ProviderError) as currency:
        await house.create_ticket(
            TicketRequest(reference="r", wagers=(bet(),), currency="CRC"), NOW)
    assert currency.value.code is ErrorCode.INVALID_AMOUNT
    with pytest.raises(ProviderError) as empty:
        await house.create_ticket(order(), NOW)
    assert empty.value.code is ErrorCode.LIMIT


async def test_draw_rows_are_created_on_demand_once(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await house.create_ticket(order(bet("1" * 3), bet("222"), ref="a"), NOW)
    await house.create_ticket(order(bet("333"), ref="b"), NOW)
    async with sessionmaker() as s:
        count = await s.scalar(select(func.count()).select_from(draws.Draw))
        row = await draws.find_draw(s, "zulia", bet().draw)
    assert count == 1
    assert row is not None and row.local_time == time(12, 45) and row.tz == "America/Caracas"


async def test_costa_rica_sells_in_colones_on_its_own_clock(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    cr = load_catalog(bundled_catalog_path("cr"))
    house = HouseProvider(sessionmaker, cr, pin_hasher=FAST_PINS)
    costa_rica = ZoneInfo("America/Costa_Rica")
    draw = datetime(2026, 11, 23, 12, 55, tzinfo=costa_rica)
    wagers = (Wager("tica", draw, "tiempo", "25", None, Decimal("1000")),
              Wager("tica", draw, "reventado", "25", None, Decimal("500")))
    ticket = await house.create_ticket(TicketRequest("cr-1", wagers, "CRC"), NOW)
    assert (ticket.total, ticket.currency) == (Decimal("1500.00"), "CRC")
    assert ticket.cancel_deadline == NOW + timedelta(seconds=300)
    async with sessionmaker() as s:
        row = await draws.find_draw(s, "tica", draw)
    assert row is not None and row.reventado and row.tz == "America/Costa_Rica"
    assert await sold(sessionmaker, wagers[1]) == 50_000
    # Tica 12:55 closes a minute before, at 12:54 in San José: 14:54 in Caracas.
    late = datetime(2026, 11, 23, 14, 54, tzinfo=CARACAS)
    assert [r.code for r in await house.validate(wagers[:1], late)] == [ErrorCode.CLOSED_DRAW]
    assert await house.validate(wagers[:1], late - timedelta(minutes=1)) == []
