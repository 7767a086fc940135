"""The broadcast queue end to end: real aiogram Bot → fake Bot API server with flood control on,
queue in SQLite and PostgreSQL.

What a user would notice: every chat holds exactly one copy, even across a restart; blocked
users stop being written to; Telegram's 429s are waited out; the admin sees the counts.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from PIL import Image
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.broadcast import (
    BroadcastKind,
    BroadcastTextError,
    BroadcastWorker,
    DeliveryState,
    Limits,
    MemoryRateLimiter,
    audience,
    cancel,
    enqueue,
    enqueue_personal,
    install_rate_limiter,
    retry_unknown,
)
from storage.db import make_engine, make_sessionmaker
from storage.models import BroadcastStatus, Subscription, User
from storage.repositories import broadcasts as repo
from storage.repositories import subscriptions as subscriptions_repo
from tests.fakes.telegram import FakeTelegram, RateLimit
from tests.fakes.telegram.records import UploadedFile
from tests.fakes.telegram.session import LoopbackSession

NOW = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
#: For the small broadcasts: Telegram's 30/s would only make them slow, not different.
FAST = Limits(global_per_second=1000)
FIRST_USER = 700_000
ADMIN = 42


def make_bot(tg: FakeTelegram) -> Bot:
    return Bot(tg.token, session=LoopbackSession(api=TelegramAPIServer.from_base(tg.base_url)))


@asynccontextmanager
async def running_bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    bot = make_bot(tg)
    try:
        yield bot
    finally:
        await bot.session.close()


async def seed_users(
    sessionmaker: async_sessionmaker[AsyncSession],
    tg: FakeTelegram,
    count: int,
    lotteries: Iterable[str] = ("lotto_activo",),
) -> list[int]:
    """``count`` players who talked to the bot (so Telegram knows their chat), subscribed."""
    ids = list(range(FIRST_USER, FIRST_USER + count))
    async with sessionmaker() as s, s.begin():
        await s.execute(insert(User), [{"id": i, "currency": "VES"} for i in ids])
        rows = [
            {"user_id": i, "lottery_id": lottery, "created_at": NOW}
            for i in ids
            for lottery in lotteries
        ]
        await s.execute(insert(Subscription), rows)
    for i in ids:
        tg.add_user(i)
    return ids


async def queue(
    sessionmaker: async_sessionmaker[AsyncSession],
    text: str,
    chat_ids: list[int],
    **options: object,
) -> int:
    async with sessionmaker() as s, s.begin():
        return await enqueue(
            s,
            kind=options.pop("kind", BroadcastKind.ANNOUNCEMENT),  # type: ignore[arg-type]
            text=text,
            chat_ids=chat_ids,
            now=NOW,
            **options,  # type: ignore[arg-type]
        )


def copies(tg: FakeTelegram, chats: Iterable[int]) -> dict[int, int]:
    """How many bot messages each chat holds (a user's view of duplicates and losses)."""
    return {c: len(tg.messages(c, include_deleted=True)) for c in chats}


async def states(sessionmaker: async_sessionmaker[AsyncSession], broadcast_id: int) -> dict:
    async with sessionmaker() as s:
        return {k: v for k, v in (await repo.counts(s, broadcast_id)).items() if v}


def png(color: str = "navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), color).save(out, "PNG")
    return out.getvalue()


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


# -- progress, paid, images, personal texts --------------------------------------------------


async def test_admin_progress_message_is_edited_and_ends_with_the_right_numbers(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # Telegram's global limit sits above ours: requests spaced by our limiter can arrive
    # bunched by the loop's jitter. The per-chat limit, what the edits must respect, is exact.
    flood = RateLimit(global_per_second=150, per_chat_per_second=1)
    async with FakeTelegram(rate_limit=flood) as tg, running_bot(tg) as bot:
        ids = await seed_users(sessionmaker, tg, 150)
        tg.add_user(ADMIN)
        for chat in ids[:3]:
            tg.set_blocked(chat)
        bid = await queue(
            sessionmaker, "Aviso", ids, progress_chat=ADMIN, progress_locale="en", created_by=ADMIN
        )
        limiter = MemoryRateLimiter(Limits(global_per_second=100))
        worker = BroadcastWorker(bot, sessionmaker, limiter, progress_every=0.3)
        await worker.drain(bid)

        [report] = tg.messages(ADMIN)
        assert len(report.history) >= 2  # edited while running, then at the end
        assert f"Broadcast #{bid} in progress" in report.history[0]["text"]
        lines = report.content.splitlines()
        assert lines[0] == f"Broadcast #{bid} finished"
        assert lines[1:5] == ["Sent: 147", "Failed: 0", "Blocked: 3", "Left: 0"]
        assert lines[-1].startswith("Rate: ") and lines[-1].endswith(" messages/s")
        # Edits are messages too: they never broke Telegram's per-chat limit. (A rare global
        # 429 from jitter under a loaded machine is retried, and the counts above show it.)
        refused = [c for c in tg.calls if c.error_code == 429]
        assert [c.method for c in refused if c.params.get("chat_id") == ADMIN] == []
        assert len(refused) <= 1, refused


async def test_paid_broadcast_asks_for_paid_delivery_and_uses_the_paid_budget(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with FakeTelegram() as tg, running_bot(tg) as bot:
        ids = await seed_users(sessionmaker, tg, 63)
        limiter = MemoryRateLimiter(Limits(global_per_second=5, paid_per_second=1000))
        worker = BroadcastWorker(bot, sessionmaker, limiter)
        bid = await queue(sessionmaker, "Promo", ids[:60], paid=True)
        await worker.drain(bid)

        sends = tg.calls_to("sendMessage")
        assert len(sends) == 60 and all(c.params.get("allow_paid_broadcast") for c in sends)
        assert limiter.stats.waits == 0  # 60 at once: the free 5/s budget was not involved

        free = await queue(sessionmaker, "Gratis", ids[60:])
        await worker.drain(free)
        assert not any("allow_paid_broadcast" in c.params for c in tg.calls_to("sendMessage")[60:])


async def test_results_with_image_upload_once_then_reuse_telegrams_file_id(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with FakeTelegram() as tg, running_bot(tg) as bot:
        ids = await seed_users(sessionmaker, tg, 12)
        image = png()
        bid = await queue(
            sessionmaker,
            "<b>Lotto Activo</b> del día",
            ids,
            kind=BroadcastKind.RESULTS,
            image=image,
            key="results:lotto_activo:2026-11-24",
        )
        again = await queue(
            sessionmaker,
            "otra vez",
            ids,
            kind=BroadcastKind.RESULTS,
            image=image,
            key="results:lotto_activo:2026-11-24",
        )
        assert again == bid  # the same results are queued once
        await BroadcastWorker(bot, sessionmaker, MemoryRateLimiter(FAST)).drain(bid)

        for chat in ids:
            [photo] = tg.photos(chat)
            assert photo.file_bytes == image and photo.content == "Lotto Activo del día"
        sends = tg.calls_to("sendPhoto")
        uploads = [c for c in sends if any(isinstance(v, UploadedFile) for v in c.params.values())]
        assert len(uploads) == 1 and len(sends) == 12
        assert {c.params["photo"] for c in sends if c not in uploads} == {
            uploads[0].result["photo"][-1]["file_id"]
        }


async def test_winner_notifications_carry_each_chats_own_text(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with FakeTelegram() as tg, running_bot(tg) as bot:
        ids = await seed_users(sessionmaker, tg, 4)
        texts = {chat: f"🎉 Tu ticket <b>T-{chat}</b> ganó" for chat in ids}
        async with sessionmaker() as s, s.begin():
            bid = await enqueue_personal(s, messages=texts, now=NOW)
        await BroadcastWorker(bot, sessionmaker, MemoryRateLimiter(FAST)).drain(bid)

        for chat in ids:
            assert [m.content for m in tg.messages(chat)] == [f"🎉 Tu ticket T-{chat} ganó"]


async def test_urgent_broadcasts_go_first(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with FakeTelegram() as tg, running_bot(tg) as bot:
        ids = await seed_users(sessionmaker, tg, 3)
        announcement = await queue(sessionmaker, "Anuncio", ids[1:])
        async with sessionmaker() as s, s.begin():
            winner = await enqueue_personal(s, messages={ids[0]: "Ganaste"}, now=NOW)
        worker = BroadcastWorker(bot, sessionmaker, MemoryRateLimiter(FAST))
        assert await worker.run_once() and await worker.run_once()
        assert not await worker.run_once()

        assert [c.params["text"] for c in tg.calls_to("sendMessage")] == [
            "Ganaste",
            *["Anuncio"] * 2,
        ]
        for bid in (announcement, winner):
            assert (await worker.progress(bid)).status is BroadcastStatus.DONE


async def test_text_telegram_would_refuse_is_refused_when_queued(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as s:
        with pytest.raises(BroadcastTextError) as too_long:
            await enqueue(
                s, kind=BroadcastKind.ANNOUNCEMENT, text="x" * 4097, chat_ids=[1], now=NOW
            )
        assert (too_long.value.length, too_long.value.limit) == (4097, 4096)
        # Markup does not count; the caption of a photo is limited to 1,024.
        await enqueue(
            s, kind=BroadcastKind.ANNOUNCEMENT, text=f"<b>{'x' * 4096}</b>", chat_ids=[1], now=NOW
        )
        with pytest.raises(BroadcastTextError):
            await enqueue(
                s, kind=BroadcastKind.RESULTS, text="x" * 1025, chat_ids=[1], image=png(), now=NOW
            )
        with pytest.raises(BroadcastTextError):
            await enqueue(s, kind=BroadcastKind.ANNOUNCEMENT, text="<b></b>", chat_ids=[1], now=NOW)


async def test_one_limiter_per_bot(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with FakeTelegram() as tg, running_bot(tg) as bot:
        limiter = MemoryRateLimiter(FAST)
        middleware = install_rate_limiter(bot, limiter)
        assert BroadcastWorker(bot, sessionmaker, limiter).middleware is middleware
        with pytest.raises(ValueError, match="another limiter"):
            BroadcastWorker(bot, sessionmaker, MemoryRateLimiter(FAST))
