"""What must reach its person is written with the decision that made it: the outbox.

A sold ticket's PIN, a pending ticket settled, a refund, a prize: each is queued here in the
transaction that commits it, so that a crash right after the commit, a Telegram error or a 429
cannot lose it; ``services.delivery`` sends it, at once on the happy path and retried with
backoff otherwise, until Telegram has it (at least once: after a crash the same ticket may come
twice, never zero times). The broadcast queue is the other way round (at most once: results and
announcements to many chats), which is why these messages do not go through it.

These functions only add rows to the caller's transaction; they never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories import outbox as repo

#: How long a sender holds a message before another may try it: the sale's handler sends its
#: ticket itself right after the commit, and only if it dies does the background sender step in.
LEASE = timedelta(seconds=30)


async def queue_ticket(
    session: AsyncSession,
    *,
    chat_id: int,
    ticket_id: int,
    pin: str,
    now: datetime,
    lease: timedelta = LEASE,
) -> int:
    """The buyer's ticket with its PIN, held for ``lease`` by the caller that sends it now.
    Returns the row's id, which the caller marks sent."""
    row_id = await repo.add(session, chat_id=chat_id, ticket_id=ticket_id, pin=pin, now=now,
                            due_at=now + lease)
    assert row_id is not None  # no key: always added
    return row_id


async def queue_texts(
    session: AsyncSession, *, messages: Mapping[int, str], now: datetime, key: str
) -> int:
    """One HTML text per chat (``{chat_id: text}``), due now; ``key`` names the news (e.g.
    ``winners:<draw>:<revision>``), so queuing it again adds nothing. Returns how many rows
    were added."""
    added = 0
    for chat_id, text in messages.items():
        if await repo.add(session, chat_id=chat_id, text=text, now=now, due_at=now,
                          key=f"{key}:{chat_id}"):
            added += 1
    return added
