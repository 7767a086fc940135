"""Database rows for the draws a ticket's wagers name (created on demand, idempotently)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.plays import Wager
from storage.repositories.draws import DrawSpec, ensure_draws, find_draw


async def draw_ids_for(
    session: AsyncSession, catalog: Catalog, wagers: Iterable[Wager], now: datetime
) -> dict[tuple[str, datetime], int]:
    wanted = {(w.lottery, w.draw) for w in wagers}
    ids: dict[tuple[str, datetime], int] = {}
    for lottery_id, draw_at in sorted(wanted):
        lottery = catalog.lottery(lottery_id)
        local = draw_at.astimezone(lottery.timezone)
        spec = DrawSpec(
            local,
            local.date(),
            local.time().replace(tzinfo=None),
            lottery.timezone.key,
            lottery.has_game("reventado"),
        )
        await ensure_draws(session, lottery_id, [spec], now=now)
        row = await find_draw(session, lottery_id, draw_at)
        assert row is not None
        ids[(lottery_id, draw_at)] = row.id
    return ids
