"""Booking a house ticket: one short transaction on a session of its own.

Order inside the transaction, each step for a reason:
1. draw rows exist (created on demand, like the job does) and are still open in the database;
2. the booking row is inserted first, *claiming the reference*: a concurrent create with the
   same reference waits on the unique key and then finds ours, instead of racing us for the
   tope and reporting "sold out" for a ticket that was in fact sold;
3. the tope is reserved with single conditional statements (``number_sales``), in one global
   key order, so concurrent sales never exceed a cap and never deadlock;
4. the sale is logged; commit. Anything slow (PIN hashing) happens before, outside.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.controls import Controls, Kind
from lottery.plays import Wager
from lottery.plays import messages as M
from lottery.ticket_codes import new_serial
from providers.base import (
    ErrorCode,
    ProviderError,
    ProviderTicket,
    ReferenceTaken,
    WagerRejection,
)
from providers.house import messages as HM
from providers.house.controls_check import (
    control_rejections,
    seller_amounts,
    seller_key,
    seller_number_rejection,
)
from providers.house.records import draw_days, to_ticket, wager_doc
from providers.house.rules import (
    TopeItem,
    closed_message,
    refusal_code,
    scheduled_draw,
    sold_out,
    sold_out_rejection,
    tope_items,
)
from speed.prepared import Prepared, run_core
from storage.models import DrawStatus, HouseBooking, HouseBookingState
from storage.repositories._dialect import bound, insert_for
from storage.repositories.activity import log_activity
from storage.repositories.draw_rows import DrawKey, ensure_draw_rows, sold_totals
from storage.repositories.number_sales import (
    NumberReservation,
    number_sales_total,
    reserve_many,
    reserve_number_sales,
)
from storage.repositories.seller_sales import reserve_seller, seller_totals

_SERIAL_ATTEMPTS = 5


class Replay(ReferenceTaken):
    """The reference was booked already (by a concurrent create): read that booking instead."""


@dataclass(frozen=True)
class Sale:
    """A create request after the pure checks; ``rejected`` holds what those refused."""

    reference: str
    wagers: tuple[Wager, ...]
    currency: str
    partial: bool
    now: datetime
    pin_hash: str
    customer_name: str | None = None
    actor_id: int | None = None
    rejected: dict[int, WagerRejection] = field(default_factory=dict)
    #: the seller's own limit per number was in force: their totals count this sale (and a
    #: cancel gives it back)
    seller_counted: bool = False


def refuse(rejections: dict[int, WagerRejection], n: int, partial: bool) -> None:
    """Raise the whole-ticket refusal when the sale cannot go on (all-or-nothing with any
    rejection, or nothing left to sell)."""
    if not rejections or (partial and len(rejections) < n):
        return
    listed = [rejections[i] for i in sorted(rejections)]
    first = listed[0]
    detail = first.detail if len(listed) == 1 or not partial else M.render_message(
        HM.NOTHING_SELLABLE, {})
    raise ProviderError(refusal_code(listed), detail, rejections=listed)


async def book(session: AsyncSession, catalog: Catalog, sale: Sale,
               controls: Controls | None = None) -> ProviderTicket:
    """Run the sale in ``session``'s transaction (the caller commits, or rolls back on error).
    ``controls``: the banca's, read in this transaction (checked again here, not trusted from
    the preview).

    Raises ``ProviderError`` (definite refusal) or ``Replay``.
    """
    controls = controls or Controls()
    wagers, now = sale.wagers, sale.now
    rejected = dict(sale.rejected)
    valid = [i for i in range(len(wagers)) if i not in rejected]
    rows = await ensure_draw_rows(session, catalog, {_dkey(wagers[i]) for i in valid}, now)
    for i in valid:
        if rows[_dkey(wagers[i])][1] is not DrawStatus.OPEN:
            lottery = catalog.lottery(wagers[i].lottery)
            draw = scheduled_draw(lottery, wagers[i].draw)
            assert draw is not None  # static checks passed
            rejected[i] = WagerRejection(i, ErrorCode.CLOSED_DRAW,
                                         closed_message(lottery, draw, now), readable=True)
    if controls.items:
        rejected.update(control_rejections(
            catalog, controls, wagers, [i for i in valid if i not in rejected], sale.actor_id))
    refuse(rejected, len(wagers), sale.partial)
    seller_limit = controls.seller_limit(Kind.SELLER_NUMBER, sale.actor_id)
    if seller_limit is not None:
        sale = replace(sale, seller_counted=True)
    draw_ids = {key: value[0] for key, value in rows.items()}
    booking = await _claim(session, catalog, sale, draw_ids, rejected)
    items = tope_items(catalog, wagers, [i for i in range(len(wagers)) if i not in rejected],
                       controls)
    if sale.partial:
        refused = await _reserve_each(session, catalog, wagers, items, draw_ids)
        if refused:
            rejected.update(refused)
            refuse(rejected, len(wagers), partial=True)
            await _rewrite(session, booking.id, catalog, sale, draw_ids, rejected)
            reread = await session.get(HouseBooking, booking.id, populate_existing=True)
            assert reread is not None
            booking = reread
    else:
        await _reserve_all(session, catalog, wagers, items, draw_ids)
    if seller_limit is not None and sale.actor_id is not None:
        await _reserve_seller(session, catalog, sale.actor_id, seller_limit, wagers,
                              [i for i in range(len(wagers)) if i not in rejected], draw_ids)
    await log_activity(
        session, "TICKET_SELL", actor_id=sale.actor_id, target_type="TICKET",
        target_id=booking.serial, at=now,
        details={"reference": sale.reference, "total": booking.total,
                 "currency": booking.currency, "wagers": len(wagers) - len(rejected),
                 "refused": len(rejected), "customer": sale.customer_name})
    return to_ticket(booking)


def _dkey(wager: Wager) -> DrawKey:
    return (wager.lottery, wager.draw)


def _docs(
    catalog: Catalog, sale: Sale, draw_ids: dict[DrawKey, int],
    rejected: dict[int, WagerRejection],
) -> tuple[list[dict[str, Any]], int]:
    docs = [
        wager_doc(w, catalog, draw_id=draw_ids.get(_dkey(w)), sold=i not in rejected,
                  rejection=rejected[i].code if i in rejected else None)
        for i, w in enumerate(sale.wagers)
    ]
    if sale.seller_counted:
        for doc in docs:
            doc["seller_counted"] = True
    return docs, sum(d["amount"] for d in docs if d["sold"])


async def _claim(
    session: AsyncSession, catalog: Catalog, sale: Sale, draw_ids: dict[DrawKey, int],
    rejected: dict[int, WagerRejection],
) -> HouseBooking:
    """Insert the booking; returns it as inserted (not attached to the session)."""
    docs, total = _docs(catalog, sale, draw_ids, rejected)
    first, last = draw_days(docs)
    stmt = _claim_stmt(session.get_bind().dialect.name)
    for _ in range(_SERIAL_ATTEMPTS):
        inserted = (await run_core(session, stmt, {
            "reference": sale.reference, "serial": new_serial(), "pin_hash": sale.pin_hash,
            "state": HouseBookingState.SOLD, "total": total, "currency": sale.currency,
            "customer_name": sale.customer_name, "actor_id": sale.actor_id, "wagers": docs,
            "first_draw_date": first, "last_draw_date": last, "created_at": sale.now,
            "cancel_deadline": sale.now + timedelta(seconds=catalog.cancel_seconds),
            "updated_at": sale.now,
        })).first()
        if inserted is not None:
            return HouseBooking(**inserted._asdict())
        taken = await session.scalar(
            select(HouseBooking.id).where(HouseBooking.reference == sale.reference)
        )
        if taken is not None:
            raise Replay(sale.reference)
    raise RuntimeError(f"no unused serial after {_SERIAL_ATTEMPTS} attempts")


_CLAIMED = (
    "reference", "serial", "pin_hash", "state", "total", "currency", "customer_name",
    "actor_id", "wagers", "first_draw_date", "last_draw_date", "created_at", "cancel_deadline",
    "updated_at",
)


@functools.cache
def _claim_stmt(dialect: str) -> Prepared:
    """Built once per dialect (every house sale runs it); answers the whole row, so the
    booking is not read back."""
    table = HouseBooking.__table__
    return Prepared(
        insert_for(dialect)(table)
        .values(bound(_CLAIMED))
        .on_conflict_do_nothing()
        .returning(*table.c)
    )


async def _rewrite(
    session: AsyncSession, booking_id: int, catalog: Catalog, sale: Sale,
    draw_ids: dict[DrawKey, int], rejected: dict[int, WagerRejection],
) -> None:
    """A partial sale lost some wagers to the tope after claiming: record what was sold."""
    docs, total = _docs(catalog, sale, draw_ids, rejected)
    first, last = draw_days(docs)
    await session.execute(
        update(HouseBooking)
        .where(HouseBooking.id == booking_id)
        .values(wagers=docs, total=total, first_draw_date=first, last_draw_date=last)
        .execution_options(synchronize_session=False)
    )


def _reservation(item: TopeItem, wager: Wager, draw_ids: dict[DrawKey, int]
                 ) -> NumberReservation:
    return NumberReservation(draw_ids[_dkey(wager)], wager.game, wager.number, wager.sign,
                             item.amount, item.cap)


async def _reserve_all(
    session: AsyncSession, catalog: Catalog, wagers: Sequence[Wager], items: list[TopeItem],
    draw_ids: dict[DrawKey, int],
) -> None:
    """All or nothing: on a refusal, report every wager whose number does not fit."""
    by_key = {_reservation(it, wagers[it.index], draw_ids).key: it for it in items}
    refused = await reserve_many(
        session, [_reservation(it, wagers[it.index], draw_ids) for it in items])
    if refused is None:
        return
    # reserve_many gave back what it had taken; the rows it touched are still ours (locked).
    totals = await sold_totals(session, draw_ids, {wagers[it.index].number for it in items})
    rejections = {r.index: r for r in sold_out(catalog, wagers, items, totals, whole_keys=True)}
    culprit = by_key[refused.key].key
    for it in items:
        if it.key == culprit and it.index not in rejections:
            rejections[it.index] = sold_out_rejection(catalog, wagers, it, totals.get(it.key, 0))
    refuse(rejections, len(wagers), partial=False)


async def _reserve_each(
    session: AsyncSession, catalog: Catalog, wagers: Sequence[Wager], items: list[TopeItem],
    draw_ids: dict[DrawKey, int],
) -> dict[int, WagerRejection]:
    """Partial: reserve wager by wager (in the same global key order as ``reserve_many``) and
    return the ones the tope refused."""
    refused: dict[int, WagerRejection] = {}
    reservations = sorted(
        ((_reservation(it, wagers[it.index], draw_ids), it) for it in items),
        key=lambda pair: (pair[0].key, pair[1].index),
    )
    for r, it in reservations:
        if not await reserve_number_sales(session, r.draw_id, r.game, r.number, r.sign,
                                          r.amount, r.cap):
            taken = await number_sales_total(session, r.draw_id, r.game, r.number, r.sign)
            refused[it.index] = sold_out_rejection(catalog, wagers, it, taken)
    return refused


async def _reserve_seller(
    session: AsyncSession, catalog: Catalog, seller_id: int, limit: int,
    wagers: Sequence[Wager], indexes: list[int], draw_ids: dict[DrawKey, int],
) -> None:
    """The seller's own limit per number, reserved like the tope (all or nothing: the caller
    rolls the transaction back on the refusal)."""
    amounts = seller_amounts(catalog, wagers, indexes, draw_ids)
    refused = await reserve_seller(session, seller_id, amounts, limit)
    if refused is None:
        return
    taken = (await seller_totals(session, seller_id, [refused[0]], [refused[2]])).get(refused, 0)
    rejections = {
        i: seller_number_rejection(catalog, wagers[i], i, limit, taken) for i in indexes
        if seller_key(wagers[i], draw_ids[_dkey(wagers[i])]) == refused}
    refuse(rejections, len(wagers), partial=False)
