"""The Provider contract, one suite for every adapter that sells lottery plays.

Each test talks to ``provider`` (a ``Provider``) and asks ``backend`` only what the backend itself
knows: how many tickets it booked, and to publish a result. To run the suite against another
provider, add its ``Backend`` factory (``tests/fakes/providers/harness.py``) to ``BACKENDS``; the
tests do not change. Plays are written in chat language and read with the provider's own catalog,
so the catalog is part of the contract too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from decimal import Decimal

import pytest

from lottery.plays import Wager, parse_message
from providers.base import (
    Capability,
    ErrorCode,
    Provider,
    ProviderError,
    ProviderTicket,
    TicketRequest,
    TicketState,
)
from tests.fakes.providers.faults import CARACAS, FakeClock
from tests.fakes.providers.harness import Backend, banklot_backend, soportex_backend

BackendFactory = Callable[[FakeClock], AbstractAsyncContextManager[Backend]]
BACKENDS: dict[str, BackendFactory] = {
    "soportex": soportex_backend,
    "banklot": banklot_backend,
}
MORNING = datetime(2024, 10, 22, 10, 0, tzinfo=CARACAS)  # a Tuesday


@pytest.fixture(params=sorted(BACKENDS))
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    async with BACKENDS[request.param](FakeClock(MORNING)) as made:
        yield made


@pytest.fixture
def provider(backend: Backend) -> Provider:
    return backend.provider


def needs(backend: Backend, capability: Capability) -> None:
    if capability not in backend.provider.capabilities:
        pytest.skip(f"{backend.name} does not offer {capability}")


async def plays(provider: Provider, text: str, now: datetime) -> list[Wager]:
    parsed = parse_message(text, await provider.catalog(), now)
    assert parsed.ok, [e.code for e in parsed.errors]
    return parsed.wagers


def request(reference: str, *wagers: Wager, partial: bool = False) -> TicketRequest:
    return TicketRequest(reference, wagers, "VES", partial=partial)


async def sell(provider: Provider, backend: Backend, reference: str, text: str) -> ProviderTicket:
    now = backend.clock.now()
    return await provider.create_ticket(request(reference, *await plays(provider, text, now)), now)


async def test_is_a_provider(provider: Provider) -> None:
    assert isinstance(provider, Provider)


async def test_catalog_feeds_the_parser(provider: Provider) -> None:
    catalog = await provider.catalog()
    zulia = catalog.lottery("zulia")
    assert {"triple", "terminal"} <= set(zulia.games)
    wagers = await plays(provider, "123 x5 zulia", MORNING)
    assert [(w.lottery, w.game, w.number, w.amount) for w in wagers] == [
        ("zulia", "triple", "123", Decimal("5.00"))]
    assert wagers[0].draw.tzinfo is not None and wagers[0].draw > MORNING
    assert wagers[0].draw.astimezone(CARACAS).time() in zulia.times


async def test_a_sale_is_booked_once_and_found_by_reference(
        provider: Provider, backend: Backend) -> None:
    ticket = await sell(provider, backend, "ref-sale", "zulia 16:45 123 x5\nzulia 16:45 45 x2")
    assert ticket.state is TicketState.SOLD
    assert ticket.reference == "ref-sale"
    assert ticket.total == Decimal("7.00")
    assert [w.sold for w in ticket.wagers] == [True, True]
    assert await backend.booked() == 1
    found = await provider.find_ticket("ref-sale")
    assert found is not None
    assert found.provider_ticket_id == ticket.provider_ticket_id
    assert found.total == ticket.total
    assert sorted((w.lottery, w.game, w.number) for w in found.sold_wagers) == [
        ("zulia", "terminal", "45"), ("zulia", "triple", "123")]


async def test_an_unknown_reference_is_not_found(provider: Provider) -> None:
    assert await provider.find_ticket("never-sold") is None


async def test_a_closed_draw_refuses_the_whole_ticket(provider: Provider, backend: Backend) -> None:
    early = await plays(provider, "zulia 12:45 123 x5", MORNING)
    late = await plays(provider, "zulia 16:45 456 x5", MORNING)
    backend.clock.set(MORNING.replace(hour=12, minute=41))
    with pytest.raises(ProviderError) as refused:
        await provider.create_ticket(request("ref-closed", *late, *early), backend.clock.now())
    assert refused.value.code is ErrorCode.CLOSED_DRAW
    assert [(r.index, r.code) for r in refused.value.rejections] == [(1, ErrorCode.CLOSED_DRAW)]
    assert await backend.booked() == 0
    assert await provider.find_ticket("ref-closed") is None


async def test_partial_books_the_valid_plays(provider: Provider, backend: Backend) -> None:
    early = await plays(provider, "zulia 12:45 123 x5", MORNING)
    late = await plays(provider, "zulia 16:45 456 x5", MORNING)
    backend.clock.set(MORNING.replace(hour=12, minute=41))
    ticket = await provider.create_ticket(request("ref-part", *late, *early, partial=True),
                                          backend.clock.now())
    assert [(w.sold, w.rejection) for w in ticket.wagers] == [
        (True, None), (False, ErrorCode.CLOSED_DRAW)]
    assert ticket.total == Decimal("5.00")
    assert await backend.booked() == 1


async def test_validate_tells_without_booking(provider: Provider, backend: Backend) -> None:
    good = await plays(provider, "zulia 16:45 123 x5", MORNING)
    early = await plays(provider, "zulia 12:45 123 x5", MORNING)
    now = MORNING.replace(hour=12, minute=41)
    backend.clock.set(now)
    rejections = await provider.validate([*good, *early], now)
    assert [(r.index, r.code) for r in rejections] == [(1, ErrorCode.CLOSED_DRAW)]
    assert await backend.booked() == 0


async def test_an_amount_below_the_minimum_is_refused(provider: Provider, backend: Backend) -> None:
    with pytest.raises(ProviderError) as refused:
        await sell(provider, backend, "ref-cents", "zulia 16:45 123 x0.50")
    assert refused.value.code in (ErrorCode.INVALID_AMOUNT, ErrorCode.LIMIT)
    assert await backend.booked() == 0


async def test_cancel_voids_once(provider: Provider, backend: Backend) -> None:
    needs(backend, Capability.CANCELS)
    ticket = await sell(provider, backend, "ref-cancel", "zulia 16:45 123 x5")
    backend.clock.advance(seconds=30)
    voided = await provider.cancel_ticket(ticket, backend.clock.now())
    assert voided.state is TicketState.VOID
    found = await provider.find_ticket("ref-cancel")
    assert found is not None and found.state is TicketState.VOID
    with pytest.raises(ProviderError) as again:
        await provider.cancel_ticket(ticket, backend.clock.now())
    assert again.value.code is ErrorCode.NOT_CANCELLABLE


async def test_cancelling_an_unknown_ticket(provider: Provider, backend: Backend) -> None:
    needs(backend, Capability.CANCELS)
    ghost = ProviderTicket("never-sold", "99999999", TicketState.SOLD, (), Decimal("5.00"), "VES",
                           MORNING, extra={"date": MORNING.date().isoformat()})
    with pytest.raises(ProviderError) as refused:
        await provider.cancel_ticket(ghost, MORNING)
    assert refused.value.code is ErrorCode.NOT_FOUND


async def test_results_after_a_draw(provider: Provider, backend: Backend) -> None:
    needs(backend, Capability.FEEDS_RESULTS)
    draw = MORNING.replace(hour=16, minute=45)
    await backend.publish("zulia", draw, "123")
    results = await provider.results(draw.date())
    assert [(r.lottery, r.draw, r.values.get("number")) for r in results] == [
        ("zulia", draw, "123")]
    assert await provider.results(draw.date(), "activo") == []


async def test_a_winner_is_paid_once_with_its_pin(provider: Provider, backend: Backend) -> None:
    needs(backend, Capability.PAYS)
    winner = await sell(provider, backend, "ref-win", "zulia 16:45 123 x5")
    loser = await sell(provider, backend, "ref-lose", "zulia 16:45 456 x5")
    await backend.publish("zulia", MORNING.replace(hour=16, minute=45), "123")
    backend.clock.set(MORNING.replace(hour=17))
    won = await provider.find_ticket("ref-win")
    assert won is not None and won.state is TicketState.WINNER and won.prize
    assert winner.pin is not None
    wrong = "1" + winner.pin[1:] if winner.pin[0] != "1" else "2" + winner.pin[1:]
    with pytest.raises(ProviderError) as bad_pin:
        await provider.pay_ticket(won, wrong, backend.clock.now())
    assert bad_pin.value.code is ErrorCode.WRONG_PIN
    paid = await provider.pay_ticket(won, winner.pin, backend.clock.now())
    assert paid.state is TicketState.PAID and paid.prize == won.prize
    with pytest.raises(ProviderError) as twice:
        await provider.pay_ticket(won, winner.pin, backend.clock.now())
    assert twice.value.code is ErrorCode.ALREADY_PAID
    lost = await provider.find_ticket("ref-lose")
    assert lost is not None and lost.state is TicketState.LOSER
    with pytest.raises(ProviderError) as not_winner:
        await provider.pay_ticket(lost, loser.pin or "", backend.clock.now())
    assert not_winner.value.code is ErrorCode.NOT_A_WINNER


async def test_sales_report_counts_sales_and_cancellations(
        provider: Provider, backend: Backend) -> None:
    needs(backend, Capability.REPORTS)
    await sell(provider, backend, "ref-keep", "zulia 16:45 123 x5")
    dropped = await sell(provider, backend, "ref-drop", "zulia 16:45 456 x7")
    await provider.cancel_ticket(dropped, backend.clock.now())
    report = await provider.sales_report(MORNING.date(), MORNING.date())
    assert report.currency == "VES"
    assert sum(line.sales for line in report.lines) == Decimal("5.00")
    assert sum(line.cancelled for line in report.lines) == Decimal("7.00")
    assert {line.day for line in report.lines} == {MORNING.date()}
