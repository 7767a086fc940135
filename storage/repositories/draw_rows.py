"""Draw rows for the draws a sale or a result names: created on demand (idempotently), looked up.

Shared by the booth's tickets, the house provider's bookings and settlement."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog, Lottery
from speed.prepared import Prepared, run_core
from storage.models import Draw, DrawStatus, NumberSales
from storage.repositories.draws import DrawSpec, ensure_draws

DrawKey = tuple[str, datetime]  # (lottery id, aware draw instant)

# Built once: every sale runs them (preview and confirm).
_FIND = Prepared(select(Draw.id, Draw.draw_at, Draw.status).where(
    Draw.lottery_id == bindparam("lottery_id"),
    Draw.draw_at.in_(bindparam("instants", expanding=True)),
))
_SOLD = Prepared(select(
    NumberSales.draw_id, NumberSales.game, NumberSales.number, NumberSales.sign, NumberSales.total
).where(
    NumberSales.draw_id.in_(bindparam("draw_ids", expanding=True)),
    NumberSales.number.in_(bindparam("numbers", expanding=True)),
))


def draw_spec(lottery: Lottery, at: datetime) -> DrawSpec:
    """The row for the lottery's draw at ``at``: local date and time in the lottery's zone, and
    the reventado flag when the lottery sells reventado (the banca model: ``reventadoConfig``)."""
    local = at.astimezone(lottery.timezone)
    return DrawSpec(local, local.date(), local.time().replace(tzinfo=None),
                    lottery.timezone.key, lottery.has_game("reventado"))


async def ensure_draw_rows(
    session: AsyncSession, catalog: Catalog, keys: Iterable[DrawKey], now: datetime
) -> dict[DrawKey, tuple[int, DrawStatus]]:
    """Create the missing draws (lotteries and instants in sorted order, so concurrent sales
    take row locks in the same order) and return ``{key: (draw id, status)}``.

    The draws job creates them days ahead, so a sale usually finds them all: look first and
    write only when something is missing."""
    keys = set(keys)
    found = await find_draw_rows(session, keys)
    missing = keys - found.keys()
    if not missing:
        return found
    by_lottery = _group(missing)
    for lottery_id in sorted(by_lottery):
        lottery = catalog.lottery(lottery_id)
        specs = [draw_spec(lottery, at) for at in sorted(by_lottery[lottery_id])]
        await ensure_draws(session, lottery_id, specs, now=now)
    return found | await find_draw_rows(session, missing)


async def find_draw_rows(
    session: AsyncSession, keys: Iterable[DrawKey]
) -> dict[DrawKey, tuple[int, DrawStatus]]:
    """``{key: (draw id, status)}`` for the draws that exist (read only)."""
    found: dict[DrawKey, tuple[int, DrawStatus]] = {}
    for lottery_id, instants in sorted(_group(keys).items()):
        rows = await run_core(
            session, _FIND, {"lottery_id": lottery_id, "instants": sorted(instants)}
        )
        for draw_id, draw_at, status in rows:
            found[(lottery_id, draw_at)] = (draw_id, DrawStatus(status))
    return found


async def draw_ids(
    session: AsyncSession, catalog: Catalog, keys: Iterable[DrawKey], now: datetime
) -> dict[DrawKey, int]:
    """``{key: draw id}``, the draws created when missing."""
    rows = await ensure_draw_rows(session, catalog, keys, now)
    return {key: row[0] for key, row in rows.items()}


async def sold_totals(
    session: AsyncSession, draw_ids: dict[DrawKey, int], numbers: Iterable[str]
) -> dict[tuple[str, datetime, str, str, str], int]:
    """What is already sold, keyed like ``rules.TopeKey``, on those draws and numbers."""
    if not draw_ids:
        return {}
    by_id = {draw_id: key for key, draw_id in draw_ids.items()}
    rows = await run_core(
        session, _SOLD, {"draw_ids": sorted(by_id), "numbers": sorted(set(numbers))}
    )
    totals = {}
    for draw_id, game, number, sign, total in rows:
        lottery_id, at = by_id[draw_id]
        totals[(lottery_id, at, game, number, sign)] = int(total)
    return totals


def _group(keys: Iterable[DrawKey]) -> dict[str, set[datetime]]:
    grouped: dict[str, set[datetime]] = {}
    for lottery_id, at in keys:
        grouped.setdefault(lottery_id, set()).add(at)
    return grouped
