"""Draws created idempotently, closed on time, and results kept with every correction."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import bundled_catalog_path, load_catalog
from storage.models import DrawResult, DrawStatus, UserRole
from storage.repositories import draw_rows, draws, results, users
from storage.repositories.draws import DrawSpec

CARACAS = ZoneInfo("America/Caracas")


def day_specs(day: date, times: list[str], *, reventado: bool = False) -> list[DrawSpec]:
    specs = []
    for hhmm in times:
        local = datetime.combine(day, time.fromisoformat(hhmm), CARACAS)
        specs.append(DrawSpec(local, day, local.time(), "America/Caracas", reventado))
    return specs


async def test_ensure_draws_is_idempotent(session: AsyncSession) -> None:
    specs = day_specs(date(2026, 11, 23), ["12:45", "16:45", "19:00"])
    assert await draws.ensure_draws(session, "zulia", specs) == 3
    assert await draws.ensure_draws(session, "zulia", specs) == 0
    # the next day adds only what is new; a plain tuple is accepted too
    more = [*specs, tuple(day_specs(date(2026, 11, 24), ["12:45"])[0])]
    assert await draws.ensure_draws(session, "zulia", more) == 1
    assert await draws.ensure_draws(session, "caracas", specs) == 3
    await session.commit()

    listed = await draws.list_draws(session, lottery_id="zulia")
    assert [(d.local_date, d.local_time) for d in listed] == [
        (date(2026, 11, 23), time(12, 45)),
        (date(2026, 11, 23), time(16, 45)),
        (date(2026, 11, 23), time(19, 0)),
        (date(2026, 11, 24), time(12, 45)),
    ]
    first = listed[0]
    assert first.draw_at == datetime(2026, 11, 23, 16, 45, tzinfo=UTC)  # 12:45 in Caracas
    assert first.draw_at.tzinfo is not None and first.draw_at.utcoffset() == timedelta(0)
    assert first.status is DrawStatus.OPEN and first.tz == "America/Caracas"
    found = await draws.find_draw(session, "zulia", datetime(2026, 11, 23, 12, 45, tzinfo=CARACAS))
    assert found is not None and found.id == first.id


async def test_ensure_draws_keeps_existing_rows(session: AsyncSession) -> None:
    spec = day_specs(date(2026, 11, 23), ["12:55"])
    await draws.ensure_draws(session, "tica", spec)
    draw = (await draws.list_draws(session, lottery_id="tica"))[0]
    await draws.set_draw_status(session, draw.id, DrawStatus.CLOSED)
    reventado_spec = day_specs(date(2026, 11, 23), ["12:55"], reventado=True)
    assert await draws.ensure_draws(session, "tica", reventado_spec) == 0
    session.expunge_all()
    again = await draws.get_draw(session, draw.id)
    assert again is not None and again.status is DrawStatus.CLOSED and not again.reventado


async def _ensure(sm: async_sessionmaker[AsyncSession], specs: list[DrawSpec]) -> int:
    async with sm() as s:
        created = await draws.ensure_draws(s, "zulia", specs)
        await s.commit()
        return created


async def test_concurrent_schedulers_create_each_draw_once(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    specs = [s for d in range(7) for s in day_specs(date(2026, 11, 23) + timedelta(d), ["12:45"])]
    created = await asyncio.gather(*(_ensure(sessionmaker, specs) for _ in range(5)))
    assert sum(created) == 7
    async with sessionmaker() as s:
        assert len(await draws.list_draws(s, lottery_id="zulia")) == 7


async def test_naive_draw_time_is_refused(session: AsyncSession) -> None:
    naive = DrawSpec(datetime(2026, 11, 23, 12, 45), date(2026, 11, 23), time(12, 45), "UTC")
    with pytest.raises(ValueError, match="aware"):
        await draws.ensure_draws(session, "zulia", [naive])


async def test_close_draws_due(session: AsyncSession) -> None:
    await draws.ensure_draws(session, "zulia", day_specs(date(2026, 11, 23), ["12:45", "16:45"]))
    now = datetime(2026, 11, 23, 12, 40, tzinfo=CARACAS)
    closed = await draws.close_draws_due(session, draw_at_until=now + timedelta(minutes=5))
    listed = await draws.list_draws(session, lottery_id="zulia")
    assert closed == [listed[0].id]
    assert [d.status for d in listed] == [DrawStatus.CLOSED, DrawStatus.OPEN]
    assert await draws.close_draws_due(session, draw_at_until=now) == []
    still_open = await draws.list_draws(session, statuses=[DrawStatus.OPEN])
    assert [d.id for d in still_open] == [listed[1].id]


async def test_results_are_revised_not_overwritten(session: AsyncSession) -> None:
    await users.ensure_user(session, 1, currency="VES", role=UserRole.ADMIN)
    await draws.ensure_draws(session, "zulia", day_specs(date(2026, 11, 23), ["12:45"]))
    draw = (await draws.list_draws(session))[0]
    at = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)

    assert await results.current_result(session, draw.id) is None
    first = await results.add_result(
        session, draw.id, {"number": "123", "sign": "ARI"}, source="manual", at=at, entered_by=1
    )
    fixed = await results.add_result(
        session,
        draw.id,
        {"number": "132", "sign": "ARI"},
        source="manual",
        at=at + timedelta(minutes=3),
        entered_by=1,
        note="typo",
    )
    await session.commit()

    assert (first.revision, fixed.revision) == (1, 2)
    current = await results.current_result(session, draw.id)
    assert current is not None and current.values == {"number": "132", "sign": "ARI"}
    history = await results.result_history(session, draw.id)
    assert [(r.values["number"], r.entered_by, r.entered_at) for r in history] == [
        ("123", 1, at),
        ("132", 1, at + timedelta(minutes=3)),
    ]
    assert draw.status is DrawStatus.RESULTED

    with pytest.raises(DBAPIError, match="append-only"):
        await session.execute(
            update(DrawResult)
            .values(note="silently changed")
            .execution_options(synchronize_session=False)
        )


async def test_draw_ids_finds_a_draw_again_and_recreates_one_a_rollback_undid(
    session: AsyncSession,
) -> None:
    catalog = load_catalog(bundled_catalog_path("ve"))
    key = ("zulia", datetime(2026, 11, 23, 12, 45, tzinfo=CARACAS))
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    first = await draw_rows.draw_ids(session, catalog, [key], now)  # created: not in the table
    assert await draw_rows.draw_ids(session, catalog, [key], now) == first
    await session.rollback()  # the draw's creation is undone
    again = await draw_rows.draw_ids(session, catalog, [key], now)
    found = await draws.find_draw(session, *key)
    assert found is not None and found.id == again[key]
