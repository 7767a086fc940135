"""Results of house draws: typed in by an admin, read back per day.

A result is append-only (``draw_results``): a correction is a new revision, logged as
``RESULT_CORRECT``, and the old one stays on record. Entering the very same values again is a
no-op, so a double-tapped confirmation does not produce a bogus "correction". Settling tickets
against a result is ``services.settlement`` (whose ``enter_and_settle`` stores a result and
settles in one unit of work, refusing a correction once a prize was paid).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery import settlement as settlement_rules
from lottery.catalog import Catalog, Lottery
from lottery.plays import messages as M
from lottery.schedule import Draw as ScheduledDraw
from lottery.schedule import local_date
from providers.base import DrawResult
from providers.house import messages as HM
from providers.house.rules import scheduled_draw
from storage.models import Draw
from storage.models import DrawResult as ResultRow
from storage.repositories.activity import log_activity
from storage.repositories.draw_rows import ensure_draw_rows
from storage.repositories.results import add_result, current_result

SOURCE_MANUAL = "manual"


class InvalidResult(ValueError):
    """The admin's input is not a result that can be stored; ``str()`` says why (localized)."""


@dataclass(frozen=True)
class EnteredResult:
    result: DrawResult
    draw_id: int
    revision: int
    #: False when the same values were already the current revision (nothing was written).
    changed: bool


def result_problem(
    lottery: Lottery, values: Mapping[str, str]
) -> tuple[str, dict[str, str]] | None:
    """What ``values`` lacks to be this lottery's result (a msgid naming what it takes, and its
    parameters), or None when it is one.

    Shapes: ``{"number": "123", "sign": "ACU"}`` (triples; sign where signs are sold; plus
    ``"number_b"`` where A+B is sold), ``{"animal": "5"}``, ``{"number": "25", "reventado":
    "5"}`` (tiempos; the multiplier from 1 to ``payouts.reventado``). The rules live in
    :func:`lottery.settlement.result_problem`, which settlement and the admin's parser share.
    """
    return settlement_rules.result_problem(lottery, values)


def checked_entry(
    catalog: Catalog, lottery_id: str, draw_at: datetime, values: Mapping[str, str],
    now: datetime,
) -> tuple[Lottery, ScheduledDraw]:
    """The lottery and its scheduled draw for a result entry, or ``InvalidResult`` saying why
    not: unknown lottery, no such draw, not drawn yet, or values of the wrong shape."""
    lottery = catalog.get_lottery(lottery_id)
    if lottery is None:
        raise InvalidResult(M.render_message(HM.RESULT_UNKNOWN_LOTTERY, {"text": lottery_id}))
    draw = scheduled_draw(lottery, draw_at)
    when = M.When(draw_at.astimezone(lottery.timezone), local_date(lottery, now))
    if draw is None:
        raise InvalidResult(M.render_message(HM.RESULT_NO_DRAW,
                                             {"lottery": lottery.name, "time": when}))
    if now < draw.at:
        raise InvalidResult(M.render_message(HM.RESULT_TOO_EARLY,
                                             {"lottery": lottery.name, "time": when}))
    problem = result_problem(lottery, values)
    if problem is not None:
        expected = M.render_message(*problem)
        raise InvalidResult(M.render_message(HM.RESULT_BAD_VALUES,
                                             {"lottery": lottery.name, "expected": expected}))
    return lottery, draw


async def enter_result(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog, lottery_id: str,
    draw_at: datetime, values: Mapping[str, str], *, actor_id: int | None, now: datetime,
) -> EnteredResult:
    lottery, draw = checked_entry(catalog, lottery_id, draw_at, values, now)
    for attempt in range(2):
        try:
            async with sessionmaker() as session, session.begin():
                return await _store(session, catalog, lottery, draw.at, dict(values),
                                    actor_id, now)
        except IntegrityError:  # a simultaneous entry took this revision number: go again
            if attempt:
                raise
    raise AssertionError("unreachable")


async def _store(
    session: AsyncSession, catalog: Catalog, lottery: Lottery, at: datetime,
    values: dict[str, str], actor_id: int | None, now: datetime,
) -> EnteredResult:
    rows = await ensure_draw_rows(session, catalog, [(lottery.id, at)], now)
    draw_id = rows[(lottery.id, at)][0]
    previous = await current_result(session, draw_id)
    shown = DrawResult(lottery.id, at, values)
    if previous is not None and previous.values == values:
        return EnteredResult(shown, draw_id, previous.revision, changed=False)
    row = await add_result(session, draw_id, values, source=SOURCE_MANUAL, at=now,
                           entered_by=actor_id)
    action = "RESULT_ENTER" if previous is None else "RESULT_CORRECT"
    details: dict[str, object] = {"lottery": lottery.id, "draw_at": at.isoformat(),
                                  "values": values, "revision": row.revision}
    if previous is not None:
        details["previous"] = previous.values
    await log_activity(session, action, actor_id=actor_id, target_type="DRAW",
                       target_id=draw_id, at=now, details=details)
    return EnteredResult(shown, draw_id, row.revision, changed=True)


async def results_on(
    session: AsyncSession, day: date, lottery_id: str | None = None
) -> list[DrawResult]:
    """The current revision of every resulted draw on ``day`` (the lottery's local date)."""
    latest = (
        select(ResultRow.draw_id, func.max(ResultRow.revision).label("revision"))
        .group_by(ResultRow.draw_id)
        .subquery()
    )
    stmt = (
        select(Draw.lottery_id, Draw.draw_at, Draw.tz, ResultRow.values)
        .join(latest, latest.c.draw_id == Draw.id)
        .join(ResultRow, (ResultRow.draw_id == Draw.id)
              & (ResultRow.revision == latest.c.revision))
        .where(Draw.local_date == day)
        .order_by(Draw.draw_at, Draw.lottery_id)
    )
    if lottery_id is not None:
        stmt = stmt.where(Draw.lottery_id == lottery_id)
    return [
        DrawResult(lot, at.astimezone(ZoneInfo(tz)), {str(k): str(v) for k, v in values.items()})
        for lot, at, tz, values in await session.execute(stmt)
    ]
