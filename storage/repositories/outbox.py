"""The outbox's rows: queued in the caller's transaction, claimed and settled by a sender.

A row is claimed by moving its ``due_at`` ahead (a lease) only if nobody moved it since it was
read, so two senders (two processes, or a handler and the background sender) never both hold
it; a sender that dies leaves the row due again when its lease runs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, OutboxState


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
            insert(OutboxMessage).values(values).returning(OutboxMessage.id)
        )).scalar_one()
    try:
        async with session.begin_nested():
            return (await session.execute(
                insert(OutboxMessage).values(values).returning(OutboxMessage.id)
            )).scalar_one()
    except IntegrityError:
        if await session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)):
            return None
        raise


async def due(session: AsyncSession, now: datetime, limit: int) -> Sequence[tuple[int, datetime]]:
    """(id, due_at) of pending rows due by ``now``, oldest first."""
    rows = await session.execute(
        select(OutboxMessage.id, OutboxMessage.due_at)
        .where(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.due_at <= now)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )
    return [(row.id, row.due_at) for row in rows]


async def claim(
    session: AsyncSession, row_id: int, *, seen_due: datetime, until: datetime
) -> Claimed | None:
    """Hold the row until ``until``, if it is still pending and due as it was read."""
    row = (await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.state == OutboxState.PENDING,
               OutboxMessage.due_at == seen_due)
        .values(due_at=until, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.ticket_id,
                   OutboxMessage.pin, OutboxMessage.text, OutboxMessage.attempts)
        .execution_options(synchronize_session=False)
    )).one_or_none()
    if row is None:
        return None
    return Claimed(row.id, row.chat_id, row.ticket_id, row.pin, row.text, row.attempts)


async def sent(session: AsyncSession, row_id: int, *, message_id: int | None, now: datetime
               ) -> None:
    """Delivered: what it carried (a PIN, money news) is dropped; the row stays as a record."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(state=OutboxState.SENT, sent_at=now, message_id=message_id, pin=None, text=None,
                error=None)
        .execution_options(synchronize_session=False)
    )


async def retry_at(session: AsyncSession, row_id: int, *, due_at: datetime, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.state == OutboxState.PENDING)
        .values(due_at=due_at, error=error[:1000])
        .execution_options(synchronize_session=False)
    )


async def failed(session: AsyncSession, row_id: int, *, error: str) -> None:
    """Refused for good: kept with what it carried, so that a person can still act on it."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(state=OutboxState.FAILED, error=error[:1000])
        .execution_options(synchronize_session=False)
    )
