"""The provider-mode results feed against the soportex and banklot simulators, on SQLite and
PostgreSQL: what is fetched when, what is stored and settled, and what is queued for whom."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.results_feed import FeedSummary, fetch_due_results
from lottery.catalog import Catalog, fold_name
from lottery.money import to_minor
from lottery.settlement import payout
from lottery.ticket_codes import format_serial
from storage.db import make_engine, make_sessionmaker
from storage.models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastKind,
    DrawResult,
    OutboxMessage,
    PaidHow,
    TicketStatus,
    UserRole,
)
from storage.repositories import draws, subscriptions, tickets, users
from storage.repositories.draw_rows import draw_spec
from storage.repositories.tickets import NewWager
from tests.fakes.providers.faults import CARACAS, FakeClock, Fault
from tests.fakes.providers.harness import Backend, banklot_backend, soportex_backend

DAY = (2024, 10, 22)  # a Tuesday
ZULIA = datetime(*DAY, 12, 45, tzinfo=CARACAS)
START = datetime(*DAY, 12, 40, tzinfo=CARACAS)
PLAYER, OTHER, STRANGER = 101, 102, 103
BACKENDS = {"soportex": soportex_backend, "banklot": banklot_backend}
RESULTS_OP = {"soportex": "resultados", "banklot": "results"}


@pytest.fixture(params=sorted(BACKENDS))
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    async with BACKENDS[request.param](FakeClock(START)) as made:
        yield made


class World:
    """Our books (users, subscriptions, tickets) and the provider that draws."""

    def __init__(self, sm: async_sessionmaker[AsyncSession], backend: Backend,
                 catalog: Catalog) -> None:
        self.sm, self.backend, self.catalog = sm, backend, catalog
        self.serials = 0

    @property
    def now(self) -> datetime:
        return self.backend.clock.now()

    async def people(self) -> None:
        async with self.sm() as s, s.begin():
            for uid in (PLAYER, OTHER, STRANGER):
                await users.ensure_user(s, uid, currency="VES", role=UserRole.PLAYER, now=START)
            await subscriptions.subscribe(s, PLAYER, "zulia", now=START)
            await subscriptions.subscribe(s, OTHER, "zulia", now=START)
            await subscriptions.subscribe(s, STRANGER, "activo", now=START)

    async def sell(self, number: str, buyer: int, game: str = "triple",
                   sign: str | None = None) -> str:
        """A ticket of ``number`` ×5 on Triple Zulia 12:45, as the booth records a sold one."""
        self.serials += 1
        serial = f"FEED{self.serials:04d}"
        async with self.sm() as s, s.begin():
            lottery = self.catalog.lottery("zulia")
            await draws.ensure_draws(s, "zulia", [draw_spec(lottery, ZULIA)], now=START)
            draw = await draws.find_draw(s, "zulia", ZULIA)
            assert draw is not None
            wager = NewWager("zulia", draw.id, game, number, sign, to_minor(Decimal(5), "VES"))
            ticket, _ = await tickets.create_ticket(
                s, serial=serial, reference=f"ref-{serial}", pin_hash="x",
                provider=self.backend.name, buyer_id=buyer, total=wager.amount, currency="VES",
                created_at=START, wagers=[wager])
            assert await tickets.mark_sold(s, ticket.id)
        return serial

    async def publish(self, number: str, sign: str = "ACU", *, lists: str = "AC",
                      at: datetime = ZULIA, sign_number: str | None = None) -> None:
        """The provider draws Triple Zulia: list A (the number) and the sign draw (C), whose
        own triple is ``sign_number`` (the same as A's unless given)."""
        if "A" in lists:
            await self.backend.publish("zulia", at, number)
        if "C" not in lists:
            return
        name = fold_name(self.catalog.lottery("zulia").name)
        sim = self.backend.sim
        if self.backend.name == "soportex":
            letter = next(s.product.letter for s in sim.sorteos.values()  # type: ignore[union-attr]
                          if fold_name(s.product.name) == name)
            sim.set_result(sim.code(letter, at.strftime("%H:%M"), "C"),  # type: ignore[union-attr]
                           f"{sign_number or number}-{sign}", at.date())
        else:
            product = next(p for p in sim.world.products  # type: ignore[union-attr]
                           if fold_name(p.name) == name)
            sim.set_result(sim.event(product.id, at.strftime("%H:%M"), 3,  # type: ignore[union-attr]
                                     at.date()), f"{sign_number or number}-{sign}")

    async def run(self, sm: async_sessionmaker[AsyncSession] | None = None) -> FeedSummary:
        return await fetch_due_results(sm or self.sm, self.catalog, self.backend.provider,
                                       self.now, locale="es")

    async def results(self) -> list[tuple[int, dict[str, str], str]]:
        async with self.sm() as s:
            rows = await s.execute(select(DrawResult.revision, DrawResult.values,
                                          DrawResult.source).order_by(DrawResult.id))
            return [(r, dict(v), src) for r, v, src in rows]

    async def ticket(self, serial: str) -> tuple[TicketStatus, int | None]:
        async with self.sm() as s:
            ticket = await tickets.get_ticket_by_serial(s, serial)
            assert ticket is not None
            return ticket.status, ticket.prize

    async def deliveries(self, kind: BroadcastKind) -> list[tuple[int, str]]:
        """(chat, text) of every queued delivery of that kind, oldest first."""
        async with self.sm() as s:
            rows = await s.execute(
                select(BroadcastDelivery.chat_id,
                       func.coalesce(BroadcastDelivery.text, Broadcast.text))
                .join(Broadcast, Broadcast.id == BroadcastDelivery.broadcast_id)
                .where(Broadcast.kind == kind)
                .order_by(BroadcastDelivery.id))
            return [(chat, text) for chat, text in rows]

    async def winner_notices(self) -> list[tuple[int, str]]:
        """(chat, text) of every notice in the outbox, oldest first."""
        async with self.sm() as s:
            rows = await s.execute(select(OutboxMessage.chat_id, OutboxMessage.text)
                                   .order_by(OutboxMessage.id))
            return [(chat, text or "") for chat, text in rows]

    async def results_images(self) -> list[bytes | None]:
        async with self.sm() as s:
            rows = await s.scalars(select(Broadcast.image)
                                   .where(Broadcast.kind == BroadcastKind.RESULTS))
            return list(rows)


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession], backend: Backend) -> World:
    made = World(sessionmaker, backend, await backend.provider.catalog())
    await made.people()
    return made


async def test_a_result_is_fetched_after_its_draw_settled_and_told_once(world: World) -> None:
    winner = await world.sell("123", PLAYER)
    loser = await world.sell("456", OTHER)
    await world.publish("123", "ACU")  # the provider has it early: we still wait for the draw

    for minute in (40, 44, 46):  # before the draw, and within the delay after it
        world.backend.clock.set(ZULIA.replace(minute=minute))
        summary = await world.run()
        assert summary.entered == [], minute
    assert await world.results() == []
    assert await world.ticket(winner) == (TicketStatus.SOLD, None)

    world.backend.clock.set(ZULIA + timedelta(minutes=3))
    summary = await world.run()
    assert summary.entered == [("zulia", ZULIA, 1)]
    assert await world.results() == [
        (1, {"number": "123", "sign": "ACU", "sign_number": "123"},
         f"provider:{world.backend.name}")]
    prize = to_minor(Decimal(5) * payout(world.catalog, "zulia", "triple"), "VES")
    assert await world.ticket(winner) == (TicketStatus.WINNER, prize)
    assert (await world.ticket(loser))[0] is TicketStatus.LOSER

    told = await world.deliveries(BroadcastKind.RESULTS)
    assert sorted(chat for chat, _ in told) == [PLAYER, OTHER]  # not the activo subscriber
    assert all("Triple Zulia" in text and "123 Acuario" in text for _, text in told)
    [image] = await world.results_images()
    assert image is not None and image.startswith(b"\x89PNG")
    [(chat, notice)] = await world.winner_notices()
    assert chat == PLAYER and format_serial(winner) in notice

    world.backend.clock.advance(minutes=1)  # the next tick, and the one after
    for _ in range(2):
        again = await world.run()
        assert again.entered == [] and again.announced == again.notified == 0
    assert len(await world.results()) == 1
    assert len(await world.deliveries(BroadcastKind.RESULTS)) == 2
    assert len(await world.winner_notices()) == 1


async def test_a_triple_waits_for_its_sign(world: World) -> None:
    await world.publish("123", lists="A")  # list A is out, the sign draw is not
    world.backend.clock.set(ZULIA + timedelta(minutes=5))
    assert (await world.run()).entered == []
    assert await world.results() == []

    await world.publish("123", lists="C")
    world.backend.clock.advance(minutes=1)
    assert (await world.run()).entered == [("zulia", ZULIA, 1)]
    assert [values for _, values, _ in await world.results()] == [
        {"number": "123", "sign": "ACU", "sign_number": "123"}]


async def test_a_triple_does_not_take_the_sign_draws_number(world: World) -> None:
    await world.publish("987", lists="C")  # the sign draw is out first: 987-ACU
    world.backend.clock.set(ZULIA + timedelta(minutes=5))
    assert (await world.run()).entered == []  # list A is not: nothing to settle triples on
    await world.publish("123", lists="A")
    world.backend.clock.advance(minutes=1)
    assert (await world.run()).entered == [("zulia", ZULIA, 1)]
    assert [values for _, values, _ in await world.results()] == [
        {"number": "123", "sign": "ACU", "sign_number": "987"}]  # one revision, no correction


async def test_astral_plays_settle_on_the_sign_draws_own_triple(world: World) -> None:
    # The provider draws the sign with a triple of its own (list C: "987-ACU") and pays the
    # astral plays on it; list A's 123 pays the plain triples.
    astral = await world.sell("987", PLAYER, "triple_sign", "ACU")
    a_with_sign = await world.sell("123", PLAYER, "triple_sign", "ACU")
    terminal = await world.sell("87", OTHER, "terminal_sign", "ACU")
    plain = await world.sell("123", OTHER)
    await world.publish("123", sign_number="987")
    world.backend.clock.set(ZULIA + timedelta(minutes=3))
    assert (await world.run()).entered == [("zulia", ZULIA, 1)]
    five = Decimal(5)
    assert await world.ticket(astral) == (
        TicketStatus.WINNER, to_minor(five * payout(world.catalog, "zulia", "triple_sign"), "VES"))
    assert (await world.ticket(a_with_sign))[0] is TicketStatus.LOSER
    assert await world.ticket(terminal) == (
        TicketStatus.WINNER,
        to_minor(five * payout(world.catalog, "zulia", "terminal_sign"), "VES"))
    assert await world.ticket(plain) == (
        TicketStatus.WINNER, to_minor(five * payout(world.catalog, "zulia", "triple"), "VES"))
    told = await world.deliveries(BroadcastKind.RESULTS)
    assert told and all("123 · 987 Acuario" in text for _, text in told)  # both triples shown


@pytest.mark.parametrize("fault", [Fault.ERROR_500, Fault.MALFORMED])
async def test_a_provider_failure_is_logged_and_the_next_tick_succeeds(
    world: World, fault: Fault, caplog: pytest.LogCaptureFixture
) -> None:
    await world.sell("123", PLAYER)
    await world.publish("123", "ACU")
    world.backend.clock.set(ZULIA + timedelta(minutes=3))
    sim = world.backend.sim
    assert sim is not None
    sim.faults.set(fault, op=RESULTS_OP[world.backend.name], times=10)
    with caplog.at_level(logging.WARNING, logger="jobs.results_feed"):
        failed = await world.run()
    assert failed.entered == [] and failed.problems
    assert any("provider failed" in r.getMessage() for r in caplog.records)
    assert (RESULTS_OP[world.backend.name], fault) in sim.faults.fired
    assert await world.results() == []
    assert await world.deliveries(BroadcastKind.RESULTS) == []

    sim.faults.clear()
    world.backend.clock.advance(minutes=1)
    assert (await world.run()).entered == [("zulia", ZULIA, 1)]
    assert len(await world.deliveries(BroadcastKind.RESULTS)) == 2


async def test_two_processes_at_once_store_and_queue_once(world: World, db_url: str) -> None:
    await world.sell("123", PLAYER)
    await world.publish("123", "ACU")
    world.backend.clock.set(ZULIA + timedelta(minutes=3))
    engines = [make_engine(db_url) for _ in range(2)]  # two bot processes, two connection pools
    try:
        first, second = await asyncio.gather(
            *(world.run(make_sessionmaker(engine)) for engine in engines))
    finally:
        for engine in engines:
            await engine.dispose()
    assert len(first.entered) + len(second.entered) == 1
    assert first.problems == second.problems == []
    assert len(await world.results()) == 1
    assert sorted(chat for chat, _ in await world.deliveries(BroadcastKind.RESULTS)) == [
        PLAYER, OTHER]
    assert [chat for chat, _ in await world.winner_notices()] == [PLAYER]


async def test_a_provider_correction_resettles_until_a_prize_is_paid(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    first_buyer = await world.sell("123", PLAYER)
    second_buyer = await world.sell("456", OTHER)
    await world.publish("123", "ACU")
    world.backend.clock.set(ZULIA + timedelta(minutes=3))
    await world.run()

    await world.publish("456", "ACU")  # the provider corrects its draw
    world.backend.clock.advance(minutes=1)
    assert (await world.run()).entered == [("zulia", ZULIA, 2)]
    assert [(rev, values["number"]) for rev, values, _ in await world.results()] == [
        (1, "123"), (2, "456")]
    assert (await world.ticket(first_buyer))[0] is TicketStatus.LOSER
    assert (await world.ticket(second_buyer))[0] is TicketStatus.WINNER
    told = await world.deliveries(BroadcastKind.RESULTS)
    assert [text.count("456 Acuario") for chat, text in told if chat == PLAYER] == [0, 1]
    assert [chat for chat, _ in await world.winner_notices()] == [
        PLAYER, OTHER]

    async with world.sm() as s, s.begin():  # the new winner collects
        ticket = await tickets.get_ticket_by_serial(s, second_buyer)
        assert ticket is not None
        assert await tickets.mark_paid(s, ticket.id, paid_by=OTHER, how=PaidHow.CASH,
                                       now=world.now)
    await world.publish("789", "ACU")  # too late to correct: a prize was paid on it
    world.backend.clock.advance(minutes=1)
    with caplog.at_level(logging.WARNING, logger="jobs.results_feed"):
        refused = await world.run()
    assert refused.entered == [] and refused.problems == ["result not entered"]
    assert any("result not entered" in r.getMessage() for r in caplog.records)
    assert len(await world.results()) == 2
    assert (await world.ticket(second_buyer))[0] is TicketStatus.PAID
    assert len(await world.deliveries(BroadcastKind.RESULTS)) == 4


async def test_a_result_fetched_hours_late_settles_but_is_not_pushed(world: World) -> None:
    winner = await world.sell("123", PLAYER)
    await world.publish("123", "ACU")
    world.backend.clock.set(ZULIA + timedelta(hours=5))  # the bot was down all afternoon
    summary = await world.run()
    assert ("zulia", ZULIA, 1) in summary.entered
    assert (await world.ticket(winner))[0] is TicketStatus.WINNER
    assert await world.deliveries(BroadcastKind.RESULTS) == []
    assert [chat for chat, _ in await world.winner_notices()] == [PLAYER]
