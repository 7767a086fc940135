"""Per-number sales caps (*tope*): how much has been sold on each number of each draw.

A reservation is one ``INSERT … ON CONFLICT DO UPDATE … WHERE total + :x <= :cap RETURNING``
statement. PostgreSQL locks the row for the conflicting update and re-checks the WHERE on the
latest committed total; SQLite has a single writer. Either way concurrent sales can never push a
number past its cap, and no explicit lock or retry loop is needed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from speed.prepared import Prepared, run_core
from storage.models import NumberSales
from storage.repositories._dialect import bound, insert_for

NO_SIGN = ""


@dataclass(frozen=True, slots=True)
class NumberReservation:
    """``amount`` more on (draw, game, number, sign), allowed up to ``cap`` in total."""

    draw_id: int
    game: str
    number: str
    sign: str | None
    amount: int
    cap: int

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.draw_id, self.game, self.number, self.sign or NO_SIGN)


def _check(amount: int, cap: int) -> None:
    if amount <= 0:
        raise ValueError(f"amount must be positive, got {amount}")
    if cap < 0:
        raise ValueError(f"cap cannot be negative, got {cap}")


async def reserve_number_sales(
    session: AsyncSession,
    draw_id: int,
    game: str,
    number: str,
    sign: str | None,
    amount: int,
    cap: int,
) -> bool:
    """Add ``amount`` to the number's sold total if the total stays ``<= cap``.

    Returns False (and changes nothing) when the cap would be exceeded: the number is
    *agotado* for that amount. Amounts and cap are integer minor units of the draw's currency.
    """
    _check(amount, cap)
    if amount > cap:
        return False
    result = await run_core(session, _reserve_stmt(session.get_bind().dialect.name), {
        "draw_id": draw_id, "game": game, "number": number, "sign": sign or NO_SIGN,
        "total": amount, "cap": cap,
    })
    return result.scalar_one_or_none() is not None


@functools.cache
def _reserve_stmt(dialect: str) -> Prepared:
    """Built once per dialect: every wager of every sale runs it."""
    ins = insert_for(dialect)(NumberSales).values(
        bound(("draw_id", "game", "number", "sign", "total"))
    )
    return Prepared(ins.on_conflict_do_update(
        index_elements=[
            NumberSales.draw_id,
            NumberSales.game,
            NumberSales.number,
            NumberSales.sign,
        ],
        set_={"total": NumberSales.total + ins.excluded.total},
        where=NumberSales.total + ins.excluded.total <= bindparam("cap"),
    ).returning(NumberSales.total))


async def release_number_sales(
    session: AsyncSession,
    draw_id: int,
    game: str,
    number: str,
    sign: str | None,
    amount: int,
) -> bool:
    """Give back ``amount`` (a voided ticket, a rejected booking).

    False, changing nothing, if less than ``amount`` was reserved.
    """
    _check(amount, 0)
    result = await session.execute(
        update(NumberSales)
        .where(
            NumberSales.draw_id == draw_id,
            NumberSales.game == game,
            NumberSales.number == number,
            NumberSales.sign == (sign or NO_SIGN),
            NumberSales.total >= amount,
        )
        .values(total=NumberSales.total - amount)
        .execution_options(synchronize_session=False)
        .returning(NumberSales.total)
    )
    return result.scalar_one_or_none() is not None


async def number_sales_total(
    session: AsyncSession, draw_id: int, game: str, number: str, sign: str | None
) -> int:
    """What has been sold so far on that number (0 when nothing)."""
    total = await session.scalar(
        select(NumberSales.total).where(
            NumberSales.draw_id == draw_id,
            NumberSales.game == game,
            NumberSales.number == number,
            NumberSales.sign == (sign or NO_SIGN),
        )
    )
    return int(total or 0)


async def sales_for_draw(session: AsyncSession, draw_id: int) -> Sequence[NumberSales]:
    """Every number sold on a draw, biggest total first (exposure report)."""
    stmt = (
        select(NumberSales)
        .where(NumberSales.draw_id == draw_id, NumberSales.total > 0)
        .order_by(NumberSales.total.desc(), NumberSales.game, NumberSales.number)
    )
    return (await session.scalars(stmt)).all()


def _merge(reservations: Iterable[NumberReservation]) -> list[NumberReservation]:
    merged: dict[tuple[int, str, str, str], NumberReservation] = {}
    for r in reservations:
        _check(r.amount, r.cap)
        prev = merged.get(r.key)
        merged[r.key] = (
            r
            if prev is None
            else replace(prev, amount=prev.amount + r.amount, cap=min(prev.cap, r.cap))
        )
    return [merged[k] for k in sorted(merged)]


async def reserve_many(
    session: AsyncSession, reservations: Iterable[NumberReservation]
) -> NumberReservation | None:
    """Reserve all of a ticket's numbers, or none of them.

    Wagers on the same key are summed first. Keys are taken in sorted order so two tickets
    sharing numbers cannot deadlock on PostgreSQL. On the first refusal the reservations
    already made are released and the refused (merged) reservation is returned; None means
    everything was reserved.
    """
    done: list[NumberReservation] = []
    for r in _merge(reservations):
        if await reserve_number_sales(
            session, r.draw_id, r.game, r.number, r.sign, r.amount, r.cap
        ):
            done.append(r)
            continue
        for d in reversed(done):
            await release_number_sales(session, d.draw_id, d.game, d.number, d.sign, d.amount)
        return r
    return None


async def release_many(session: AsyncSession, reservations: Iterable[NumberReservation]) -> bool:
    """Undo :func:`reserve_many` for a ticket (``cap`` is ignored). False if some key had
    less reserved than asked (that key is left unchanged; the others are released)."""
    released = True
    for r in _merge(reservations):
        released &= await release_number_sales(
            session, r.draw_id, r.game, r.number, r.sign, r.amount
        )
    return released
