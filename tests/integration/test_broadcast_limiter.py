"""The send limiter: the same sliding windows in memory and in the real Redis, and the aiogram
session middleware that puts every outgoing message (replies too) behind it.

Time is virtual where it can be (the limiter's clock and sleep are injected), so the tests say
exactly *when* a message may leave without waiting for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from redis.asyncio import Redis

from services.broadcast import Limits, MemoryRateLimiter, RateLimiter, install_rate_limiter
from services.broadcast.limits import counts_as_message
from services.broadcast.redis_limiter import RedisRateLimiter
from tests.fakes.telegram import FakeTelegram, RateLimit
from tests.fakes.telegram.session import LoopbackSession

#: Windows exactly as Telegram states them, to make the arithmetic below readable.
EXACT = {"margin": 0.0, "smoothing": 0.0}


class VirtualTime:
    """A clock that moves only when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


@pytest.fixture(params=["memory", "redis"])
async def make_limiter(
    request: pytest.FixtureRequest,
) -> AsyncIterator[type]:
    """``make(limits, time) -> RateLimiter`` for each backend (Redis: the real server)."""
    clients: list[Redis] = []

    def make(limits: Limits, time: VirtualTime) -> RateLimiter:
        if request.param == "memory":
            return MemoryRateLimiter(limits, monotonic=time, sleep=time.sleep)
        url: str = request.getfixturevalue("redis_url")
        client = Redis.from_url(url)
        clients.append(client)
        return RedisRateLimiter(client, limits, clock=time, sleep=time.sleep)

    yield make  # type: ignore[misc]
    for client in clients:
        await client.aclose()


async def times_of(limiter: RateLimiter, time: VirtualTime, chats: list[int | None]) -> list[float]:
    """Acquire for each chat in turn; the (virtual) second each one was let through."""
    start, out = time.now, []
    for chat in chats:
        await limiter.acquire(chat)
        out.append(round(time.now - start, 6))
    return out


async def test_overall_limit_is_a_sliding_one_second_window(make_limiter: type) -> None:
    time = VirtualTime()
    limiter = make_limiter(Limits(global_per_second=30, **EXACT), time)
    got = await times_of(limiter, time, list(range(1, 32)))
    assert got == [0.0] * 30 + [1.0]


async def test_pace_spreads_the_budget_over_the_second(make_limiter: type) -> None:
    """20/s with 0.1 s of tolerance: three at once, then one every 0.05 s; the one-second
    window stays the ceiling (the 21st waits for it, not for the pace)."""
    time = VirtualTime()
    limiter = make_limiter(Limits(global_per_second=20, margin=0.0, smoothing=0.1), time)
    got = await times_of(limiter, time, list(range(1, 22)))
    expected = [0.0, 0.0, 0.0] + [round(0.05 * k, 6) for k in range(1, 18)] + [1.0]
    assert got == pytest.approx(expected)


async def test_margin_stretches_every_window(make_limiter: type) -> None:
    time = VirtualTime()
    limiter = make_limiter(Limits(global_per_second=10, margin=0.05, smoothing=0.0), time)
    got = await times_of(limiter, time, list(range(1, 12)))
    assert got[-1] == 1.05


async def test_one_message_per_second_per_chat_and_20_per_minute_per_group(
    make_limiter: type,
) -> None:
    time = VirtualTime()
    limiter = make_limiter(Limits(global_per_second=30, **EXACT), time)
    assert await times_of(limiter, time, [7, 7, 8]) == [0.0, 1.0, 1.0]

    group = -100123
    got = await times_of(limiter, time, [group] * 21)
    assert got[:20] == [float(i) for i in range(20)]
    assert got[20] == 60.0  # the first of the 20 leaves the minute window


async def test_paid_broadcast_has_its_own_budget(make_limiter: type) -> None:
    time = VirtualTime()
    limits = Limits(global_per_second=5, paid_per_second=200, **EXACT)
    limiter = make_limiter(limits, time)
    for chat in range(1, 201):
        await limiter.acquire(chat, paid=True)
    assert time.now == 1_000.0  # 200 paid messages at once
    assert await times_of(limiter, time, [501, 502, 503, 504, 505, 506]) == [0.0] * 5 + [1.0]


async def test_backoff_stops_everyone_for_the_time_asked(make_limiter: type) -> None:
    time = VirtualTime()
    limiter = make_limiter(Limits(**EXACT), time)
    await limiter.backoff(3.0)
    await limiter.backoff(1.0)  # a shorter pause never shortens a longer one
    assert await times_of(limiter, time, [1]) == [3.0]
    assert (limiter.stats.backoffs, limiter.stats.backoff_seconds) == (2, 4.0)


async def test_ready_tells_how_many_may_go_now(make_limiter: type) -> None:
    time = VirtualTime()
    limiter = make_limiter(Limits(global_per_second=20, margin=0.0, smoothing=0.1), time)
    assert await limiter.ready() == 3  # the pace's burst
    await times_of(limiter, time, [1, 2])
    assert await limiter.ready() == 1
    await times_of(limiter, time, [3])
    assert await limiter.ready() == 1  # after waiting for the schedule
    assert time.now == pytest.approx(1_000.05)


# -- Redis: one budget for several worker processes -------------------------------------------


async def test_two_workers_share_one_redis_budget(redis_url: str) -> None:
    time = VirtualTime()
    limits = Limits(global_per_second=30, **EXACT)
    async with Redis.from_url(redis_url) as first, Redis.from_url(redis_url) as second:
        a = RedisRateLimiter(first, limits, clock=time, sleep=time.sleep)
        b = RedisRateLimiter(second, limits, clock=time, sleep=time.sleep)
        await asyncio.gather(
            *(a.acquire(c) for c in range(15)), *(b.acquire(-c) for c in range(1, 16))
        )
        assert time.now == 1_000.0
        assert await times_of(b, time, [99]) == [1.0]  # the 31st, whoever asks
        await a.backoff(2.0)
        assert await times_of(b, time, [100]) == [2.0]  # a's 429 pauses b too


async def test_a_redis_permit_that_comes_back_late_is_not_trusted(redis_url: str) -> None:
    """The event loop stalls right after Redis granted a permit: by the time the message could
    leave, the stamp no longer says when it left. The permit is given up (its slot stays used)
    and a fresh one taken, here after the chat's one-second window."""
    time = VirtualTime()
    async with Redis.from_url(redis_url) as client:
        limiter = RedisRateLimiter(client, Limits(), clock=time, sleep=time.sleep)
        script = limiter._acquire
        stalls = [0.5]

        async def stalling(**kwargs: object) -> object:
            answer = await script(**kwargs)
            if stalls:
                time.now += stalls.pop()
            return answer

        limiter._acquire = stalling  # type: ignore[assignment]
        assert await times_of(limiter, time, [5]) == [pytest.approx(1.05)]
        assert (limiter.stats.late, limiter.stats.acquired) == (1, 1)


async def test_redis_clock_mode_and_keys_that_expire(redis_url: str) -> None:
    """Without an injected clock the limiter uses Redis's TIME (real seconds)."""
    async with Redis.from_url(redis_url) as client:
        limiter = RedisRateLimiter(client, Limits(global_per_second=4, **EXACT))
        for chat in range(5):
            await limiter.acquire(chat)
        assert limiter.stats.waits >= 1  # the fifth had to wait for the window
        ttl = await client.pttl("{taquilla:rl}:chat:4")
        assert 0 < ttl <= 1000
        assert await limiter.ready() >= 1


# -- the session middleware ---------------------------------------------------------------


@asynccontextmanager
async def limited_bot(tg: FakeTelegram, limiter: RateLimiter) -> AsyncIterator[Bot]:
    bot = Bot(tg.token, session=LoopbackSession(api=TelegramAPIServer.from_base(tg.base_url)))
    install_rate_limiter(bot, limiter)
    try:
        yield bot
    finally:
        await bot.session.close()


async def test_ordinary_replies_wait_their_turn_in_a_chat() -> None:
    """Two quick replies to one user: Telegram's 1/s per chat would refuse the second; the
    middleware holds it back instead."""
    async with FakeTelegram(rate_limit=RateLimit(per_chat_per_second=1)) as tg:
        tg.add_user(5)
        limiter = MemoryRateLimiter(Limits())
        async with limited_bot(tg, limiter) as bot:
            await bot.send_message(5, "uno")
            await bot.send_message(5, "dos")
        assert [m.content for m in tg.messages(5)] == ["uno", "dos"]
        assert tg.counters.rate_limited == 0 and limiter.stats.waits >= 1


async def test_a_429_on_a_reply_pauses_everyone_then_the_reply_goes_once() -> None:
    time = VirtualTime()
    async with FakeTelegram() as tg:
        tg.add_user(5)
        tg.fail_next("sendMessage", 429, retry_after=7)
        limiter = MemoryRateLimiter(Limits(), monotonic=time, sleep=time.sleep)
        async with limited_bot(tg, limiter) as bot:
            await bot.send_message(5, "hola")
        assert [m.content for m in tg.messages(5)] == ["hola"]
        assert len(tg.calls_to("sendMessage")) == 2
        assert limiter.stats.backoff_seconds == 7 and time.now >= 1_007.0


async def test_only_messages_count_against_the_budget() -> None:
    async with FakeTelegram() as tg:
        tg.add_user(5)
        time = VirtualTime()
        limiter = MemoryRateLimiter(Limits(), monotonic=time, sleep=time.sleep)
        async with limited_bot(tg, limiter) as bot:
            await bot.get_me()
            await bot.send_chat_action(5, "typing")
            sent = await bot.send_message(5, "hola")
            await bot.edit_message_text("chau", chat_id=5, message_id=sent.message_id)
        assert limiter.stats.acquired == 2  # the message and its edit
    assert counts_as_message("copyMessage") and not counts_as_message("answerCallbackQuery")
