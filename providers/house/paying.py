"""The house ledger's side of paying a prize.

Who may collect, the PIN, the lock after wrong PINs and the money are the booth's business
(``services.payments``), for house tickets as for any provider's. The house only records, in the
same transaction as the booth's payment, that its booking was paid: both ledgers say paid, or
neither does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import HouseBooking, HouseBookingState

#: what a booking may be when its prize is paid (the house ledger is not settled per draw: the
#: booth's settlement decides who won)
PAYABLE = (HouseBookingState.SOLD, HouseBookingState.WINNER)


async def record_paid(session: AsyncSession, reference: str, now: datetime) -> bool:
    """Mark the booking paid; False when there is none in a payable state (a ticket booked
    before the house ledger existed, say). One conditional UPDATE: paid once."""
    result = await session.execute(
        update(HouseBooking)
        .where(HouseBooking.reference == reference, HouseBooking.state.in_(PAYABLE))
        .values(state=HouseBookingState.PAID, updated_at=now)
        .execution_options(synchronize_session=False)
        .returning(HouseBooking.id)
    )
    return result.scalar_one_or_none() is not None
