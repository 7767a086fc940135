"""The rows a draw's settlement reads, locks and writes (``services.settlement`` decides).

Locking follows the settlement's rules: one lottery and day at a time (``lock_day``), then the
touched tickets in id order (``lock_tickets``). Id lists are cut in chunks below the databases'
bound-parameter limits, and writes go one statement per (outcome, prize) and chunk rather than
per row: a popular draw has thousands of wagers, and SQLite's write lock blocks every sale
meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from speed.orm_sync import refresh_loaded
from storage.models import ActivityLog, Draw, DrawResult, Ticket, TicketStatus, Wager, WagerOutcome
from storage.repositories._dialect import id_chunks
from storage.repositories.tickets import SETTLEABLE

#: Tickets whose wagers are looked at: the settleable ones, and the ones a correction must not
#: change behind their back (paid: money went out; expired: final).
LOOKED_AT = (*SETTLEABLE, TicketStatus.PAID, TicketStatus.EXPIRED)


@dataclass
class WagerRow:
    """One wager looked at, with what the settlement needs of its draw and ticket."""

    wager_id: int
    ticket_id: int
    lottery_id: str
    draw_at: datetime
    game: str
    number: str
    sign: str | None
    amount: int
    outcome: WagerOutcome
    prize: int | None
    payout: int | None = None  # the multiplier stored at sale (None: sold before it was)


@dataclass
class TicketRow:
    id: int
    serial: str
    status: TicketStatus
    prize: int | None
    buyer_id: int
    seller_id: int | None
    currency: str


def _is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def lock_day(session: AsyncSession, draw: Draw) -> None:
    """Serialize settlements of one lottery and day: ``FOR UPDATE`` on that day's draw rows on
    PostgreSQL; SQLite locks the whole database for a writer, so its write lock is taken now."""
    if _is_postgres(session):
        await session.execute(
            select(Draw.id)
            .where(Draw.lottery_id == draw.lottery_id, Draw.local_date == draw.local_date)
            .order_by(Draw.id)
            .with_for_update()
        )
    else:
        await session.execute(
            update(Draw).where(Draw.id == draw.id)
            .values(status=Draw.status, updated_at=Draw.updated_at)
            .execution_options(synchronize_session=False)
        )


async def day_results(
    session: AsyncSession, lottery_id: str, day: date
) -> dict[datetime, tuple[int, dict[str, str]]]:
    """``{draw instant: (revision, values)}``: the current result of each of the lottery's
    draws on that local day that has one."""
    stmt = (
        select(Draw.draw_at, DrawResult.revision, DrawResult.values)
        .join(DrawResult, DrawResult.draw_id == Draw.id)
        .where(Draw.lottery_id == lottery_id, Draw.local_date == day)
        .order_by(Draw.draw_at, DrawResult.revision)
    )
    found: dict[datetime, tuple[int, dict[str, str]]] = {}
    for at, revision, values in await session.execute(stmt):
        found[at] = (revision, {str(k): v for k, v in values.items()})  # the last one wins
    return found


def _depends_on(draw: Draw) -> Any:
    """Wagers whose outcome the draw decides: on it, or tripletas of its lottery booked on a
    draw of the same local day up to it (``Draw`` joined on the wager's draw)."""
    return or_(
        Wager.draw_id == draw.id,
        and_(Wager.game == "tripleta", Wager.lottery_id == draw.lottery_id,
             Draw.lottery_id == draw.lottery_id, Draw.local_date == draw.local_date,
             Draw.draw_at <= draw.draw_at),
    )


async def wager_rows(session: AsyncSession, draw: Draw) -> list[WagerRow]:
    """The wagers the draw decides, of tickets in ``LOOKED_AT``, ticket by ticket."""
    stmt = (
        select(Wager.id, Wager.ticket_id, Wager.lottery_id, Draw.draw_at, Wager.game,
               Wager.number, Wager.sign, Wager.amount, Wager.outcome, Wager.prize, Wager.payout)
        .join(Draw, Draw.id == Wager.draw_id)
        .join(Ticket, Ticket.id == Wager.ticket_id)
        .where(_depends_on(draw), Ticket.status.in_(list(LOOKED_AT)))
        .order_by(Wager.ticket_id, Wager.position)
    )
    return [WagerRow(*row) for row in await session.execute(stmt)]


async def lock_tickets(session: AsyncSession, ids: Iterable[int]) -> dict[int, TicketRow]:
    """The tickets, read (and on PostgreSQL locked) in id order, as they are now."""
    found: dict[int, TicketRow] = {}
    for chunk in id_chunks(sorted(set(ids))):
        stmt = (
            select(Ticket.id, Ticket.serial, Ticket.status, Ticket.prize, Ticket.buyer_id,
                   Ticket.seller_id, Ticket.currency)
            .where(Ticket.id.in_(chunk))
            .order_by(Ticket.id)
        )
        if _is_postgres(session):
            stmt = stmt.with_for_update()
        found.update((row[0], TicketRow(*row)) for row in await session.execute(stmt))
    return found


async def ticket_prizes(
    session: AsyncSession, ticket_ids: list[int]
) -> dict[int, list[Decimal | None]]:
    """Each ticket's wager prizes as the verdict reads them: None for a pending wager."""
    found: dict[int, list[Decimal | None]] = {}
    for chunk in id_chunks(ticket_ids):
        stmt = select(Wager.ticket_id, Wager.outcome, Wager.prize).where(
            Wager.ticket_id.in_(chunk))
        for ticket_id, outcome, prize in await session.execute(stmt):
            value = (None if outcome is WagerOutcome.PENDING
                     else Decimal(prize or 0) if outcome is WagerOutcome.WON else Decimal(0))
            found.setdefault(ticket_id, []).append(value)
    return found


async def a_paid_serial(session: AsyncSession, draw: Draw) -> str | None:
    """The serial of a paid ticket whose wagers depend on the draw, if there is one."""
    stmt = (
        select(Ticket.serial)
        .join(Wager, Wager.ticket_id == Ticket.id)
        .join(Draw, Draw.id == Wager.draw_id)
        .where(_depends_on(draw), Ticket.status == TicketStatus.PAID)
        .order_by(Ticket.id)
        .limit(1)
    )
    return await session.scalar(stmt)


async def write_wagers(
    session: AsyncSession, decided: list[tuple[WagerRow, WagerOutcome, int | None]]
) -> None:
    """The new outcomes and prizes (minor units) of the wagers decided."""
    groups: dict[tuple[WagerOutcome, int | None], list[int]] = {}
    for row, outcome, prize in decided:
        groups.setdefault((outcome, prize), []).append(row.wager_id)
    for (outcome, prize), ids in groups.items():
        for chunk in id_chunks(ids):
            await session.execute(
                update(Wager).where(Wager.id.in_(chunk)).values(outcome=outcome, prize=prize)
                .execution_options(synchronize_session=False))
        for wager_id in ids:
            refresh_loaded(session, Wager, wager_id, outcome=outcome, prize=prize)


async def move_tickets(
    session: AsyncSession, moves: Mapping[tuple[TicketStatus, int | None], list[int]]
) -> dict[int, tuple[TicketStatus, int | None]]:
    """Move tickets to (status, prize), guarded like ``tickets.settle_ticket`` (only from a
    settleable status); back to ``sold`` when a correction reopened a tripleta. Returns the
    tickets that moved."""
    moved: dict[int, tuple[TicketStatus, int | None]] = {}
    for (status, prize), ids in moves.items():
        for chunk in id_chunks(ids):
            result = await session.execute(
                update(Ticket)
                .where(Ticket.id.in_(chunk), Ticket.status.in_(list(SETTLEABLE)))
                .values(status=status, prize=prize)
                .execution_options(synchronize_session=False)
                .returning(Ticket.id))
            for ticket_id in result.scalars():
                moved[ticket_id] = (status, prize)
                refresh_loaded(session, Ticket, ticket_id, status=status, prize=prize)
    return moved


async def log_entries(session: AsyncSession, entries: list[dict[str, Any]]) -> None:
    """Activity entries in one statement (``activity.log_activity`` writes one row a call)."""
    if entries:
        await session.execute(insert(ActivityLog), entries)
