"""A seller's own running total per number of a draw, for their limit per number.

Reserved like the banca's tope (``number_sales``): one ``INSERT … ON CONFLICT DO UPDATE … WHERE
total + :x <= :cap`` per key, in key order, so concurrent sales of one seller never pass it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from speed.prepared import Prepared, run_core
from storage.models import SellerNumberSales
from storage.repositories._dialect import bound, insert_for

#: (draw id, game, number, sign or "")
SellerKey = tuple[int, str, str, str]


@functools.cache
def _reserve_stmt(dialect: str) -> Prepared:
    table = SellerNumberSales
    ins = insert_for(dialect)(table).values(
        bound(("seller_id", "draw_id", "game", "number", "sign", "total")))
    return Prepared(ins.on_conflict_do_update(
        index_elements=[table.seller_id, table.draw_id, table.game, table.number, table.sign],
        set_={"total": table.total + ins.excluded.total},
        where=table.total + ins.excluded.total <= bindparam("cap"),
    ).returning(table.total))


async def reserve_seller(session: AsyncSession, seller_id: int, amounts: Mapping[SellerKey, int],
                         cap: int) -> SellerKey | None:
    """Add every amount under ``cap``; the first key that does not fit is returned (the caller
    rolls the transaction back), None when all fit."""
    stmt = _reserve_stmt(session.get_bind().dialect.name)
    for key in sorted(amounts):
        amount = amounts[key]
        if amount > cap:
            return key
        draw_id, game, number, sign = key
        result = await run_core(session, stmt, {
            "seller_id": seller_id, "draw_id": draw_id, "game": game, "number": number,
            "sign": sign, "total": amount, "cap": cap})
        if result.scalar_one_or_none() is None:
            return key
    return None


async def release_seller(session: AsyncSession, seller_id: int,
                         amounts: Iterable[tuple[SellerKey, int]]) -> None:
    """A voided ticket gives its seller's totals back (never below zero)."""
    t = SellerNumberSales
    for (draw_id, game, number, sign), amount in amounts:
        await session.execute(
            update(t).where(t.seller_id == seller_id, t.draw_id == draw_id, t.game == game,
                            t.number == number, t.sign == sign, t.total >= amount)
            .values(total=t.total - amount).execution_options(synchronize_session=False))


async def seller_totals(session: AsyncSession, seller_id: int, draw_ids: Iterable[int],
                        numbers: Iterable[str]) -> dict[SellerKey, int]:
    t = SellerNumberSales
    rows = await session.execute(select(t.draw_id, t.game, t.number, t.sign, t.total).where(
        t.seller_id == seller_id, t.draw_id.in_(list(set(draw_ids))),
        t.number.in_(list(set(numbers)))))
    return {(d, g, n, s): int(total) for d, g, n, s, total in rows}
