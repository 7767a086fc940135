"""The outbox's rows: queued in the caller's transaction, claimed and settled by a sender.

A row is claimed by moving its ``due_at`` ahead (a lease) only if nobody moved it since it was
read, so two senders (two processes, or a handler and the background sender) never both hold
it; a sender that dies leaves the row due again when its lease runs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, OutboxState

#: Core, not the ORM: these rows are never loaded as objects, and the ORM's bulk path costs a
#: sale about a third of a millisecond more per statement.
_T = OutboxMessage.__table__


@dataclass(frozen=True)
class Claimed:
    """What a sender needs of a row it holds."""

    id: int
    chat_id: int
    ticket_id: int | None
    pin: str | None
    text: str | None
    attempts: int


async def add(
    session: AsyncSession,
    *,
    chat_id: int,
    now: datetime,
    due_at: datetime,
    ticket_id: int | None = None,
    pin: str | None = None,
    text: str | None = None,
    key: str | None = None,
) -> int | None:
    """Queue one message; None when ``key`` is queued already (nothing added)."""
    values = dict(chat_id=chat_id, ticket_id=ticket_id, pin=pin, text=text, key=key,
                  state=OutboxState.PENDING, attempts=0, due_at=due_at, created_at=now)
    if key is None:
        return (await session.execute(
            insert(_T).values(values).returning(_T.c.id)
        )).scalar_one()
    try:
        async with session.begin_nested():
            return (await session.execute(
                insert(_T).values(values).returning(_T.c.id)
            )).scalar_one()
    except IntegrityError:
        if await session.scalar(select(_T.c.id).where(_T.c.key == key)):
            return None
        raise


async def due(session: AsyncSession, now: datetime, limit: int) -> Sequence[tuple[int, datetime]]:
    """(id, due_at) of pending rows due by ``now``, oldest first."""
    rows = await session.execute(
        select(_T.c.id, _T.c.due_at)
        .where(_T.c.state == OutboxState.PENDING, _T.c.due_at <= now)
        .order_by(_T.c.due_at, _T.c.id)
        .limit(limit)
    )
    return [(row.id, row.due_at) for row in rows]


async def claim(
    session: AsyncSession, row_id: int, *, seen_due: datetime, until: datetime
) -> Claimed | None:
    """Hold the row until ``until``, if it is still pending and due as it was read."""
    row = (await session.execute(
        update(_T)
        .where(_T.c.id == row_id, _T.c.state == OutboxState.PENDING,
               _T.c.due_at == seen_due)
        .values(due_at=until, attempts=_T.c.attempts + 1)
        .returning(_T.c.id, _T.c.chat_id, _T.c.ticket_id,
                   _T.c.pin, _T.c.text, _T.c.attempts)
        .execution_options(synchronize_session=False)
    )).one_or_none()
    if row is None:
        return None
    return Claimed(row.id, row.chat_id, row.ticket_id, row.pin, row.text, row.attempts)


class Delivered(NamedTuple):
    row_id: int
    message_id: int | None
    at: datetime


async def sent_many(session: AsyncSession, delivered: Sequence[Delivered]) -> None:
    """Delivered, many rows in one executemany: what each carried (a PIN, money news) is
    dropped; the rows stay as a record."""
    if not delivered:
        return
    await session.execute(
        update(_T)
        .where(_T.c.id == bindparam("_id"))
        .values(state=OutboxState.SENT, sent_at=bindparam("_at"),
                message_id=bindparam("_message"), pin=None, text=None, error=None),
        [{"_id": d.row_id, "_message": d.message_id, "_at": d.at} for d in delivered],
    )


async def sent(session: AsyncSession, row_id: int, *, message_id: int | None, now: datetime
               ) -> None:
    """Delivered: what it carried (a PIN, money news) is dropped; the row stays as a record."""
    await sent_many(session, [Delivered(row_id, message_id, now)])


async def retry_at(session: AsyncSession, row_id: int, *, due_at: datetime, error: str) -> None:
    await session.execute(
        update(_T)
        .where(_T.c.id == row_id, _T.c.state == OutboxState.PENDING)
        .values(due_at=due_at, error=error[:1000])
        .execution_options(synchronize_session=False)
    )


async def failed(session: AsyncSession, row_id: int, *, error: str) -> None:
    """Refused for good: kept with what it carried, so that a person can still act on it."""
    await session.execute(
        update(_T)
        .where(_T.c.id == row_id)
        .values(state=OutboxState.FAILED, error=error[:1000])
        .execution_options(synchronize_session=False)
    )
