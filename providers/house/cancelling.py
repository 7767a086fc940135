"""Cancelling (*anular*) a house ticket: inside its window, before any of its draws closes.

The state change is one conditional UPDATE (``… WHERE state = 'sold'``), so of two concurrent
cancels exactly one wins; the tope it held is given back in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.plays import messages as M
from lottery.schedule import local_date
from providers.base import ErrorCode, ProviderError, ProviderTicket
from providers.house import messages as HM
from providers.house.records import doc_wager, sold_docs, to_ticket
from storage.models import Draw, DrawStatus, HouseBooking, HouseBookingState
from storage.repositories.activity import log_activity
from storage.repositories.number_sales import NumberReservation, release_many
from storage.repositories.seller_sales import release_seller


def _refused(msgid: str, **params: object) -> ProviderError:
    return ProviderError(ErrorCode.NOT_CANCELLABLE, M.render_message(msgid, params))


def _clock_seconds(at: datetime) -> str:
    """``9:33:27 am``: a cancel window is counted in seconds, so show them."""
    hour12 = at.hour % 12 or 12
    return f"{hour12}:{at.minute:02d}:{at.second:02d} {'am' if at.hour < 12 else 'pm'}"


async def cancel(
    session: AsyncSession, catalog: Catalog, reference: str, now: datetime,
    actor_id: int | None,
) -> ProviderTicket:
    """Void the booking in ``session``'s transaction; raises ``ProviderError`` when it cannot."""
    booking = await session.scalar(
        select(HouseBooking).where(HouseBooking.reference == reference)
        .execution_options(populate_existing=True)
    )
    if booking is None:
        raise ProviderError(ErrorCode.NOT_FOUND,
                            M.render_message(HM.NOT_FOUND, {"reference": reference}))
    serial = booking.serial
    if booking.state is HouseBookingState.VOID:
        raise _refused(HM.ALREADY_VOID, serial=serial)
    if booking.state is not HouseBookingState.SOLD:
        raise _refused(HM.NOT_SOLD_STATE, serial=serial, state=booking.state.value)
    if now >= booking.cancel_deadline:
        local = booking.cancel_deadline.astimezone(catalog.timezone)
        raise _refused(HM.CANCEL_WINDOW, serial=serial, deadline=_clock_seconds(local))
    await _check_draws_open(session, catalog, booking, now)
    voided = await session.execute(
        update(HouseBooking)
        .where(HouseBooking.id == booking.id, HouseBooking.state == HouseBookingState.SOLD)
        .values(state=HouseBookingState.VOID, voided_at=now, voided_by=actor_id, updated_at=now)
        .execution_options(synchronize_session=False)
        .returning(HouseBooking.id)
    )
    if voided.scalar_one_or_none() is None:  # a concurrent cancel won
        raise _refused(HM.ALREADY_VOID, serial=serial)
    released = await release_many(session, [
        NumberReservation(d["draw_id"], d["game"], d["number"], d["sign"], int(d["amount"]), 0)
        for d in sold_docs(booking.wagers)
    ])
    counted = [d for d in sold_docs(booking.wagers) if d.get("seller_counted")]
    if counted and booking.actor_id is not None:  # the seller's own limit counted this sale
        await release_seller(session, booking.actor_id, [
            ((d["draw_id"], d["game"], d["number"], d["sign"] or ""), int(d["amount"]))
            for d in counted])
    await log_activity(
        session, "TICKET_CANCEL", actor_id=actor_id, target_type="TICKET", target_id=serial,
        at=now, details={"reference": reference, "total": booking.total,
                         "currency": booking.currency, "tope_released": released})
    fresh = await session.get(HouseBooking, booking.id, populate_existing=True)
    assert fresh is not None
    return to_ticket(fresh)


async def _check_draws_open(
    session: AsyncSession, catalog: Catalog, booking: HouseBooking, now: datetime
) -> None:
    """Refuse when any sold wager's draw has stopped selling (by the clock or in the database,
    e.g. closed early by an admin)."""
    docs = sold_docs(booking.wagers)
    ids = sorted({d["draw_id"] for d in docs})
    rows = await session.execute(select(Draw.id, Draw.status).where(Draw.id.in_(ids)))
    statuses = {draw_id: status for draw_id, status in rows}
    for doc in sorted(docs, key=lambda d: d["draw_at"]):
        wager = doc_wager(doc, booking.currency)
        lottery = catalog.get_lottery(wager.lottery)
        close = lottery.close_minutes if lottery else catalog.close_minutes
        closes_at = wager.draw - timedelta(minutes=close)
        if now >= closes_at or statuses.get(doc["draw_id"]) is not DrawStatus.OPEN:
            zone = lottery.timezone if lottery else catalog.timezone
            raise _refused(
                HM.CANCEL_DRAW_CLOSED, serial=booking.serial,
                lottery=lottery.name if lottery else wager.lottery,
                time=M.When(wager.draw.astimezone(zone), local_date(lottery, now) if lottery
                            else now.astimezone(zone).date()),
                closed=closes_at.astimezone(zone))
