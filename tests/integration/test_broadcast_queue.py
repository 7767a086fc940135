"""The broadcast queue end to end: real aiogram Bot → fake Bot API server with flood control on,
queue in SQLite and PostgreSQL.

What a user would notice: every chat holds exactly one copy, even across a restart; blocked
users stop being written to; Telegram's 429s are waited out. The admin's progress message,
paid delivery, images and personal texts are in ``test_broadcast_options.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from contextlib import suppress
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.broadcast import (
    BroadcastKind,
    BroadcastWorker,
    DeliveryState,
    Limits,
    MemoryRateLimiter,
    audience,
    cancel,
    install_rate_limiter,
    retry_unknown,
)
from storage.db import make_engine, make_sessionmaker
from storage.models import BroadcastStatus, User
from storage.repositories import broadcasts as repo
from storage.repositories import subscriptions as subscriptions_repo
from tests.fakes.telegram import FakeTelegram, RateLimit
from tests.integration.broadcast_helpers import (
    ADMIN,
    FAST,
    NOW,
    queue,
    running_bot,
    seed_users,
)


def copies(tg: FakeTelegram, chats: Iterable[int]) -> dict[int, int]:
    """How many bot messages each chat holds (a user's view of duplicates and losses)."""
    return {c: len(tg.messages(c, include_deleted=True)) for c in chats}


async def states(sessionmaker: async_sessionmaker[AsyncSession], broadcast_id: int) -> dict:
    async with sessionmaker() as s:
        return {k: v for k, v in (await repo.counts(s, broadcast_id)).items() if v}


class RecordingLimiter(MemoryRateLimiter):
    """Notes, on its own clock, when permits were given and when Telegram asked to wait."""

    def __init__(self, limits: Limits) -> None:
        super().__init__(limits)
        self.granted: list[float] = []
        self.pauses: list[tuple[float, float]] = []

    async def acquire(self, chat_id: int | str | None, *, paid: bool = False) -> None:
        await super().acquire(chat_id, paid=paid)
        self.granted.append(self._now())

    async def backoff(self, seconds: float) -> None:
        await super().backoff(seconds)
        self.pauses.append((self._now(), seconds))

    def sent_during_pauses(self) -> list[float]:
        return [g for at, pause in self.pauses for g in self.granted if at < g < at + pause]


# -- the 2,000-chat broadcast ---------------------------------------------------------------


async def test_2000_subscribers_each_get_exactly_one_copy(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    flood = RateLimit(global_per_second=500, per_chat_per_second=1)
    async with FakeTelegram(rate_limit=flood) as tg, running_bot(tg) as bot:
        ids = await seed_users(sessionmaker, tg, 2000)
        async with sessionmaker() as s:
            chats = await audience(s, "lotto_activo")
        assert len(chats) == 2000
        text = "<b>Lotto Activo</b> 12:00 → 25 Camello"
        bid = await queue(sessionmaker, text, chats, kind=BroadcastKind.RESULTS)

        limiter = RecordingLimiter(Limits(global_per_second=500))
        worker = BroadcastWorker(bot, sessionmaker, limiter)
        final = await worker.drain(bid)

        assert set(copies(tg, ids).values()) == {1}
        assert all(tg.messages(c)[0].content == "Lotto Activo 12:00 → 25 Camello" for c in ids[:5])
        assert (final.sent, final.left, final.failed, final.status) == (
            2000,
            0,
            0,
            BroadcastStatus.DONE,
        )
        # Every extra call was a 429 (a burst landing late in Telegram's window), waited out
        # for its retry_after before anything else was sent, then retried; nothing else.
        sends = tg.calls_to("sendMessage")
        assert len(sends) == 2000 + tg.counters.rate_limited
        assert worker.middleware.retry_after_seen == tg.counters.rate_limited
        assert len(limiter.pauses) == tg.counters.rate_limited
        assert limiter.sent_during_pauses() == []
        async with sessionmaker() as s:
            rows = await repo.deliveries(s, bid)
        sent_ids = {c.params["chat_id"]: c.result["message_id"] for c in sends if c.ok}
        assert {r.chat_id: r.message_id for r in rows} == sent_ids


async def test_restart_midway_resumes_without_duplicates_or_losses(db_url: str) -> None:
    """Stop the worker the way a SIGTERM does (cancel its task) mid-broadcast, start a new one
    in a new "process" (new engine, bot and limiter): every chat ends with one copy."""
    flood = RateLimit(global_per_second=300, per_chat_per_second=1)
    async with FakeTelegram(rate_limit=flood) as tg:
        engine = make_engine(db_url)
        sessionmaker = make_sessionmaker(engine)
        ids = await seed_users(sessionmaker, tg, 500)
        bid = await queue(sessionmaker, "Sorteo especial mañana", ids)

        async with running_bot(tg) as bot:
            worker = BroadcastWorker(
                bot, sessionmaker, MemoryRateLimiter(Limits(global_per_second=300))
            )
            task = asyncio.create_task(worker.run_forever(asyncio.Event()))
            await tg.wait_for(lambda: tg.counters.messages_sent >= 200, timeout=20)
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        midway = await states(sessionmaker, bid)
        await engine.dispose()

        assert 200 <= midway[DeliveryState.SENT] < 500  # really stopped in the middle
        assert DeliveryState.SENDING not in midway  # a clean stop leaves nothing ambiguous
        assert midway[DeliveryState.SENT] == tg.counters.messages_sent

        engine = make_engine(db_url)
        sessionmaker = make_sessionmaker(engine)
        try:
            async with running_bot(tg) as bot:
                worker = BroadcastWorker(
                    bot, sessionmaker, MemoryRateLimiter(Limits(global_per_second=300))
                )
                stop = asyncio.Event()
                task = asyncio.create_task(worker.run_forever(stop))
                await tg.wait_for(lambda: tg.counters.messages_sent >= 500, timeout=20)
                final = await _wait_done(sessionmaker, bid)
                stop.set()
                await task
        finally:
            await engine.dispose()

        assert set(copies(tg, ids).values()) == {1}
        assert final == {DeliveryState.SENT: 500}


async def _wait_done(
    sessionmaker: async_sessionmaker[AsyncSession], bid: int
) -> dict[DeliveryState, int]:
    for _ in range(200):
        async with sessionmaker() as s:
            broadcast = await repo.get_broadcast(s, bid)
            assert broadcast is not None
            if broadcast.status is BroadcastStatus.DONE:
                return await states(sessionmaker, bid)
        await asyncio.sleep(0.05)
    raise AssertionError("broadcast did not finish")


async def test_two_workers_on_one_queue_never_send_twice(db_url: str) -> None:
    """Two worker processes (own engine, own bot) drain the same broadcast at once: the atomic
    claim gives every row to exactly one of them."""
    async with FakeTelegram() as tg:
        engines = [make_engine(db_url), make_engine(db_url)]
        makers = [make_sessionmaker(e) for e in engines]
        try:
            ids = await seed_users(makers[0], tg, 300)
            bid = await queue(makers[0], "Aviso", ids)
            limiter = MemoryRateLimiter(FAST)  # one budget, as Redis would give them
            async with running_bot(tg) as bot_a, running_bot(tg) as bot_b:
                workers = [
                    BroadcastWorker(bot_a, makers[0], limiter, concurrency=20),
                    BroadcastWorker(bot_b, makers[1], limiter, concurrency=20),
                ]
                reports = await asyncio.gather(*(w.drain(bid) for w in workers))
        finally:
            for engine in engines:
                await engine.dispose()

        assert set(copies(tg, ids).values()) == {1}
        assert len(tg.calls_to("sendMessage")) == 300
        assert [r.sent for r in reports] == [300, 300]
        assert all(w.middleware.limiter is limiter for w in workers)


async def test_rows_left_sending_by_a_dead_worker_are_not_resent(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A hard kill (no clean stop) leaves claimed rows: they may be in the chat, so they are
    reported as unknown and never sent again; the rest goes out normally."""
    async with FakeTelegram() as tg, running_bot(tg) as bot:
        ids = await seed_users(sessionmaker, tg, 30)
        bid = await queue(sessionmaker, "Aviso", ids)
        async with sessionmaker() as s, s.begin():
            orphans = await repo.claim(s, bid, 4, NOW)  # the dead worker's claims
        later = NOW + timedelta(minutes=5)
        worker = BroadcastWorker(bot, sessionmaker, MemoryRateLimiter(FAST), clock=lambda: later)
        final = await worker.drain(bid)

        orphan_chats = {o.chat_id for o in orphans}
        assert copies(tg, orphan_chats) == dict.fromkeys(orphan_chats, 0)
        assert set(copies(tg, set(ids) - orphan_chats).values()) == {1}
        assert (final.sent, final.unknown, final.status) == (26, 4, BroadcastStatus.DONE)


async def test_a_lost_answer_is_not_resent(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Telegram delivered the message but the answer never came back: no second copy."""
    async with FakeTelegram() as tg, running_bot(tg) as bot:
        ids = await seed_users(sessionmaker, tg, 5)
        tg.fail_next("sendMessage", "drop", executed=True)
        bid = await queue(sessionmaker, "Aviso", ids)
        worker = BroadcastWorker(
            bot, sessionmaker, MemoryRateLimiter(FAST), concurrency=1, max_backoff=0.05
        )
        final = await worker.drain(bid)

        assert set(copies(tg, ids).values()) == {1}
        assert (final.sent, final.unknown) == (4, 1)


async def test_unknown_deliveries_are_resent_only_when_an_admin_asks(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with FakeTelegram() as tg, running_bot(tg) as bot:
        ids = await seed_users(sessionmaker, tg, 3)
        tg.fail_next("sendMessage", 502)  # Telegram may or may not have taken it
        bid = await queue(sessionmaker, "Aviso", ids)
        worker = BroadcastWorker(
            bot, sessionmaker, MemoryRateLimiter(FAST), concurrency=1, max_backoff=0.05
        )
        assert (await worker.drain(bid)).unknown == 1
        async with sessionmaker() as s, s.begin():
            assert await retry_unknown(s, bid) == 1
        final = await worker.drain(bid)

        assert (final.sent, final.unknown, final.status) == (3, 0, BroadcastStatus.DONE)
        assert set(copies(tg, ids).values()) == {1}  # here the 502 had really not sent it


async def test_cancelled_broadcast_stops_and_says_so(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with FakeTelegram() as tg, running_bot(tg) as bot:
        ids = await seed_users(sessionmaker, tg, 5)
        tg.add_user(ADMIN)
        bid = await queue(sessionmaker, "Aviso", ids, progress_chat=ADMIN, progress_locale="en")
        async with sessionmaker() as s, s.begin():
            assert await cancel(s, bid, now=NOW) == 5
        final = await BroadcastWorker(bot, sessionmaker, MemoryRateLimiter(FAST)).drain(bid)

        assert (final.sent, final.cancelled, final.status) == (0, 5, BroadcastStatus.CANCELLED)
        assert copies(tg, ids) == dict.fromkeys(ids, 0)


# -- blocked users, refusals, 429 -----------------------------------------------------------


async def test_blocked_users_are_unsubscribed_and_deactivated(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with FakeTelegram() as tg, running_bot(tg) as bot:
        ids = await seed_users(sessionmaker, tg, 20, lotteries=("lotto_activo", "la_granjita"))
        blocked = ids[::4]
        for chat in blocked:
            tg.set_blocked(chat)
        async with sessionmaker() as s:
            chats = await audience(s, "lotto_activo")
        bid = await queue(sessionmaker, "Resultados", chats, kind=BroadcastKind.RESULTS)
        final = await BroadcastWorker(bot, sessionmaker, MemoryRateLimiter(FAST)).drain(bid)

        assert (final.sent, final.blocked) == (15, 5)
        assert copies(tg, blocked) == dict.fromkeys(blocked, 0)
        async with sessionmaker() as s:
            for chat in blocked:
                assert await subscriptions_repo.user_subscriptions(s, chat) == []
                user = await s.get(User, chat)
                assert user is not None and user.is_active is False
            assert await subscriptions_repo.user_subscriptions(s, ids[1]) == [
                "la_granjita",
                "lotto_activo",
            ]
            assert len(await audience(s, "lotto_activo")) == 15
            assert len(await audience(s, None)) == 15
            rows = {r.chat_id: r for r in await repo.deliveries(s, bid)}
        assert rows[blocked[0]].state is DeliveryState.BLOCKED
        assert "blocked by the user" in (rows[blocked[0]].error or "")


async def test_a_refused_message_fails_once_with_telegrams_reason(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with FakeTelegram() as tg, running_bot(tg) as bot:
        ids = await seed_users(sessionmaker, tg, 3)
        stranger = 9_999_999  # never talked to the bot: Telegram knows no such chat
        bid = await queue(sessionmaker, "Aviso", [*ids, stranger])
        final = await BroadcastWorker(bot, sessionmaker, MemoryRateLimiter(FAST)).drain(bid)

        assert (final.sent, final.failed) == (3, 1)
        assert len([c for c in tg.calls_to("sendMessage") if c.params["chat_id"] == stranger]) == 1
        async with sessionmaker() as s:
            row = next(r for r in await repo.deliveries(s, bid) if r.chat_id == stranger)
        assert row.state is DeliveryState.FAILED and "chat not found" in (row.error or "")


async def test_429_retry_after_is_honoured_and_nothing_is_lost(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Our limiter is set too high on purpose, so Telegram's flood control answers 429: the
    sender stops everyone for retry_after, then retries; every chat gets its one copy."""
    flood = RateLimit(global_per_second=10, retry_after=1)
    async with FakeTelegram(rate_limit=flood) as tg, running_bot(tg) as bot:
        ids = await seed_users(sessionmaker, tg, 25)
        bid = await queue(sessionmaker, "Aviso", ids)
        limiter = RecordingLimiter(Limits(global_per_second=50))
        worker = BroadcastWorker(bot, sessionmaker, limiter)
        final = await worker.drain(bid)

        assert set(copies(tg, ids).values()) == {1}
        assert final.sent == 25
        refused = tg.counters.rate_limited
        assert refused > 0
        assert len(tg.calls_to("sendMessage")) == 25 + refused
        assert len(limiter.pauses) == refused
        assert limiter.sent_during_pauses() == []  # each pause Telegram asked for was kept


async def test_one_limiter_per_bot(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with FakeTelegram() as tg, running_bot(tg) as bot:
        limiter = MemoryRateLimiter(FAST)
        middleware = install_rate_limiter(bot, limiter)
        assert BroadcastWorker(bot, sessionmaker, limiter).middleware is middleware
        with pytest.raises(ValueError, match="another limiter"):
            BroadcastWorker(bot, sessionmaker, MemoryRateLimiter(FAST))
