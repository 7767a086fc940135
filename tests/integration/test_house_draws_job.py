"""House draw jobs: sorteos created ahead idempotently, in each lottery's zone; closed on time."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import bundled_catalog_path, load_catalog
from providers.house import close_due_draws, ensure_upcoming_draws
from providers.house.draws_job import planned_draws
from storage.models import Draw, DrawStatus
from storage.repositories.activity import list_activity

CARACAS = ZoneInfo("America/Caracas")
COSTA_RICA = ZoneInfo("America/Costa_Rica")
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=CARACAS)  # a Monday
VE = load_catalog(bundled_catalog_path("ve"))
CR = load_catalog(bundled_catalog_path("cr"))


def per_lottery_and_day(plan: dict[str, list]) -> Counter[tuple[str, date]]:
    return Counter((lid, spec.local_date) for lid, specs in plan.items() for spec in specs)


# --- what to create: pure ---------------------------------------------------------------------

def test_plan_covers_days_from_today_on_each_lotterys_days() -> None:
    counts = per_lottery_and_day(planned_draws(VE, NOW, days=7))
    monday, sunday = NOW.date(), date(2026, 11, 29)
    assert counts[("zulia", sunday)] == 3
    assert counts[("tachira", sunday)] == 0  # Táchira has no Sunday draws
    assert sum(n for (lid, _), n in counts.items() if lid == "tachira") == 6 * 3
    # Today only the draws still open at 9:30: Lotto Activo's 8:00 and 9:00 are gone.
    assert counts[("activo", monday)] == 10
    assert counts[("activo", monday + timedelta(days=1))] == 12
    assert max(day for _, day in counts) == monday + timedelta(days=6)

    three = per_lottery_and_day(planned_draws(VE, NOW, days=3))
    assert max(day for _, day in three) == monday + timedelta(days=2)


def test_plan_times_are_local_to_each_lottery() -> None:
    [tica_noon, *_] = planned_draws(CR, NOW, days=1)["tica"]
    assert tica_noon.local_time == time(12, 55) and tica_noon.tz == "America/Costa_Rica"
    assert tica_noon.draw_at.astimezone(UTC) == datetime(2026, 11, 23, 18, 55, tzinfo=UTC)
    assert tica_noon.reventado  # Tica sells reventado
    assert not any(s.reventado for s in planned_draws(CR, NOW, days=1)["monazo"])
    [zulia_first, *_] = planned_draws(VE, NOW, days=1)["zulia"]
    assert zulia_first.draw_at.astimezone(UTC) == datetime(2026, 11, 23, 16, 45, tzinfo=UTC)


def test_today_is_the_lotterys_today() -> None:
    # 00:30 Tuesday in Caracas is still 22:30 Monday in Costa Rica, after its last draw.
    late = datetime(2026, 11, 24, 0, 30, tzinfo=CARACAS)
    assert all(not specs for specs in planned_draws(CR, late, days=1).values())
    assert {s.local_date for s in planned_draws(CR, late, days=2)["tica"]} == {date(2026, 11, 24)}
    assert {s.local_date for s in planned_draws(VE, late, days=1)["zulia"]} == {date(2026, 11, 24)}


# --- against the database ---------------------------------------------------------------------

async def all_draws(sm: async_sessionmaker[AsyncSession]) -> list[Draw]:
    async with sm() as s:
        return list((await s.scalars(select(Draw).order_by(Draw.draw_at, Draw.lottery_id))).all())


async def test_creating_ahead_is_idempotent(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    expected = sum(len(specs) for specs in planned_draws(VE, NOW, days=3).values())
    assert await ensure_upcoming_draws(sessionmaker, VE, NOW, days=3) == expected
    assert await ensure_upcoming_draws(sessionmaker, VE, NOW, days=3) == 0
    rows = await all_draws(sessionmaker)
    assert len(rows) == expected
    # A day later, only the new third day is created.
    tomorrow = NOW + timedelta(days=1)
    new_day = per_lottery_and_day(planned_draws(VE, tomorrow, days=3))
    created = await ensure_upcoming_draws(sessionmaker, VE, tomorrow, days=3)
    assert created == sum(n for (_, day), n in new_day.items() if day == date(2026, 11, 26))


async def test_created_rows_carry_local_time_zone_and_reventado(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await ensure_upcoming_draws(sessionmaker, CR, NOW, days=1)
    rows = {(r.lottery_id, r.local_time): r for r in await all_draws(sessionmaker)}
    tica = rows[("tica", time(12, 55))]
    assert tica.draw_at == datetime(2026, 11, 23, 12, 55, tzinfo=COSTA_RICA)
    assert tica.tz == "America/Costa_Rica" and tica.local_date == NOW.date()
    assert tica.reventado and not rows[("monazo", time(13, 0))].reventado
    assert {r.status for r in rows.values()} == {DrawStatus.OPEN}


async def test_concurrent_runs_create_each_draw_once(
    concurrent_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    expected = sum(len(specs) for specs in planned_draws(VE, NOW, days=2).values())
    created = await asyncio.gather(
        *(ensure_upcoming_draws(concurrent_sessionmaker, VE, NOW, days=2) for _ in range(5)))
    assert sum(created) == expected
    assert len(await all_draws(concurrent_sessionmaker)) == expected


async def test_draws_close_when_sales_stop_and_the_close_is_logged(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await ensure_upcoming_draws(sessionmaker, VE, NOW, days=1)
    just_before = NOW.replace(hour=12, minute=39, second=59)
    closed = await close_due_draws(sessionmaker, VE, just_before)
    assert {(c.lottery_id, c.draw_at.time()) for c in closed} == {
        ("zamorano", time(10)), ("zamorano", time(12)),
        *{(lid, time(h)) for lid in ("activo", "granjita") for h in (10, 11, 12)}}

    at_close = NOW.replace(hour=12, minute=40)  # Zulia 12:45 closes 5 minutes before
    closed_now = await close_due_draws(sessionmaker, VE, at_close)
    assert [(c.lottery_id, c.draw_at) for c in closed_now] == [
        ("zulia", datetime(2026, 11, 23, 12, 45, tzinfo=CARACAS))]
    assert closed_now[0].draw_at.tzinfo == CARACAS
    assert await close_due_draws(sessionmaker, VE, at_close) == []  # nothing twice

    async with sessionmaker() as s:
        entries = await list_activity(s, action="DRAW_CLOSE")
    assert len(entries) == len(closed) + 1
    assert {e.actor_id for e in entries} == {None}
    zulia = next(e for e in entries if e.details["lottery"] == "zulia")
    assert zulia.at == at_close and zulia.at.tzinfo is UTC
    assert zulia.target_id == str(closed_now[0].draw_id)
    statuses = Counter(r.status for r in await all_draws(sessionmaker))
    assert statuses[DrawStatus.CLOSED] == len(closed) + 1
