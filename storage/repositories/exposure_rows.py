"""What the booth has sold on each play of a day's draws, for the risk report (``/riesgo``).

Read from the tickets themselves, not from the house provider's per-number caps, so that a
banca selling through any provider sees its own sales. A ticket rejected or voided sold nothing;
a pending one still holds the buyer's money and may yet be booked, so it counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Draw, Ticket, TicketStatus, Wager

_NOT_SOLD = (TicketStatus.REJECTED, TicketStatus.VOID)


@dataclass(frozen=True)
class SoldPlay:
    draw_id: int
    lottery_id: str
    draw_at: datetime
    game: str
    number: str
    sign: str | None
    amount: int  # minor units, summed over the day's tickets
    #: what those wagers pay if the play wins, at the payout stored with each (minor units)
    priced: int = 0
    #: the part of ``amount`` sold before payouts were stored: it pays the catalog's payout
    unpriced: int = 0


async def sold_plays(session: AsyncSession, day: date, lottery_id: str | None = None
                     ) -> list[SoldPlay]:
    """Every play sold on the draws of ``day`` (the draws' own local day), summed per play."""
    stmt = (
        select(Draw.id, Draw.lottery_id, Draw.draw_at, Wager.game, Wager.number, Wager.sign,
               func.sum(Wager.amount), func.sum(Wager.amount * func.coalesce(Wager.payout, 0)),
               func.sum(case((Wager.payout.is_(None), Wager.amount), else_=0)))
        .join(Wager, Wager.draw_id == Draw.id)
        .join(Ticket, Ticket.id == Wager.ticket_id)
        .where(Draw.local_date == day, Ticket.status.not_in(_NOT_SOLD))
        .group_by(Draw.id, Draw.lottery_id, Draw.draw_at, Wager.game, Wager.number, Wager.sign)
        .order_by(Draw.draw_at, Draw.lottery_id)
    )
    if lottery_id is not None:
        stmt = stmt.where(Draw.lottery_id == lottery_id)
    return [SoldPlay(*row[:6], int(row[6]), int(row[7] or 0), int(row[8] or 0))
            for row in await session.execute(stmt)]
