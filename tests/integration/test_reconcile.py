"""Reconciling pending tickets (``jobs.reconcile``) through the real adapters and simulators,
on SQLite and PostgreSQL: a ticket the provider holds is sold and its buyer gets it; one it never
booked is refunded and its buyer told; an unanswering provider settles nothing. Never sold twice,
never refunded twice."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.reconcile import GIVE_UP, GRACE, reconcile_pending
from lottery.catalog import Catalog
from lottery.ticket_codes import PinHasher
from providers.banklot import BanklotProvider
from providers.base import Provider
from providers.journal_db import DbJournal
from providers.soportex import SoportexProvider
from services.sales import Outcome, confirm_sale, prepare_sale
from storage.models import ActivityLog, OutboxMessage, Ticket, TicketStatus, User, UserRole
from storage.repositories import tickets as tickets_repo
from storage.repositories import users as users_repo
from tests.fakes.providers import BanklotSimulator, FakeClock, Fault, SoportexSimulator
from tests.fakes.providers.harness import SOPORTEX_TOKEN, TEST_TIMEOUT, VE

PINS = PinHasher(b"reconcile-secret")
PLAYER, SELLER = 5001, 6001
PLAYS = "zulia 16:45 123 x5"


@dataclass
class World:
    name: str
    provider: Provider
    sim: SoportexSimulator | BanklotSimulator
    clock: FakeClock
    sm: async_sessionmaker[AsyncSession]
    catalog: Catalog

    @property
    def create_op(self) -> str:
        return "registrarticket" if self.name == "soportex" else "create"

    @property
    def lookup_op(self) -> str:
        return "consultarticket" if self.name == "soportex" else "list"

    async def reconcile(self) -> tuple[int, int, int]:
        summary = await reconcile_pending(self.sm, provider=self.provider, catalog=self.catalog,
                                          pins=PINS, brand="Taquilla", now=self.clock.now())
        return summary.sold, summary.refunded, summary.pending


@asynccontextmanager
async def soportex_world(sm: async_sessionmaker[AsyncSession]) -> AsyncIterator[World]:
    clock = FakeClock()
    async with SoportexSimulator(clock=clock, token=SOPORTEX_TOKEN) as sim:
        provider = SoportexProvider(base_url=sim.base_url, token=SOPORTEX_TOKEN,
                                    base_catalog=VE, clock=clock, timeout=TEST_TIMEOUT)
        try:
            yield World("soportex", provider, sim, clock, sm, await provider.catalog())
        finally:
            await provider.close()


@asynccontextmanager
async def banklot_world(sm: async_sessionmaker[AsyncSession]) -> AsyncIterator[World]:
    clock = FakeClock()
    async with BanklotSimulator(clock=clock) as sim:
        provider = BanklotProvider(base_url=sim.base_url, email=sim.email, password=sim.password,
                                   base_catalog=VE, clock=clock, timeout=TEST_TIMEOUT,
                                   journal=DbJournal(sm, "banklot"))
        try:
            yield World("banklot", provider, sim, clock, sm, await provider.catalog())
        finally:
            await provider.close()


WORLDS: dict[str, Callable[[async_sessionmaker[AsyncSession]],
                           AbstractAsyncContextManager[World]]] = {
    "soportex": soportex_world, "banklot": banklot_world,
}


@pytest.fixture(params=sorted(WORLDS))
async def world(request: pytest.FixtureRequest,
                sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[World]:
    async with WORLDS[request.param](sessionmaker) as made:
        yield made


async def _user(w: World, user_id: int, *, balance: int = 0, credit: int = 0,
                role: UserRole = UserRole.PLAYER, locale: str = "es") -> None:
    async with w.sm() as session, session.begin():
        await users_repo.ensure_user(session, user_id, currency="VES", role=role, locale=locale)
        if balance:
            await users_repo.credit_balance(session, user_id, balance, "VES")
        if credit:
            await users_repo.set_credit_limit(session, user_id, credit)


async def _sell(w: World, user_id: int, fault: Fault | None = None, plays: str = PLAYS
                ) -> Ticket:
    """A sale through the sales service, with ``fault`` on the provider's create."""
    if fault is not None:
        w.sim.faults.set(fault, op=w.create_op)
    async with w.sm() as session:
        user = await session.get(User, user_id)
        assert user is not None
        preview = await prepare_sale(session, provider=w.provider, catalog=w.catalog, user=user,
                                     text=plays, now=w.clock.now())
        assert preview.draft is not None, preview
        result = await confirm_sale(session, provider=w.provider, catalog=w.catalog, user=user,
                                    draft=preview.draft, now=w.clock.now(), pins=PINS)
        await session.commit()
    await w.sim.idle()
    w.sim.faults.clear()
    if fault is not None:
        assert result.outcome is Outcome.PENDING
    assert result.ticket is not None
    return result.ticket


async def _ticket(w: World, ticket_id: int) -> Ticket:
    async with w.sm() as session:
        ticket = await tickets_repo.get_ticket(session, ticket_id)
        assert ticket is not None
        return ticket


async def _user_row(w: World, user_id: int) -> User:
    async with w.sm() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user


async def _notices(w: World, chat_id: int) -> list[str]:
    async with w.sm() as session:
        rows = await session.scalars(select(OutboxMessage.text)
                                     .where(OutboxMessage.chat_id == chat_id)
                                     .order_by(OutboxMessage.id))
        return [t or "" for t in rows]


async def _actions(w: World) -> list[str]:
    async with w.sm() as session:
        return list(await session.scalars(select(ActivityLog.action).order_by(ActivityLog.id)))


async def test_a_ticket_booked_after_the_sale_gave_up_is_sold_once(world: World) -> None:
    await _user(world, PLAYER, balance=10_000)
    pending = await _sell(world, PLAYER, Fault.LATE)
    assert len(world.sim.tickets) == 1  # the provider booked it after the adapter gave up
    assert (await _user_row(world, PLAYER)).balance == 9_500  # held, not lost

    asked = len(world.sim.calls)
    assert await world.reconcile() == (0, 0, 0)  # too young: the sale may still be running
    assert len(world.sim.calls) == asked

    world.clock.advance(GRACE + timedelta(seconds=1))
    assert await world.reconcile() == (1, 0, 0)
    ticket = await _ticket(world, pending.id)
    assert ticket.status is TicketStatus.SOLD and ticket.provider_ticket_id
    assert ticket.cancel_deadline is not None
    (notice,) = await _notices(world, PLAYER)
    assert "confirmó tu ticket" in notice and "Triple Zulia" in notice
    pin = re.search(r"PIN\D*(\d{4,})", notice)
    assert pin is not None and PINS.verify(pin.group(1), ticket.pin_hash)
    assert "TICKET_SELL" in await _actions(world)

    world.clock.advance(minutes=30)
    assert await world.reconcile() == (0, 0, 0)  # settled: never again
    assert len(await _notices(world, PLAYER)) == 1
    assert len(world.sim.tickets) == 1 and (await _user_row(world, PLAYER)).balance == 9_500


async def test_a_ticket_never_booked_is_refunded_after_the_deadline(world: World) -> None:
    await _user(world, PLAYER, balance=10_000)
    pending = await _sell(world, PLAYER, Fault.TIMEOUT)
    assert world.sim.tickets == []

    world.clock.advance(GRACE + timedelta(seconds=1))
    assert await world.reconcile() == (0, 0, 1)  # not there yet: maybe later, keep waiting
    assert (await _ticket(world, pending.id)).status is TicketStatus.PENDING
    assert (await _user_row(world, PLAYER)).balance == 9_500
    assert await _notices(world, PLAYER) == []

    world.clock.advance(GIVE_UP)
    assert await world.reconcile() == (0, 1, 0)
    assert (await _ticket(world, pending.id)).status is TicketStatus.REJECTED
    assert (await _user_row(world, PLAYER)).balance == 10_000
    (notice,) = await _notices(world, PLAYER)
    assert "no se vendió nada" in notice and "Bs. 5,00" in notice and "saldo" in notice
    assert "TICKET_REJECT" in await _actions(world)

    assert await world.reconcile() == (0, 0, 0)  # refunded once
    assert (await _user_row(world, PLAYER)).balance == 10_000
    assert world.sim.tickets == []


async def test_an_unanswering_provider_settles_nothing(world: World) -> None:
    await _user(world, PLAYER, balance=10_000)
    pending = await _sell(world, PLAYER, Fault.TIMEOUT)
    world.clock.advance(GRACE + GIVE_UP)
    world.sim.faults.set(Fault.ERROR_500, op=world.lookup_op, times=10)
    assert await world.reconcile() == (0, 0, 1)
    assert (await _ticket(world, pending.id)).status is TicketStatus.PENDING
    assert (await _user_row(world, PLAYER)).balance == 9_500  # still held: no conclusion
    assert await _notices(world, PLAYER) == []
    world.sim.faults.clear()
    assert await world.reconcile() == (0, 1, 0)  # once it answers
    assert (await _user_row(world, PLAYER)).balance == 10_000


async def test_two_workers_reconciling_at_once_settle_each_ticket_once(world: World) -> None:
    await _user(world, PLAYER, balance=10_000)
    booked = await _sell(world, PLAYER, Fault.LATE)
    lost = await _sell(world, PLAYER, Fault.TIMEOUT, plays="zulia 16:45 456 x7")
    world.clock.advance(GRACE + GIVE_UP)
    results = await asyncio.gather(world.reconcile(), world.reconcile())
    assert sum(r[0] for r in results) == 1 and sum(r[1] for r in results) == 1
    assert (await _ticket(world, booked.id)).status is TicketStatus.SOLD
    assert (await _ticket(world, lost.id)).status is TicketStatus.REJECTED
    assert (await _user_row(world, PLAYER)).balance == 9_500  # 5 sold, 7 back, once
    assert len(await _notices(world, PLAYER)) == 2
    assert len(world.sim.tickets) == 1


async def test_a_sellers_unbooked_sale_goes_back_to_the_credit(world: World) -> None:
    await _user(world, SELLER, credit=100_000, role=UserRole.SELLER, locale="en")
    await _sell(world, SELLER, Fault.TIMEOUT)
    assert (await _user_row(world, SELLER)).credit_used == 500
    world.clock.advance(GRACE + GIVE_UP)
    assert await world.reconcile() == (0, 1, 0)
    assert (await _user_row(world, SELLER)).credit_used == 0
    (notice,) = await _notices(world, SELLER)
    assert "nothing was sold" in notice and "credit" in notice  # in the seller's language


async def test_a_ticket_the_provider_voided_is_refunded_at_once(world: World) -> None:
    await _user(world, PLAYER, balance=10_000)
    pending = await _sell(world, PLAYER, Fault.LATE)
    (held,) = world.sim.tickets
    if isinstance(world.sim, SoportexSimulator):  # voided at the provider before we asked
        held.status = "1"  # type: ignore[union-attr]
    else:
        held.status = "canceled"  # type: ignore[union-attr]
        for wager in held.wagers:  # type: ignore[union-attr]
            wager["status"] = "canceled"
    world.clock.advance(GRACE + timedelta(seconds=1))  # long before the give-up deadline
    assert await world.reconcile() == (0, 1, 0)
    assert (await _ticket(world, pending.id)).status is TicketStatus.REJECTED
    assert (await _user_row(world, PLAYER)).balance == 10_000
