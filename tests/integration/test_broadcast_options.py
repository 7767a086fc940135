"""The broadcast queue's options, end to end on the fake Bot API: the admin's progress message,
paid delivery, an image uploaded once, each chat's own text, urgent broadcasts first, and the
texts Telegram would refuse, refused when queued.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.broadcast import (
    BroadcastKind,
    BroadcastTextError,
    BroadcastWorker,
    Limits,
    MemoryRateLimiter,
    enqueue,
    enqueue_personal,
)
from storage.models import BroadcastStatus
from tests.fakes.telegram import FakeTelegram, RateLimit
from tests.fakes.telegram.records import UploadedFile
from tests.integration.broadcast_helpers import (
    ADMIN,
    FAST,
    NOW,
    queue,
    running_bot,
    seed_users,
)


def png(color: str = "navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), color).save(out, "PNG")
    return out.getvalue()


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
