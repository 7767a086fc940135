"""The banca's controls in the database: read the ones in force, add one, end one.

``refresh`` is on every sale's path (preview and booking): it reads only the version (the
newest row id and how many rows were ended), and the rows themselves when that changed, so a
change made in any process is seen by the next read in every other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lottery.controls import Control, Controls, Kind, LiveControls
from speed.prepared import Prepared, run_core
from storage.models import BancaControl

_VERSION = Prepared(select(
    func.coalesce(func.max(BancaControl.id), 0),
    func.coalesce(func.sum(case((BancaControl.ended_at.is_(None), 0), else_=1)), 0),
))


async def refresh(session: AsyncSession, live: LiveControls, *, force: bool = False
                  ) -> Controls:
    """The controls in force now, reloading ``live`` when another change was made.

    Read once per transaction (the update's controls middleware, then the sale's check in the
    same transaction reuse it); ``force`` after this transaction changed them."""
    transaction = session.get_transaction()
    if not force and transaction is not None and session.info.get(_READ_IN) is transaction:
        return live.controls
    row = (await run_core(session, _VERSION, {})).first()
    version = (int(row[0]), int(row[1]))
    if version != live.controls.version:
        live.update(Controls(version, tuple(await _in_force(session))))
    session.info[_READ_IN] = session.get_transaction()
    return live.controls


_READ_IN = "controls_read_in"  # session.info: the transaction that last read the version


async def _in_force(session: AsyncSession) -> list[Control]:
    rows = await session.scalars(
        select(BancaControl).where(BancaControl.ended_at.is_(None)).order_by(BancaControl.id))
    return [to_control(r) for r in rows]


def to_control(row: BancaControl) -> Control:
    return Control(row.id, Kind(row.kind), row.lottery_id, row.game, row.number, row.draw_at,
                   row.day, row.user_id, row.amount, row.reason)


async def add_control(
    session: AsyncSession, kind: Kind, *, at: datetime, actor_id: int | None,
    lottery: str | None = None, game: str | None = None, number: str | None = None,
    draw_at: datetime | None = None, day: date | None = None, user_id: int | None = None,
    amount: int | None = None, reason: str | None = None,
) -> Control:
    row = BancaControl(kind=str(kind), lottery_id=lottery, game=game, number=number,
                       draw_at=draw_at, day=day, user_id=user_id, amount=amount, reason=reason,
                       created_at=at, created_by=actor_id)
    session.add(row)
    await session.flush()
    return to_control(row)


async def same_scope(session: AsyncSession, kind: Kind, **scope: Any) -> Sequence[Control]:
    """The controls in force of ``kind`` on exactly that scope (columns not given: NULL)."""
    columns = {"lottery": BancaControl.lottery_id, "game": BancaControl.game,
               "number": BancaControl.number, "draw_at": BancaControl.draw_at,
               "day": BancaControl.day, "user_id": BancaControl.user_id}
    stmt = select(BancaControl).where(BancaControl.kind == str(kind),
                                      BancaControl.ended_at.is_(None))
    for name, column in columns.items():
        value = scope.get(name)
        stmt = stmt.where(column.is_(None) if value is None else column == value)
    return [to_control(r) for r in await session.scalars(stmt.order_by(BancaControl.id))]


async def end_controls(session: AsyncSession, ids: Sequence[int], *, at: datetime,
                       actor_id: int | None) -> None:
    if ids:
        await session.execute(
            update(BancaControl).where(BancaControl.id.in_(list(ids)),
                                       BancaControl.ended_at.is_(None))
            .values(ended_at=at, ended_by=actor_id)
            .execution_options(synchronize_session=False))
