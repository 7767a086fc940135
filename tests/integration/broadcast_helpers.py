"""Shared by the broadcast queue's tests: a real aiogram ``Bot`` on the fake Bot API, subscribed
players the fake knows, and a broadcast queued for them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.broadcast import BroadcastKind, Limits, enqueue
from storage.models import Subscription, User
from tests.fakes.telegram import FakeTelegram
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
