"""Tickets and their wagers.

Booking is exactly-once by our own ``reference``: creating a ticket whose reference already
exists returns the existing ticket instead of a second one, so a retried sale (a lost reply, a
double tap) never sells twice. Every status change is a conditional UPDATE (``… WHERE status IN
(…)``), so two concurrent actors (pay and void, say) cannot both win.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from lottery.catalog import Catalog
from lottery.money import to_minor
from lottery.plays import Wager as PlayedWager
from lottery.settlement import stored_payout
from speed.orm_sync import attach_loaded, autoflush, refresh_loaded
from speed.prepared import Prepared, run_core
from storage.models import Draw, PaidHow, Ticket, TicketStatus, Wager, WagerOutcome
from storage.repositories._dialect import bound, id_chunks, insert_for

#: Tickets whose wagers still await (or may be re-evaluated after a corrected) result.
SETTLEABLE = (TicketStatus.SOLD, TicketStatus.WINNER, TicketStatus.LOSER)


class SerialTaken(Exception):
    """The serial is already used by another ticket: generate a new one and try again."""


@dataclass(frozen=True, slots=True)
class NewWager:
    lottery_id: str
    draw_id: int
    game: str
    number: str
    sign: str | None
    amount: int  # minor units, in the ticket's currency
    payout: int | None = None  # the game's multiplier at sale time


def new_wager(wager: PlayedWager, draw_id: int, catalog: Catalog, currency: str) -> NewWager:
    """A parsed play as stored, with the payout its game has in ``catalog`` now."""
    return NewWager(wager.lottery, draw_id, wager.game, wager.number, wager.sign,
                    to_minor(wager.amount, currency),
                    stored_payout(catalog, wager.lottery, wager.game))


def _with_wagers() -> Any:
    return select(Ticket).options(selectinload(Ticket.wagers).selectinload(Wager.draw))


_T, _W, _D = Ticket.__table__, Wager.__table__, Draw.__table__


async def _one_ticket(session: AsyncSession, column: str, value: Any) -> Ticket | None:
    """One ticket with its wagers and their draws, read in one joined query (three with
    ``selectinload``, which pays off for lists, not for the one ticket of a sale) and made the
    session's objects as the ORM's ``populate_existing`` load would
    (``speed.orm_sync.attach_loaded``), at a third of its cost: every sale reads its ticket."""
    await autoflush(session)
    found = await run_core(session, _one_ticket_stmt(column), {"value": value})
    rows = [tuple(row) for row in found.all()]
    if not rows:
        return None
    nt, nw = len(_T.c), len(_W.c)
    ticket = attach_loaded(session, Ticket, dict(zip(_T.c.keys(), rows[0][:nt], strict=True)))
    wagers = []
    for row in rows:
        if row[nt] is None:  # no wager (the outer join's empty side)
            continue
        wager = attach_loaded(session, Wager, dict(zip(_W.c.keys(), row[nt:nt + nw], strict=True)))
        draw = attach_loaded(session, Draw, dict(zip(_D.c.keys(), row[nt + nw:], strict=True)))
        set_committed_value(wager, "draw", draw)
        wagers.append(wager)
    set_committed_value(ticket, "wagers", wagers)
    return ticket


@functools.cache
def _one_ticket_stmt(column: str) -> Prepared:
    """Built once per lookup column."""
    return Prepared(
        select(*_T.c, *_W.c, *_D.c)
        .select_from(
            _T.outerjoin(_W, _W.c.ticket_id == _T.c.id).outerjoin(_D, _D.c.id == _W.c.draw_id)
        )
        .where(_T.c[column] == bindparam("value"))
        .order_by(_W.c.position)
    )


async def create_ticket(
    session: AsyncSession,
    *,
    serial: str,
    reference: str,
    pin_hash: str,
    provider: str,
    buyer_id: int,
    total: int,
    currency: str,
    created_at: datetime,
    wagers: Sequence[NewWager],
    seller_id: int | None = None,
    customer_name: str | None = None,
    cancel_deadline: datetime | None = None,
    status: TicketStatus = TicketStatus.PENDING,
    provider_ticket_id: str | None = None,
) -> tuple[Ticket, bool]:
    """Insert a ticket with its wagers; return ``(ticket, created)``.

    ``created`` is False when ``reference`` was already booked: the existing ticket is returned
    unchanged (an idempotent replay). Raises :class:`SerialTaken` when only the serial
    collides. Neither case raises a database error, so the transaction stays usable.
    ``pin_hash`` is a hash computed by the caller; the PIN itself is never stored.
    """
    if not wagers:
        raise ValueError("a ticket needs at least one wager")
    stmt = _insert_ticket_stmt(session.get_bind().dialect.name)
    params = {
        "serial": serial, "reference": reference, "pin_hash": pin_hash, "provider": provider,
        "buyer_id": buyer_id, "seller_id": seller_id, "customer_name": customer_name,
        "status": status, "total": total, "currency": currency, "created_at": created_at,
        "cancel_deadline": cancel_deadline, "provider_ticket_id": provider_ticket_id,
        "updated_at": created_at,
    }
    ticket_id = (await run_core(session, stmt, params)).scalar_one_or_none()
    if ticket_id is None:
        existing = await get_ticket_by_reference(session, reference)
        if existing is not None:
            return existing, False
        raise SerialTaken(serial)
    await run_core(
        session,
        _INSERT_WAGERS,
        [
            {
                "ticket_id": ticket_id,
                "position": position,
                "lottery_id": w.lottery_id,
                "draw_id": w.draw_id,
                "game": w.game,
                "number": w.number,
                "sign": w.sign,
                "amount": w.amount,
                "payout": w.payout,
                "outcome": WagerOutcome.PENDING,
            }
            for position, w in enumerate(wagers, start=1)
        ],
    )
    ticket = await get_ticket(session, ticket_id)
    assert ticket is not None
    return ticket, True


_TICKET_COLUMNS = (
    "serial", "reference", "pin_hash", "provider", "buyer_id", "seller_id", "customer_name",
    "status", "total", "currency", "created_at", "cancel_deadline", "provider_ticket_id",
    "updated_at",
)
_WAGER_COLUMNS = (
    "ticket_id", "position", "lottery_id", "draw_id", "game", "number", "sign", "amount", "payout",
    "outcome",
)
_INSERT_WAGERS = Prepared(insert(Wager.__table__).values(bound(_WAGER_COLUMNS)))


@functools.cache
def _insert_ticket_stmt(dialect: str) -> Prepared:
    """Built once per dialect: every sale runs it."""
    table = Ticket.__table__
    return Prepared(
        insert_for(dialect)(table)
        .values(bound(_TICKET_COLUMNS))
        .on_conflict_do_nothing()
        .returning(table.c.id)
    )


async def tickets_with_draws(session: AsyncSession, ids: Sequence[int]) -> list[Ticket]:
    """The tickets, with their wagers and draws, as they are now (in id order)."""
    found: list[Ticket] = []
    for chunk in id_chunks(sorted(set(ids))):
        stmt = (select(Ticket).where(Ticket.id.in_(chunk)).order_by(Ticket.id)
                .options(selectinload(Ticket.wagers).selectinload(Wager.draw))
                .execution_options(populate_existing=True))
        found.extend((await session.scalars(stmt)).all())
    return found


async def get_ticket(session: AsyncSession, ticket_id: int) -> Ticket | None:
    """The ticket with its wagers loaded (``ticket.wagers`` in position order)."""
    return await _one_ticket(session, "id", ticket_id)


async def get_ticket_by_serial(session: AsyncSession, serial: str) -> Ticket | None:
    return await _one_ticket(session, "serial", serial)


async def ticket_id_by_reference(session: AsyncSession, reference: str) -> int | None:
    """A one-column probe for the common case (no ticket yet) of an exactly-once check."""
    found = await run_core(session, _ID_BY_REFERENCE, {"reference": reference})
    return found.scalar_one_or_none()


_ID_BY_REFERENCE = Prepared(select(Ticket.id).where(Ticket.reference == bindparam("reference")))


async def get_ticket_by_reference(session: AsyncSession, reference: str) -> Ticket | None:
    return await _one_ticket(session, "reference", reference)


async def list_tickets(
    session: AsyncSession,
    *,
    buyer_id: int | None = None,
    seller_id: int | None = None,
    statuses: Collection[TicketStatus] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Sequence[Ticket]:
    """Newest first, wagers loaded; ``since``/``until`` bound ``created_at``."""
    stmt = _with_wagers().order_by(Ticket.created_at.desc(), Ticket.id.desc())
    if buyer_id is not None:
        stmt = stmt.where(Ticket.buyer_id == buyer_id)
    if seller_id is not None:
        stmt = stmt.where(Ticket.seller_id == seller_id)
    if statuses is not None:
        stmt = stmt.where(Ticket.status.in_(list(statuses)))
    if since is not None:
        stmt = stmt.where(Ticket.created_at >= since)
    if until is not None:
        stmt = stmt.where(Ticket.created_at < until)
    return (await session.scalars(stmt.limit(limit).offset(offset))).all()


async def set_ticket_status(
    session: AsyncSession,
    ticket_id: int,
    status: TicketStatus,
    *,
    only_from: Collection[TicketStatus],
    extra_where: Iterable[Any] = (),
    **values: Any,
) -> bool:
    """Move the ticket to ``status`` iff its status is in ``only_from`` (and ``extra_where``
    holds); ``values`` sets other columns in the same statement. True when it moved."""
    result = await run_core(
        session,
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.status.in_(list(only_from)), *extra_where)
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
        .returning(Ticket.id)
    )
    changed = result.scalar_one_or_none() is not None
    if changed:
        refresh_loaded(session, Ticket, ticket_id, status=status, **values)
    return changed


async def mark_sold(
    session: AsyncSession, ticket_id: int, *, provider_ticket_id: str | None = None
) -> bool:
    """pending → sold, once the provider confirmed the booking."""
    return await set_ticket_status(
        session,
        ticket_id,
        TicketStatus.SOLD,
        only_from=[TicketStatus.PENDING],
        provider_ticket_id=provider_ticket_id,
    )


async def mark_rejected(session: AsyncSession, ticket_id: int) -> bool:
    """pending → rejected: the provider refused it; nothing was sold."""
    return await set_ticket_status(
        session, ticket_id, TicketStatus.REJECTED, only_from=[TicketStatus.PENDING]
    )


async def void_ticket(
    session: AsyncSession, ticket_id: int, *, now: datetime, enforce_deadline: bool = True
) -> bool:
    """sold → void (*anulado*). With ``enforce_deadline`` only while ``now <=
    cancel_deadline``; an admin may pass False."""
    extra = [Ticket.cancel_deadline >= now] if enforce_deadline else []
    return await set_ticket_status(
        session,
        ticket_id,
        TicketStatus.VOID,
        only_from=[TicketStatus.SOLD],
        extra_where=extra,
        voided_at=now,
    )


async def settle_ticket(session: AsyncSession, ticket_id: int, *, prize: int) -> bool:
    """Record the evaluation: winner when ``prize > 0``, else loser. Allowed again after a
    result correction, but never once the ticket is paid, void or expired."""
    status = TicketStatus.WINNER if prize > 0 else TicketStatus.LOSER
    return await set_ticket_status(session, ticket_id, status, only_from=SETTLEABLE, prize=prize)


async def mark_paid(
    session: AsyncSession, ticket_id: int, *, paid_by: int, how: PaidHow, now: datetime
) -> bool:
    """winner → paid (*pagado*). False if not a winner (already paid, expired…): pay once."""
    return await set_ticket_status(
        session,
        ticket_id,
        TicketStatus.PAID,
        only_from=[TicketStatus.WINNER],
        paid_at=now,
        paid_by=paid_by,
        paid_how=how,
    )


@dataclass(frozen=True, slots=True)
class PinAttempt:
    """What ``reserve_pin_attempt`` found: the ticket's count and lock after it, and whether
    this attempt got a slot (only then may its PIN be compared)."""

    reserved: bool
    failures: int
    locked_until: datetime | None
    status: TicketStatus


async def reserve_pin_attempt(
    session: AsyncSession, ticket_id: int, *, now: datetime, max_failures: int
) -> PinAttempt:
    """Take one of a winner's ``max_failures`` PIN attempts, before the PIN is compared.

    One conditional UPDATE: it counts the attempt only while the ticket is a winner, not locked
    and under the limit (a lock that is over starts a fresh count at this attempt), so a burst
    can never get more PINs checked than the limit. On PostgreSQL the row stays locked, and on
    SQLite the write lock stays held, until the caller's transaction ends: settle the attempt
    (``lock_pin_payment`` or ``give_back_pin_attempt``) in that same transaction and no other
    attempt sees it half done. Refused: the ticket as it is now, nothing changed.
    """
    over = Ticket.locked_until.is_not(None) & (Ticket.locked_until <= now)
    result = await run_core(
        session,
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.status == TicketStatus.WINNER,
               over | (Ticket.locked_until.is_(None) & (Ticket.pin_failures < max_failures)))
        .values(pin_failures=case((over, 1), else_=Ticket.pin_failures + 1), locked_until=None)
        .returning(Ticket.pin_failures),
    )
    failures = result.scalar_one_or_none()
    if failures is not None:
        refresh_loaded(session, Ticket, ticket_id, pin_failures=failures, locked_until=None)
        return PinAttempt(True, failures, None, TicketStatus.WINNER)
    row = (await run_core(
        session,
        select(Ticket.pin_failures, Ticket.locked_until, Ticket.status)
        .where(Ticket.id == ticket_id),
    )).one()
    refresh_loaded(session, Ticket, ticket_id, pin_failures=row[0], locked_until=row[1],
                   status=row[2])
    return PinAttempt(False, row[0], row[1], row[2])


async def lock_pin_payment(session: AsyncSession, ticket_id: int, *, until: datetime) -> None:
    """The reserved attempt was the last one and its PIN was wrong: lock payment ``until``."""
    await run_core(
        session, update(Ticket).where(Ticket.id == ticket_id).values(locked_until=until))
    refresh_loaded(session, Ticket, ticket_id, locked_until=until)


async def give_back_pin_attempt(session: AsyncSession, ticket_id: int) -> None:
    """The reserved attempt's PIN was right: it uses up none of the attempts (wrong ones
    before it stay counted until a lock is over)."""
    result = await run_core(
        session,
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.pin_failures > 0)
        .values(pin_failures=Ticket.pin_failures - 1)
        .returning(Ticket.pin_failures),
    )
    failures = result.scalar_one_or_none()
    if failures is not None:
        refresh_loaded(session, Ticket, ticket_id, pin_failures=failures)


async def wagers_for_draw(
    session: AsyncSession,
    draw_id: int,
    *,
    ticket_statuses: Collection[TicketStatus] = SETTLEABLE,
) -> Sequence[Wager]:
    """The wagers on a draw whose ticket is in ``ticket_statuses`` (for evaluation)."""
    stmt = (
        select(Wager)
        .join(Ticket, Ticket.id == Wager.ticket_id)
        .where(Wager.draw_id == draw_id, Ticket.status.in_(list(ticket_statuses)))
        .order_by(Wager.ticket_id, Wager.position)
    )
    return (await session.scalars(stmt)).all()


async def set_wager_outcome(
    session: AsyncSession, wager_id: int, outcome: WagerOutcome, *, prize: int | None = None
) -> bool:
    result = await session.execute(
        update(Wager)
        .where(Wager.id == wager_id)
        .values(outcome=outcome, prize=prize)
        .execution_options(synchronize_session=False)
        .returning(Wager.id)
    )
    changed = result.scalar_one_or_none() is not None
    if changed:
        refresh_loaded(session, Wager, wager_id, outcome=outcome, prize=prize)
    return changed


async def pending_tickets(
    session: AsyncSession, *, provider: str, created_before: datetime, limit: int = 100
) -> Sequence[Ticket]:
    """Tickets of ``provider`` still pending (booking outcome unknown) created before
    ``created_before``, oldest first, wagers loaded: what the reconciliation job settles."""
    stmt = (
        _with_wagers()
        .where(
            Ticket.status == TicketStatus.PENDING,
            Ticket.provider == provider,
            Ticket.created_at < created_before,
        )
        .order_by(Ticket.created_at, Ticket.id)
        .limit(limit)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(stmt)).all()
