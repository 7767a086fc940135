"""The house banca's draw jobs: create sorteos ahead (the banca model: ``autoCreateSorteos``) and
close them when sales stop.

Both are safe to run as often as wanted and from several workers at once: creation is
``INSERT … ON CONFLICT DO NOTHING`` on (lottery, instant), closing a conditional UPDATE that
returns each draw to exactly one run (so each close is logged once). What to create is computed
by pure functions, testable without a database.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import Catalog
from lottery.schedule import draws_between, is_open, local_date
from storage.models import Draw, DrawStatus
from storage.repositories.activity import log_activity
from storage.repositories.draw_rows import draw_spec
from storage.repositories.draws import DrawSpec, ensure_draws


class ClosedDraw(NamedTuple):
    draw_id: int
    lottery_id: str
    draw_at: datetime  # aware, in the lottery's time zone


def planned_draws(catalog: Catalog, now: datetime, days: int = 3) -> dict[str, list[DrawSpec]]:
    """Per lottery, the draws of ``days`` local dates starting with the lottery's today (its
    own zone: Costa Rica and Venezuela disagree on the hour), on its days of the week, that are
    still open at ``now`` (a draw already closed would be created only to be closed)."""
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    return {
        lottery.id: [
            draw_spec(lottery, draw.at)
            for draw in draws_between(lottery, local_date(lottery, now), days)
            if is_open(draw, now)
        ]
        for lottery in catalog.lotteries
    }


def close_groups(catalog: Catalog) -> dict[int, list[str]]:
    """Lottery ids by their ``close_minutes`` (one UPDATE per distinct value)."""
    groups: dict[int, list[str]] = {}
    for lottery in catalog.lotteries:
        groups.setdefault(lottery.close_minutes, []).append(lottery.id)
    return groups


async def ensure_upcoming_draws(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog, now: datetime,
    days: int = 3,
) -> int:
    """Create the planned draws that do not exist yet; return how many were created."""
    plan = planned_draws(catalog, now, days)
    created = 0
    async with sessionmaker() as session, session.begin():
        for lottery_id in sorted(plan):  # one order for every worker: no lock cycles
            created += await ensure_draws(session, lottery_id, plan[lottery_id], now=now)
    return created


async def close_due_draws(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog, now: datetime
) -> list[ClosedDraw]:
    """Close every open draw of the catalog's lotteries once ``now >= draw − close_minutes``,
    logging ``DRAW_CLOSE`` (no actor: the job did it) for each; return them in time order."""
    closed: list[ClosedDraw] = []
    async with sessionmaker() as session, session.begin():
        for minutes, lottery_ids in sorted(close_groups(catalog).items()):
            rows = await session.execute(
                update(Draw)
                .where(
                    Draw.status == DrawStatus.OPEN,
                    Draw.lottery_id.in_(sorted(lottery_ids)),
                    Draw.draw_at <= now + timedelta(minutes=minutes),
                )
                .values(status=DrawStatus.CLOSED)
                .execution_options(synchronize_session=False)
                .returning(Draw.id, Draw.lottery_id, Draw.draw_at, Draw.tz)
            )
            closed.extend(
                ClosedDraw(draw_id, lottery_id, at.astimezone(ZoneInfo(tz)))
                for draw_id, lottery_id, at, tz in rows
            )
        closed.sort(key=lambda c: (c.draw_at, c.lottery_id))
        for c in closed:
            await log_activity(
                session, "DRAW_CLOSE", actor_id=None, target_type="DRAW", target_id=c.draw_id,
                at=now, details={"lottery": c.lottery_id, "draw_at": c.draw_at.isoformat()})
    return closed
