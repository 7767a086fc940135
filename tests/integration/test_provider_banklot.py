"""The banklot adapter against the seeds-001/002 simulator: token, limits, tickets, lookups."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from lottery.plays import Wager
from providers.banklot import BanklotProvider
from providers.banklot.session import CredentialsRefused
from providers.base import ErrorCode, ProviderError, TicketRequest, TicketState
from providers.http import MemoryJournal
from tests.fakes.providers.faults import CARACAS, FakeClock, Fault
from tests.fakes.providers.harness import VE, Backend, banklot_backend, plays_request

MORNING = datetime(2024, 10, 22, 10, 0, tzinfo=CARACAS)


@pytest.fixture
async def backend() -> AsyncIterator[Backend]:
    async with banklot_backend(FakeClock(MORNING)) as made:
        yield made


def provider_of(backend: Backend) -> BanklotProvider:
    assert isinstance(backend.provider, BanklotProvider)
    return backend.provider


def sent(backend: Backend, op: str) -> list[dict]:
    return [body for name, body in backend.sim.calls if name == op]


async def sell(backend: Backend, reference: str, text: str, *, partial: bool = False):
    request = await plays_request(backend.provider, backend.clock, reference, text)
    request = TicketRequest(request.reference, request.wagers, "VES", partial=partial)
    return await backend.provider.create_ticket(request, backend.clock.now())


async def test_create_sends_the_seed_shape(backend: Backend) -> None:
    ticket = await sell(backend, "ref-1", "zulia 16:45 123 x5 123-ari x2\nactivo 11am leon x3")
    [body] = sent(backend, "create")
    wagers = body["ticket"]["wagers"]
    assert [(w["game_id"], w["wager"], w["amount"]) for w in wagers] == [
        (1, "123", 5), (3, "123-ARI", 2), (5, "5", 3)]
    events = {e.id: e for e in backend.sim.world.events.values()}
    assert [(events[w["event_id"]].product.name, events[w["event_id"]].hour,
             events[w["event_id"]].list_id) for w in wagers] == [
        ("TRIPLE ZULIA", "16:45", 1), ("TRIPLE ZULIA", "16:45", 3), ("LOTTO ACTIVO", "11:00", None)]
    booked = backend.sim.tickets[0]
    assert ticket.provider_ticket_id == str(booked.number) and ticket.pin == str(booked.pin)
    assert ticket.created_at == MORNING and ticket.total == Decimal("10.00")
    assert ticket.cancel_deadline == MORNING + timedelta(seconds=180)


async def test_the_last_ticket_is_asked_with_the_documented_content_type(backend: Backend
                                                                       ) -> None:
    """View Last Ticket: "Content-Type: application/json", "No body is required"."""
    ticket = await sell(backend, "ref-last", "zulia 16:45 123 x5")
    last = await provider_of(backend).last_ticket()
    assert last is not None and str(last["ticket_number"]) == ticket.provider_ticket_id
    assert sent(backend, "last") == [{}]


async def test_a_business_401_is_an_answer_not_an_expired_token(backend: Backend) -> None:
    """Revert of a reverted ticket: the seed's 401 "ticket already rejected by user" refuses
    the revert, with no second login."""
    ticket = await sell(backend, "ref-rev", "zulia 16:45 123 x5")
    await provider_of(backend).revert_ticket(ticket, backend.clock.now())
    logins = backend.sim.ops().count("login")
    with pytest.raises(ProviderError) as refused:
        await provider_of(backend).revert_ticket(ticket, backend.clock.now())
    assert refused.value.code is ErrorCode.NOT_CANCELLABLE
    assert "already rejected" in refused.value.detail
    assert backend.sim.ops().count("login") == logins


async def test_catalog_and_limits_come_from_get_data(backend: Backend) -> None:
    catalog = await backend.provider.catalog()
    assert set(catalog.lottery_ids) == {"zulia", "zamorano", "triple_dorado", "activo"}
    assert catalog.cancel_seconds == 180 and catalog.limits.max_bet == Decimal(99)
    assert catalog.lottery("zulia").close_minutes == 5
    assert not catalog.lottery("triple_dorado").has_game("triple_sign")  # no list C events
    over = Wager("zulia", MORNING.replace(hour=16, minute=45), "triple", "123", None, Decimal(100))
    cents = over._replace(amount=Decimal("5.50"))
    rejections = await backend.provider.validate([over, cents], MORNING)
    assert [(r.index, r.code) for r in rejections] == [
        (0, ErrorCode.INVALID_AMOUNT), (1, ErrorCode.INVALID_AMOUNT)]


async def test_logs_in_once_and_out_on_close(backend: Backend) -> None:
    await sell(backend, "ref-1", "zulia 16:45 123 x5")
    await backend.provider.find_ticket("ref-1")
    assert backend.sim.logins == 1 and len(backend.sim.tokens) == 1
    await backend.provider.close()
    assert backend.sim.tokens == set()


async def test_an_expired_token_is_renewed_for_reads(backend: Backend) -> None:
    await sell(backend, "ref-1", "zulia 16:45 123 x5")
    backend.sim.expire_tokens()
    found = await backend.provider.find_ticket("ref-1")
    assert found is not None and backend.sim.logins == 2


async def test_wrong_credentials_are_named_not_shown() -> None:
    async with banklot_backend(FakeClock(MORNING)) as backend:
        provider = BanklotProvider(base_url=backend.sim.base_url, email=backend.sim.email,
                                   password="wrong-password-123", base_catalog=VE,
                                   clock=backend.clock, timeout=0.2)
        try:
            with pytest.raises(CredentialsRefused) as refused:
                await provider.catalog()
            assert "wrong-password-123" not in str(refused.value)
        finally:
            await provider.close()


async def test_server_refusals_map_to_codes(backend: Backend) -> None:
    draw = MORNING.replace(hour=16, minute=45)
    bad = Wager("zulia", draw, "triple", "1234", None, Decimal(5))
    with pytest.raises(ProviderError) as invalid:
        await backend.provider.create_ticket(TicketRequest("ref-1", (bad,), "VES"), MORNING)
    assert (invalid.value.code, [r.index for r in invalid.value.rejections]) == (
        ErrorCode.INVALID_NUMBER, [0])
    await sell(backend, "ref-2", "zamorano 16:00 123 x90")
    with pytest.raises(ProviderError) as quota:
        await sell(backend, "ref-3", "zamorano 16:00 456 x5 123 x20")
    assert quota.value.code is ErrorCode.SOLD_OUT
    assert [r.index for r in quota.value.rejections] == [1]
    assert await backend.booked() == 1


async def test_partial_drops_what_the_server_refused_and_sends_the_rest(backend: Backend) -> None:
    await sell(backend, "ref-1", "zamorano 16:00 123 x90")
    ticket = await sell(backend, "ref-2", "zamorano 16:00 456 x5 123 x20", partial=True)
    assert [(w.sold, w.rejection) for w in ticket.wagers] == [
        (True, None), (False, ErrorCode.SOLD_OUT)]
    assert len(sent(backend, "create")) == 3 and await backend.booked() == 2


async def test_cancel_window_and_revert(backend: Backend) -> None:
    ticket = await sell(backend, "ref-1", "zulia 16:45 123 x5")
    backend.clock.advance(seconds=181)
    with pytest.raises(ProviderError) as late:
        await backend.provider.cancel_ticket(ticket, backend.clock.now())
    assert late.value.code is ErrorCode.NOT_CANCELLABLE
    reverted = await provider_of(backend).revert_ticket(ticket, backend.clock.now())
    assert reverted.state is TicketState.VOID
    with pytest.raises(ProviderError) as twice:
        await provider_of(backend).revert_ticket(ticket, backend.clock.now())
    assert twice.value.detail == "ticket already rejected by user"


async def test_lists_last_ticket_and_printed_image(backend: Backend) -> None:
    provider = provider_of(backend)
    kept = await sell(backend, "ref-1", "zulia 16:45 123 x5")
    dropped = await sell(backend, "ref-2", "zulia 16:45 456 x5")
    await provider.cancel_ticket(dropped, backend.clock.now())
    span = (MORNING - timedelta(hours=1), MORNING + timedelta(hours=1))
    canceled = await provider.list_tickets(*span, status="canceled")
    assert [s["ticket_number"] for s in canceled] == [int(dropped.provider_ticket_id)]
    sold = await provider.list_tickets(*span, transaction_type="wager")
    assert len(sold) == 2
    last = await provider.last_ticket()
    assert last is not None and str(last["ticket_number"]) == dropped.provider_ticket_id
    image = await provider.ticket_image(kept)
    assert image.startswith(b"\x89PNG")


async def test_copy_sells_the_same_plays_again_under_a_new_reference(backend: Backend) -> None:
    provider = provider_of(backend)
    original = await sell(backend, "ref-1", "zulia 16:45 123 x5 45 x2")
    backend.clock.set(MORNING.replace(hour=17))
    copy = await provider.copy_ticket(original, "ref-copy", backend.clock.now())
    assert copy.extra["copied_from"] == original.provider_ticket_id
    tomorrow = MORNING.replace(hour=16, minute=45) + timedelta(days=1)  # same draw, next day
    assert sorted((w.number, w.amount, w.draw) for w in copy.sold_wagers) == [
        ("123", Decimal("5.00"), tomorrow), ("45", Decimal("2.00"), tomorrow)]
    found = await provider.find_ticket("ref-copy")
    assert found is not None and found.provider_ticket_id == copy.provider_ticket_id
    assert await backend.booked() == 2


async def test_a_lost_copy_is_found_not_repeated(backend: Backend) -> None:
    provider = provider_of(backend)
    original = await sell(backend, "ref-1", "zulia 16:45 123 x5")
    backend.sim.faults.set(Fault.LOST, op="copy")
    copy = await provider.copy_ticket(original, "ref-copy", backend.clock.now())
    assert copy.provider_ticket_id != original.provider_ticket_id
    assert await backend.booked() == 2


async def test_a_lost_payment_is_confirmed_by_viewing(backend: Backend) -> None:
    ticket = await sell(backend, "ref-1", "zulia 16:45 123 x5")
    await backend.publish("zulia", MORNING.replace(hour=16, minute=45), "123")
    backend.sim.faults.set(Fault.LOST, op="pay")
    paid = await backend.provider.pay_ticket(ticket, ticket.pin or "", backend.clock.now())
    assert paid.state is TicketState.PAID
    assert backend.sim.tickets[0].status == "paid"


async def test_a_restart_finds_a_lost_ticket_through_a_shared_journal() -> None:
    journal = MemoryJournal()
    clock = FakeClock(MORNING)
    async with banklot_backend(clock) as backend:
        first = BanklotProvider(base_url=backend.sim.base_url, email=backend.sim.email,
                                password=backend.sim.password, base_catalog=VE, clock=clock,
                                timeout=0.2, journal=journal)
        request = await plays_request(first, clock, "ref-1", "zulia 16:45 123 x5")
        backend.sim.faults.set(Fault.LATE, op="create")
        with pytest.raises(ProviderError):
            await first.create_ticket(request, clock.now())
        await first.close()
        await backend.sim.idle()
        await sell(backend, "ref-other", "zulia 16:45 123 x5")  # same plays, a later ticket
        second = BanklotProvider(base_url=backend.sim.base_url, email=backend.sim.email,
                                 password=backend.sim.password, base_catalog=VE, clock=clock,
                                 timeout=0.2, journal=journal)
        try:
            found = await second.find_ticket("ref-1")
            assert found is not None
            assert found.provider_ticket_id == str(backend.sim.tickets[0].number)
            assert await backend.provider.find_ticket("ref-1") is None  # not in its journal
        finally:
            await second.close()


async def test_an_old_ticket_reads_back_by_event_name_and_time() -> None:
    """A provider started after the draw closed never listed its event: the view's event name and
    ``p_event_time`` ("12:45 pm") still say which draw it was."""
    journal = MemoryJournal()
    clock = FakeClock(MORNING)
    async with banklot_backend(clock) as backend:
        first = BanklotProvider(base_url=backend.sim.base_url, email=backend.sim.email,
                                password=backend.sim.password, base_catalog=VE, clock=clock,
                                timeout=0.2, journal=journal)
        request = await plays_request(first, clock, "ref-1", "zulia 12:45 123 x5")
        await first.create_ticket(request, clock.now())
        await first.close()
        clock.set(MORNING.replace(hour=14))
        later = BanklotProvider(base_url=backend.sim.base_url, email=backend.sim.email,
                                password=backend.sim.password, base_catalog=VE, clock=clock,
                                timeout=0.2, journal=journal)
        try:
            assert await later.server_time() == clock.now()
            found = await later.find_ticket("ref-1")
            assert found is not None
            assert [(w.lottery, w.draw, w.number) for w in found.sold_wagers] == [
                ("zulia", MORNING.replace(hour=12, minute=45), "123")]
        finally:
            await later.close()
