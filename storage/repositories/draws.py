"""Draws (*sorteos*): created ahead of time by a job, idempotently, then closed and resulted.

Identity of a draw is (lottery_id, draw_at in UTC); the local date, time and zone are stored
too, because that is how people name a draw ("zulia 12:45 del lunes").
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime, time
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from speed.orm_sync import refresh_loaded
from storage.models import Draw, DrawStatus
from storage.repositories._dialect import upsert_insert
from storage.types import utcnow

_CHUNK = 500  # rows per INSERT, well under SQLite's bound-parameter limit


class DrawSpec(NamedTuple):
    """One draw to exist. A plain tuple in this order works too."""

    draw_at: datetime  # time-zone aware; stored in UTC
    local_date: date
    local_time: time
    tz: str  # IANA name, e.g. "America/Caracas"
    reventado: bool = False


async def ensure_draws(
    session: AsyncSession,
    lottery_id: str,
    draws: Iterable[DrawSpec | tuple[datetime, date, time, str, bool]],
    *,
    now: datetime | None = None,
) -> int:
    """Create the draws that do not exist yet; return how many were created.

    Idempotent and race-safe (``ON CONFLICT (lottery_id, draw_at) DO NOTHING``): the scheduler
    can run it as often as it likes, from several workers at once. Existing draws are left
    untouched (their status and reventado flag are not reset).
    """
    at = now or utcnow()
    rows = []
    for spec in draws:
        s = DrawSpec(*spec)
        if s.draw_at.tzinfo is None:
            raise ValueError(f"draw_at must be time-zone aware: {s.draw_at!r}")
        rows.append(
            {
                "lottery_id": lottery_id,
                "draw_at": s.draw_at,
                "local_date": s.local_date,
                "local_time": s.local_time,
                "tz": s.tz,
                "reventado": s.reventado,
                "status": DrawStatus.OPEN,
                "created_at": at,
                "updated_at": at,
            }
        )
    created = 0
    table = Draw.__table__
    for i in range(0, len(rows), _CHUNK):
        stmt = (
            upsert_insert(session, table)
            .values(rows[i : i + _CHUNK])
            .on_conflict_do_nothing(index_elements=[table.c.lottery_id, table.c.draw_at])
            .returning(table.c.id)
        )
        created += len((await session.execute(stmt)).all())
    return created


async def get_draw(session: AsyncSession, draw_id: int) -> Draw | None:
    return await session.get(Draw, draw_id)


async def find_draw(session: AsyncSession, lottery_id: str, draw_at: datetime) -> Draw | None:
    return await session.scalar(
        select(Draw).where(Draw.lottery_id == lottery_id, Draw.draw_at == draw_at)
    )


async def list_draws(
    session: AsyncSession,
    *,
    lottery_id: str | None = None,
    local_date: date | None = None,
    statuses: Collection[DrawStatus] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
) -> Sequence[Draw]:
    """Draws in time order; ``since``/``until`` bound ``draw_at`` (inclusive/exclusive)."""
    stmt = select(Draw).order_by(Draw.draw_at, Draw.lottery_id).limit(limit)
    if lottery_id is not None:
        stmt = stmt.where(Draw.lottery_id == lottery_id)
    if local_date is not None:
        stmt = stmt.where(Draw.local_date == local_date)
    if statuses is not None:
        stmt = stmt.where(Draw.status.in_(list(statuses)))
    if since is not None:
        stmt = stmt.where(Draw.draw_at >= since)
    if until is not None:
        stmt = stmt.where(Draw.draw_at < until)
    return (await session.scalars(stmt)).all()


async def set_draw_status(
    session: AsyncSession,
    draw_id: int,
    status: DrawStatus,
    *,
    only_from: Collection[DrawStatus] | None = None,
) -> bool:
    """Move a draw to ``status`` (if its current status is in ``only_from``, when given)."""
    stmt = update(Draw).where(Draw.id == draw_id).values(status=status)
    if only_from is not None:
        stmt = stmt.where(Draw.status.in_(list(only_from)))
    result = await session.execute(
        stmt.execution_options(synchronize_session=False).returning(Draw.id)
    )
    changed = result.scalar_one_or_none() is not None
    if changed:
        refresh_loaded(session, Draw, draw_id, status=status)
    return changed


async def close_draws_due(session: AsyncSession, *, draw_at_until: datetime) -> list[int]:
    """Close every open draw whose ``draw_at <= draw_at_until`` and return their ids.

    The caller passes ``now + close_minutes`` of the market, so sales stop on time.
    """
    result = await session.execute(
        update(Draw)
        .where(Draw.status == DrawStatus.OPEN, Draw.draw_at <= draw_at_until)
        .values(status=DrawStatus.CLOSED)
        .execution_options(synchronize_session=False)
        .returning(Draw.id)
    )
    return sorted(result.scalars().all())
