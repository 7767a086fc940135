"""Banklot against a stub written from seeds 001/002 alone (not the simulator): the kiosk search
answers the seed's ``{"status": 201, "total": 0}``, so the draws are the products' own events;
the adapter sells, looks up (also after a lost answer, through ``/user/ticket/last``), cancels
and reads results; a business 401 is an answer, not an expired token; a closing time after the
draw is never open; the seed's example ticket keeps its 6 wagers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from lottery.plays import Wager
from providers.banklot import BanklotProvider
from providers.base import ErrorCode, ProviderError, ProviderUnavailable, TicketState
from providers.http import MemoryJournal, SentCreate
from tests.fakes.providers.doc_stubs.banklot import EXAMPLES, BanklotDocStub
from tests.fakes.providers.faults import CARACAS, FakeClock, Fault
from tests.fakes.providers.harness import TEST_TIMEOUT, VE, plays_request

#: the morning of the products example's draws (2024-10-23)
MORNING = datetime(2024, 10, 23, 10, 0, tzinfo=CARACAS)
EMAIL, PASSWORD = "username@banklot.net", "******"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MORNING)


@pytest.fixture
async def stub(clock: FakeClock) -> AsyncIterator[BanklotDocStub]:
    async with BanklotDocStub(email=EMAIL, password=PASSWORD, clock=clock) as made:
        yield made


def make(stub: BanklotDocStub, clock: FakeClock, **kwargs: object) -> BanklotProvider:
    return BanklotProvider(base_url=stub.base_url, email=EMAIL, password=PASSWORD,
                           base_catalog=VE, clock=clock, timeout=TEST_TIMEOUT, **kwargs)


async def test_sells_looks_up_cancels_and_reads_results(
        stub: BanklotDocStub, clock: FakeClock) -> None:
    provider = make(stub, clock)
    try:
        request = await plays_request(provider, clock, "ref-bk-1", "zulia 16:45 123 x5")
        ticket = await provider.create_ticket(request, clock.now())
        [sent] = [b for o, b in stub.calls if o == "create"]
        assert sent == {"ticket": {"wagers": [{"amount": 5, "event_id": 23311, "game_id": 1,
                                               "wager": "123"}]}}  # the products' own event
        assert ticket.state is TicketState.SOLD and stub.sold() == [int(ticket.provider_ticket_id)]

        found = await provider.find_ticket("ref-bk-1")
        assert found is not None and found.provider_ticket_id == ticket.provider_ticket_id
        assert [(w.lottery, w.number, w.amount) for w in found.sold_wagers] == [
            ("zulia", "123", Decimal("5.00"))]

        voided = await provider.cancel_ticket(ticket, clock.now())
        assert voided.state is TicketState.VOID and stub.sold() == []

        results = await provider.results(datetime(2024, 9, 17).date())  # the seed's results
        [zamorano] = [r for r in results if r.lottery == "zamorano"]
        assert zamorano.values == {"number": "000", "sign": "ACU", "sign_number": "000"}
    finally:
        await provider.close()


async def test_a_lost_answer_is_found_through_the_last_ticket(
        stub: BanklotDocStub, clock: FakeClock) -> None:
    """``/user/ticket/last`` goes with the documented Content-Type, so it answers."""
    provider = make(stub, clock)
    try:
        request = await plays_request(provider, clock, "ref-bk-2", "zulia 16:45 456 x3")
        stub.faults.set(Fault.LOST, op="create")
        ticket = await provider.create_ticket(request, clock.now())
        assert ticket.state is TicketState.SOLD and len(stub.sold()) == 1
        assert "last" in stub.ops()
    finally:
        await provider.close()


async def test_a_business_401_is_that_answer_not_an_expired_token(
        stub: BanklotDocStub, clock: FakeClock) -> None:
    """Revert of a rejected ticket: HTTP 401 ``"ticket already rejected by user"`` refuses the
    revert; it is not three logins and "refused a fresh token"."""
    provider = make(stub, clock)
    try:
        request = await plays_request(provider, clock, "ref-bk-3", "zulia 16:45 789 x2")
        ticket = await provider.create_ticket(request, clock.now())
        await provider.cancel_ticket(ticket, clock.now())
        with pytest.raises(ProviderError) as refused:
            await provider.revert_ticket(ticket, clock.now())
        assert not isinstance(refused.value, ProviderUnavailable)
        assert refused.value.code is ErrorCode.NOT_CANCELLABLE
        assert "already rejected" in refused.value.detail
        assert stub.logins == 1
    finally:
        await provider.close()


async def test_a_closing_time_after_the_draw_is_never_open(
        stub: BanklotDocStub, clock: FakeClock) -> None:
    """The seed's results item as a kiosk event: ``closing_timestamp`` is weeks after its
    ``event_timestamp``; half an hour after the draw, the play is refused."""
    [item] = [r for r in EXAMPLES["results"]["response"] if r["id"] == 18731]
    stub.kiosk = [{**item, "status": "open", "event_status": "open"}]
    after = datetime(2024, 9, 17, 16, 30, tzinfo=CARACAS)
    clock.set(after)
    provider = make(stub, clock)
    try:
        draw = datetime(2024, 9, 17, 16, 0, tzinfo=CARACAS)
        wager = Wager("zamorano", draw, "triple", "123", None, Decimal(5))
        [rejection] = await provider.validate([wager], after)
        assert rejection.code is ErrorCode.CLOSED_DRAW
    finally:
        await provider.close()


async def test_the_seed_s_example_ticket_keeps_its_six_wagers(
        stub: BanklotDocStub, clock: FakeClock) -> None:
    journal = MemoryJournal()
    await journal.record(SentCreate("ref-old", [], MORNING, provider_id="32426439",
                                    extra={"date": "2024-10-22"}))
    provider = make(stub, clock, journal=journal)
    try:
        ticket = await provider.find_ticket("ref-old")
        assert ticket is not None and ticket.total == Decimal("18.00")
        assert [(w.lottery, w.game, w.number, w.sign, w.draw.strftime("%H:%M"))
                for w in ticket.sold_wagers] == [
            ("zamorano", "triple_sign", "444", "ARI", "12:00"),
            ("zamorano", "triple_sign", "444", "CAN", "12:00"),
            ("zamorano", "triple_sign", "444", "ACU", "12:00"),
            ("zulia", "triple_sign", "444", "ARI", "12:45"),
            ("zulia", "triple_sign", "444", "CAN", "12:45"),
            ("zulia", "triple_sign", "444", "ACU", "12:45")]
    finally:
        await provider.close()


async def test_without_products_the_banca_s_draws_file_gives_the_draws(
        stub: BanklotDocStub, clock: FakeClock, tmp_path: Path) -> None:
    path = tmp_path / "draws.json"
    path.write_text(json.dumps({"lotteries": [{
        "name": "Triple Zulia", "key": "2", "games": ["triple"], "close_minutes": 10,
        "draws": [{"time": "16:45", "date": "2024-10-23", "ids": {"A": 23311}}]}]}))
    stub.faults.set(Fault.ERROR_500, op="products", times=5)
    provider = make(stub, clock, draws_file=str(path))
    try:
        request = await plays_request(provider, clock, "ref-bk-4", "zulia 16:45 321 x5")
        ticket = await provider.create_ticket(request, clock.now())
        assert ticket.state is TicketState.SOLD and len(stub.sold()) == 1
    finally:
        await provider.close()
