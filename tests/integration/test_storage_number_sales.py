"""Per-number caps (*tope*): concurrent sales never sell a number past its cap."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import draws
from storage.repositories.draws import DrawSpec
from storage.repositories.number_sales import (
    NumberReservation,
    number_sales_total,
    release_many,
    release_number_sales,
    reserve_many,
    reserve_number_sales,
    sales_for_draw,
)


async def make_draw(session: AsyncSession) -> int:
    at = datetime(2026, 11, 23, 16, 45, tzinfo=UTC)
    await draws.ensure_draws(
        session, "zulia", [DrawSpec(at, date(2026, 11, 23), time(12, 45), "UTC")]
    )
    draw = await draws.find_draw(session, "zulia", at)
    assert draw is not None
    return draw.id


async def test_reserve_up_to_the_cap_then_release(session: AsyncSession) -> None:
    d = await make_draw(session)
    assert await reserve_number_sales(session, d, "triple", "123", None, 6_000, 10_000)
    assert await reserve_number_sales(session, d, "triple", "123", None, 4_000, 10_000)
    assert not await reserve_number_sales(session, d, "triple", "123", None, 1, 10_000)
    assert not await reserve_number_sales(session, d, "triple", "124", None, 10_001, 10_000)
    # the sign is part of the key
    assert await reserve_number_sales(session, d, "triple_sign", "123", "ARI", 2_000, 2_000)
    assert not await reserve_number_sales(session, d, "triple_sign", "123", "ARI", 1, 2_000)
    assert await reserve_number_sales(session, d, "triple_sign", "123", "TAU", 2_000, 2_000)

    assert await number_sales_total(session, d, "triple", "123", None) == 10_000
    assert await release_number_sales(session, d, "triple", "123", None, 4_000)
    assert not await release_number_sales(session, d, "triple", "123", None, 6_001)
    assert not await release_number_sales(session, d, "triple", "999", None, 1)
    assert await number_sales_total(session, d, "triple", "123", None) == 6_000
    assert await reserve_number_sales(session, d, "triple", "123", None, 4_000, 10_000)
    await session.commit()

    exposure = [(s.game, s.number, s.sign, s.total) for s in await sales_for_draw(session, d)]
    assert exposure == [
        ("triple", "123", "", 10_000),
        ("triple_sign", "123", "ARI", 2_000),
        ("triple_sign", "123", "TAU", 2_000),
    ]


async def test_reserve_many_is_all_or_nothing(session: AsyncSession) -> None:
    d = await make_draw(session)
    await reserve_number_sales(session, d, "terminal", "23", None, 35_000, 40_000)
    ticket = [
        NumberReservation(d, "triple", "123", None, 5_000, 10_000),
        NumberReservation(d, "triple", "123", None, 3_000, 10_000),  # same key: summed
        NumberReservation(d, "terminal", "23", None, 6_000, 40_000),  # over the cap
    ]
    refused = await reserve_many(session, ticket)
    assert refused is not None and (refused.game, refused.number) == ("terminal", "23")
    assert await number_sales_total(session, d, "triple", "123", None) == 0
    assert await number_sales_total(session, d, "terminal", "23", None) == 35_000

    assert await reserve_many(session, ticket[:2]) is None
    assert await number_sales_total(session, d, "triple", "123", None) == 8_000
    assert await release_many(session, ticket[:2])
    assert await number_sales_total(session, d, "triple", "123", None) == 0


async def _reserve(
    sm: async_sessionmaker[AsyncSession], draw_id: int, amount: int, cap: int
) -> bool:
    async with sm() as s:
        ok = await reserve_number_sales(s, draw_id, "triple", "777", None, amount, cap)
        await s.commit()
        return ok


async def test_fifty_concurrent_reservations_never_exceed_the_cap(
    concurrent_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # Separate sessions on separate connections: real concurrency on PostgreSQL, and
    # concurrent writers queueing on SQLite's lock.
    sm = concurrent_sessionmaker
    async with sm() as s:
        d = await make_draw(s)
        await s.commit()

    equal = await asyncio.gather(*(_reserve(sm, d, 700, 10_000) for _ in range(50)))
    async with sm() as s:
        total = await number_sales_total(s, d, "triple", "777", None)
    assert sum(equal) == 14  # 14 * 700 = 9800 <= 10000 < 15 * 700
    assert total == 9_800

    # Mixed amounts: whatever was accepted fits under the cap, and all of it is counted.
    await _release_all(sm, d, total)
    rng = random.Random(7)
    amounts = [rng.randint(1, 9) * 100 for _ in range(50)]
    mixed = await asyncio.gather(*(_reserve(sm, d, a, 10_000) for a in amounts))
    async with sm() as s:
        total = await number_sales_total(s, d, "triple", "777", None)
    accepted = sum(a for a, ok in zip(amounts, mixed, strict=True) if ok)
    assert sum(amounts) > 10_000  # the cap really was contended
    assert total == accepted <= 10_000
    assert total > 10_000 - min(a for a, ok in zip(amounts, mixed, strict=True) if not ok)


async def _release_all(sm: async_sessionmaker[AsyncSession], draw_id: int, total: int) -> None:
    async with sm() as s:
        assert await release_number_sales(s, draw_id, "triple", "777", None, total)
        await s.commit()
