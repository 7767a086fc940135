"""The provider journal in the database (``providers.journal_db.DbJournal``), on SQLite and
PostgreSQL: the ``Journal`` protocol, claims that stay unique across processes, and what it is
for — after a restart, a new adapter on the same database still finds a ticket whose answer was
lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from providers.banklot import BanklotProvider
from providers.base import OutcomeUnknown, Provider, TicketRequest, TicketState
from providers.http import Journal, MemoryJournal, SentCreate
from providers.jackpot import JackpotProvider, wager_for
from providers.journal_db import DbJournal
from storage.db import make_engine, make_sessionmaker
from tests.fakes.providers import BanklotSimulator, FakeClock, Fault, JackpotSimulator
from tests.fakes.providers.harness import TEST_TIMEOUT, VE, plays_request

SENT = datetime(2026, 11, 23, 13, 30, 15, tzinfo=UTC)
CONTENT = [[23001, 1, "123", 5], [23004, 3, "456-ARI", 10]]


@asynccontextmanager
async def journal_on(url: str, provider: str = "banklot") -> AsyncIterator[DbJournal]:
    """A journal on its own engine, as a separate process would have it."""
    engine = make_engine(url)
    try:
        yield DbJournal(make_sessionmaker(engine), provider)
    finally:
        await engine.dispose()


async def test_record_and_get_round_trip(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    journal = DbJournal(sessionmaker, "banklot")
    assert await journal.get("ref-1") is None
    await journal.record(SentCreate("ref-1", CONTENT, SENT, extra={"date": "2026-11-23"}))
    entry = await journal.get("ref-1")
    assert entry == SentCreate("ref-1", CONTENT, SENT, None, {"date": "2026-11-23"})
    assert entry is not None and entry.sent_at.tzinfo is not None

    later = SENT + timedelta(seconds=40)
    await journal.record(SentCreate("ref-1", CONTENT[:1], later))  # a later record wins
    again = await journal.get("ref-1")
    assert again is not None and again.content == CONTENT[:1] and again.sent_at == later


async def test_a_claim_binds_one_provider_ticket_to_one_reference(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    journal = DbJournal(sessionmaker, "banklot")
    await journal.record(SentCreate("ref-a", CONTENT, SENT))
    await journal.record(SentCreate("ref-b", CONTENT, SENT))

    assert await journal.claim("ref-a", "81234567", {"uuid": "u-1"})
    assert not await journal.claim("ref-b", "81234567")  # already answers for ref-a
    assert await journal.claim("ref-a", "81234567", {"date": "2026-11-23"})  # again: merged
    entry = await journal.get("ref-a")
    assert entry is not None and entry.provider_id == "81234567"
    assert entry.extra == {"uuid": "u-1", "date": "2026-11-23"}
    other = await journal.get("ref-b")
    assert other is not None and other.provider_id is None

    await journal.record(SentCreate("ref-a", CONTENT, SENT + timedelta(seconds=5)))
    kept = await journal.get("ref-a")  # recording again never drops the claim
    assert kept is not None and kept.provider_id == "81234567"
    assert await journal.owner_of("81234567") == "ref-a"


async def test_a_bare_claim_and_the_provider_scope(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    banklot, jackpot = DbJournal(sessionmaker, "banklot"), DbJournal(sessionmaker, "jackpot")
    assert await banklot.claim("ref-x", "777")  # claimed without a record (as MemoryJournal)
    assert await banklot.get("ref-x") is None
    assert not await banklot.claim("ref-y", "777")
    assert await jackpot.claim("ref-z", "777")  # another provider's ticket 777 is another one
    assert await jackpot.owner_of("777") == "ref-z" and await banklot.owner_of("777") == "ref-x"


async def test_concurrent_claims_of_one_ticket_from_two_processes(db_url: str) -> None:
    """Two workers (own engines) race for the same provider ticket: exactly one gets it."""
    async with journal_on(db_url) as first, journal_on(db_url) as second:
        for journal, reference in ((first, "ref-1"), (second, "ref-2")):
            await journal.record(SentCreate(reference, CONTENT, SENT))
        for round_ in range(5):
            ticket = f"9000000{round_}"
            won = await asyncio.gather(first.claim("ref-1", ticket), second.claim("ref-2", ticket))
            assert sorted(won) == [False, True]
            owner = await first.owner_of(ticket)
            assert owner == ("ref-1" if won[0] else "ref-2")
            await first.claim("ref-1", "released")  # move on: a reference holds one ticket
            await second.claim("ref-2", "released-2")


# -- what it is for: a restart ------------------------------------------------------------


def _banklot(sim: BanklotSimulator, clock: FakeClock, journal: Journal) -> BanklotProvider:
    return BanklotProvider(base_url=sim.base_url, email=sim.email, password=sim.password,
                           base_catalog=VE, clock=clock, timeout=TEST_TIMEOUT, journal=journal)


def _jackpot(sim: JackpotSimulator, clock: FakeClock, journal: Journal) -> JackpotProvider:
    return JackpotProvider(base_url=sim.base_url, operator=sim.operator, token="jp-token",
                           currency="USD", base_catalog=VE, clock=clock, timeout=TEST_TIMEOUT,
                           journal=journal)


async def _banklot_request(provider: Provider, clock: FakeClock, reference: str
                           ) -> TicketRequest:
    return await plays_request(provider, clock, reference, "zulia 16:45 123 x5")


async def _jackpot_request(provider: Provider, clock: FakeClock, reference: str
                           ) -> TicketRequest:
    assert isinstance(provider, JackpotProvider)
    card = (await provider.betcards())[0]
    quote = await provider.price(card.code, {e.id: e.bets[0].id for e in card.events},
                                 Decimal("2.00"))
    return TicketRequest(reference, (wager_for(quote),), "USD")


CASES = {
    "banklot": (lambda clock: BanklotSimulator(clock=clock), _banklot, _banklot_request),
    "jackpot": (lambda clock: JackpotSimulator(clock=clock, token="jp-token"), _jackpot,
                _jackpot_request),
}


@pytest.mark.parametrize("name", sorted(CASES))
async def test_after_a_restart_the_pending_ticket_is_still_found(db_url: str, name: str) -> None:
    start_sim, make, request_for = CASES[name]
    clock = FakeClock()
    async with start_sim(clock) as sim:
        async with journal_on(db_url, name) as journal:
            before = make(sim, clock, journal)
            try:
                request = await request_for(before, clock, "ref-restart")
                sim.faults.set(Fault.LATE, op="create")
                with pytest.raises(OutcomeUnknown):  # booked after the adapter gave up
                    await before.create_ticket(request, clock.now())
                await sim.idle()
            finally:
                await before.close()
        assert len(sim.tickets) == 1

        clock.advance(minutes=3)  # the reconciliation job, in a new process
        async with journal_on(db_url, name) as journal:
            after = make(sim, clock, journal)
            forgetful = make(sim, clock, MemoryJournal())
            try:
                assert await forgetful.find_ticket("ref-restart") is None  # what was at stake
                found = await after.find_ticket("ref-restart")
                assert found is not None and found.state is TicketState.SOLD
                assert found.reference == "ref-restart"
                assert found.total == request.wagers[0].amount * len(request.wagers)
                # the ticket now answers for this reference only, in every process
                assert await journal.owner_of(found.provider_ticket_id) == "ref-restart"
                again = await after.find_ticket("ref-restart")
                assert again is not None
                assert again.provider_ticket_id == found.provider_ticket_id
            finally:
                await after.close()
                await forgetful.close()
        assert len(sim.tickets) == 1  # asking never booked anything

