"""Draw results. Append-only: entering a result again adds a higher revision (a correction);
nothing is overwritten, so who said what, and when, is always on record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from speed.orm_sync import refresh_loaded
from storage.models import Draw, DrawResult, DrawStatus


async def add_result(
    session: AsyncSession,
    draw_id: int,
    values: Mapping[str, Any],
    *,
    source: str,
    at: datetime,
    entered_by: int | None = None,
    note: str | None = None,
) -> DrawResult:
    """Record (or correct) a draw's result and mark the draw ``resulted``.

    ``values`` is the JSON result, e.g. ``{"number": "123", "sign": "ARI"}``; ``source`` says
    where it came from (``"manual"``, ``"provider:soportex"``…); ``entered_by`` is the admin,
    None for a provider fetch. Two simultaneous entries for the same draw collide on the
    (draw_id, revision) unique key: one of them fails with ``IntegrityError``.
    """
    next_revision = (
        select(func.coalesce(func.max(DrawResult.revision), 0) + 1)
        .where(DrawResult.draw_id == draw_id)
        .scalar_subquery()
    )
    new_id = (
        await session.execute(
            insert(DrawResult.__table__)
            .values(
                draw_id=draw_id,
                revision=next_revision,
                values=dict(values),
                entered_by=entered_by,
                source=source,
                note=note,
                entered_at=at,
            )
            .returning(DrawResult.__table__.c.id)
        )
    ).scalar_one()
    await session.execute(
        update(Draw)
        .where(Draw.id == draw_id)
        .values(status=DrawStatus.RESULTED)
        .execution_options(synchronize_session=False)
    )
    refresh_loaded(session, Draw, draw_id, status=DrawStatus.RESULTED)
    result = await session.get(DrawResult, new_id)
    assert result is not None
    return result


async def current_result(session: AsyncSession, draw_id: int) -> DrawResult | None:
    """The latest revision of the draw's result (None when not resulted yet)."""
    return await session.scalar(
        select(DrawResult)
        .where(DrawResult.draw_id == draw_id)
        .order_by(DrawResult.revision.desc())
        .limit(1)
    )


async def result_history(session: AsyncSession, draw_id: int) -> Sequence[DrawResult]:
    """Every revision, oldest first."""
    stmt = select(DrawResult).where(DrawResult.draw_id == draw_id).order_by(DrawResult.revision)
    return (await session.scalars(stmt)).all()
