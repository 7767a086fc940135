"""Cancelling house tickets: inside the window, before the draw closes, once; tope given back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.controls import Kind
from lottery.i18n import current_locale
from lottery.plays import Wager
from providers.base import ErrorCode, ProviderError, TicketRequest, TicketState
from providers.house import HouseProvider, PinHasher
from storage.models import HouseBooking
from storage.repositories import draws
from storage.repositories.activity import list_activity
from storage.repositories.controls import add_control
from storage.repositories.number_sales import number_sales_total

CARACAS = ZoneInfo("America/Caracas")
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=CARACAS)  # a Monday; cancel_seconds is 180
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


def bet(number: str = "123", amount: str = "5", *, lottery: str = "zulia",
        at: time = time(12, 45)) -> Wager:
    return Wager(lottery, datetime.combine(NOW.date(), at, tzinfo=CARACAS), "triple", number,
                 None, Decimal(amount))


def order(*wagers: Wager, ref: str = "ref-1") -> TicketRequest:
    return TicketRequest(reference=ref, wagers=wagers, currency="VES")


async def sold(sm: async_sessionmaker[AsyncSession], w: Wager) -> int:
    async with sm() as s:
        row = await draws.find_draw(s, w.lottery, w.draw)
        assert row is not None
        return await number_sales_total(s, row.id, w.game, w.number, w.sign)


async def test_cancel_inside_the_window_voids_and_releases_the_tope(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    ticket = await house.create_ticket(order(bet("123", "100"), bet("045", "3")), NOW)
    with pytest.raises(ProviderError):  # 123 is sold out now
        await house.create_ticket(order(bet("123", "1"), ref="other"), NOW)

    voided = await house.cancel_ticket(ticket, NOW + timedelta(seconds=179), actor_id=9)
    assert voided.state is TicketState.VOID
    assert voided.provider_ticket_id == ticket.provider_ticket_id
    assert await sold(sessionmaker, bet("123")) == 0
    assert await sold(sessionmaker, bet("045")) == 0
    found = await house.find_ticket("ref-1")
    assert found is not None and found.state is TicketState.VOID
    # The released tope sells again.
    again = await house.create_ticket(order(bet("123", "100"), ref="other"), NOW)
    assert again.state is TicketState.SOLD

    async with sessionmaker() as s:
        [entry] = await list_activity(s, action="TICKET_CANCEL")
    assert entry.actor_id == 9 and entry.target_id == ticket.provider_ticket_id
    assert entry.at == NOW + timedelta(seconds=179) and entry.at.tzinfo is UTC


async def test_cancel_after_the_window_names_the_deadline(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    ticket = await house.create_ticket(order(bet()), NOW)
    with pytest.raises(ProviderError) as refused:
        await house.cancel_ticket(ticket, NOW + timedelta(seconds=180))
    assert refused.value.code is ErrorCode.NOT_CANCELLABLE
    assert "until 9:33:00 am" in refused.value.detail
    assert await sold(sessionmaker, bet()) == 500  # still sold, still counted
    found = await house.find_ticket("ref-1")
    assert found is not None and found.state is TicketState.SOLD


async def test_cancel_after_the_draw_closed_is_refused_even_inside_the_window(
    house: HouseProvider,
) -> None:
    # Zamorano 10:00 closes at 9:55; bought at 9:54 the window would run to 9:57.
    bought = NOW.replace(minute=54)
    ticket = await house.create_ticket(
        order(bet(lottery="zamorano", at=time(10, 0)), bet("456")), bought)
    with pytest.raises(ProviderError) as refused:
        await house.cancel_ticket(ticket, bought + timedelta(minutes=1))
    assert refused.value.code is ErrorCode.NOT_CANCELLABLE
    assert "Triple Zamorano" in refused.value.detail and "closed at 9:55 am" in refused.value.detail


async def test_cancel_when_the_draw_was_closed_in_the_database(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    ticket = await house.create_ticket(order(bet()), NOW)
    async with sessionmaker() as s:
        row = await draws.find_draw(s, "zulia", bet().draw)
        assert row is not None
        await draws.set_draw_status(s, row.id, draws.DrawStatus.CLOSED)
        await s.commit()
    with pytest.raises(ProviderError) as refused:
        await house.cancel_ticket(ticket, NOW + timedelta(seconds=10))
    assert refused.value.code is ErrorCode.NOT_CANCELLABLE


async def test_cancelling_twice_is_refused(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    ticket = await house.create_ticket(order(bet("123", "10"), bet("124", "10")), NOW)
    await house.create_ticket(order(bet("123", "20"), ref="neighbour"), NOW)
    await house.cancel_ticket(ticket, NOW + timedelta(seconds=5))
    with pytest.raises(ProviderError) as refused:
        await house.cancel_ticket(ticket, NOW + timedelta(seconds=6))
    assert refused.value.code is ErrorCode.NOT_CANCELLABLE
    assert "already cancelled" in refused.value.detail
    assert await sold(sessionmaker, bet("123")) == 2_000  # released once, not twice
    async with sessionmaker() as s:
        assert len(await list_activity(s, action="TICKET_CANCEL")) == 1


async def test_two_concurrent_cancels_void_once(
    concurrent_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    house = HouseProvider(concurrent_sessionmaker, VE, pin_hasher=FAST_PINS)
    ticket = await house.create_ticket(order(bet("321", "40")), NOW)
    await house.create_ticket(order(bet("321", "25"), ref="neighbour"), NOW)
    outcomes = await asyncio.gather(
        *(house.cancel_ticket(ticket, NOW + timedelta(seconds=30)) for _ in range(2)),
        return_exceptions=True)
    assert sum(isinstance(o, ProviderError) for o in outcomes) == 1
    assert await sold(concurrent_sessionmaker, bet("321")) == 2_500


async def test_cancelling_an_unknown_ticket(house: HouseProvider) -> None:
    ticket = await house.create_ticket(order(bet()), NOW)
    with pytest.raises(ProviderError) as missing:
        await house.cancel_ticket(replace(ticket, reference="nope"), NOW)
    assert missing.value.code is ErrorCode.NOT_FOUND


async def test_pins_are_stored_only_as_keyed_hashes(house: HouseProvider) -> None:
    ticket = await house.create_ticket(order(bet()), NOW)
    assert ticket.pin is not None
    hasher = house.pin_hasher
    async with house_sessions(house)() as s:
        row = await s.scalar(select(HouseBooking).where(HouseBooking.reference == "ref-1"))
    assert row is not None and row.pin_hash.startswith("h1$")
    assert ticket.pin not in row.pin_hash
    assert hasher.verify(ticket.pin, row.pin_hash)
    assert not PinHasher(b"another-secret").verify(ticket.pin, row.pin_hash)
    assert not hasher.verify(str((int(ticket.pin) + 1) % 10**8).zfill(8), row.pin_hash)


def house_sessions(house: HouseProvider) -> async_sessionmaker[AsyncSession]:
    return house._sessionmaker


async def test_the_booth_pays_and_the_house_ledger_records_it_once(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    ticket = await house.create_ticket(order(bet()), NOW)
    with pytest.raises(ProviderError) as direct:  # who may collect is the booth's call
        await house.pay_ticket(ticket, ticket.pin or "", NOW)
    assert direct.value.code is ErrorCode.NOT_SUPPORTED
    async with sessionmaker() as s, s.begin():
        assert await house.record_payment_in(s, ticket.reference, NOW)
    async with sessionmaker() as s, s.begin():
        assert not await house.record_payment_in(s, ticket.reference, NOW)  # paid once
        assert not await house.record_payment_in(s, "no-such-reference", NOW)
    assert (await house.find_ticket(ticket.reference)).state is TicketState.PAID  # type: ignore[union-attr]


async def test_a_cancel_gives_the_seller_their_own_limit_back(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as s, s.begin():
        await add_control(s, Kind.SELLER_NUMBER, at=NOW, actor_id=None, user_id=77,
                          amount=1_000)  # 10.00 per number and draw
    full = await house.create_ticket(replace(order(bet("555", "10")), actor_id=77), NOW)
    with pytest.raises(ProviderError) as refused:
        await house.create_ticket(replace(order(bet("555", "1"), ref="b"), actor_id=77), NOW)
    assert "you may sell at most 10" in refused.value.rejections[0].detail
    await house.cancel_ticket(full, NOW + timedelta(seconds=60), actor_id=77)
    again = await house.create_ticket(replace(order(bet("555", "10"), ref="c"), actor_id=77),
                                      NOW + timedelta(seconds=90))
    assert again.state is TicketState.SOLD
