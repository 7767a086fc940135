"""The broadcast queue: broadcasts, their deliveries, and the atomic claim that makes
"never twice" hold across workers.

A delivery moves ``pending → sending → sent | failed | blocked | unknown`` (or back to
``pending`` when a worker gives it up *knowing* it was not sent). Every move is one conditional
UPDATE on the expected current state, so a stale worker can never overwrite another's outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastKind,
    BroadcastStatus,
    DeliveryState,
    User,
)
from storage.repositories._dialect import upsert_insert

#: Lower runs first: a winner must not wait behind a 100,000-chat announcement.
PRIORITY = {BroadcastKind.PERSONAL: 0, BroadcastKind.RESULTS: 1, BroadcastKind.ANNOUNCEMENT: 2}
_ACTIVE = (BroadcastStatus.QUEUED, BroadcastStatus.RUNNING)
_D = BroadcastDelivery


@dataclass(frozen=True)
class ClaimedDelivery:
    id: int
    chat_id: int
    text: str | None  # personal text, or None for the broadcast's


async def create_broadcast(
    session: AsyncSession,
    *,
    kind: BroadcastKind,
    text: str | None,
    audience: dict[str, Any],
    now: datetime,
    image: bytes | None = None,
    image_file_id: str | None = None,
    paid: bool = False,
    created_by: int | None = None,
    progress_chat_id: int | None = None,
    progress_locale: str | None = None,
    key: str | None = None,
) -> tuple[int, bool]:
    """Insert a queued broadcast; returns ``(id, created)``.

    With a ``key`` already used, nothing is inserted and the existing id comes back with
    ``created=False`` (two workers publishing the same results enqueue it once).
    """
    table = Broadcast.__table__
    stmt = (
        upsert_insert(session, table)
        .values(
            key=key,
            kind=kind,
            status=BroadcastStatus.QUEUED,
            created_by=created_by,
            text=text,
            image=image,
            image_file_id=image_file_id,
            audience=audience,
            paid=paid,
            total=0,
            progress_chat_id=progress_chat_id,
            progress_locale=progress_locale,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[table.c.key])
        .returning(table.c.id)
    )
    new_id = (await session.execute(stmt)).scalar_one_or_none()
    if new_id is not None:
        return new_id, True
    existing = await session.scalar(select(Broadcast.id).where(Broadcast.key == key))
    assert existing is not None
    return existing, False


async def add_deliveries(
    session: AsyncSession, broadcast_id: int, rows: Iterable[tuple[int, str | None]]
) -> int:
    """Bulk-insert one pending delivery per ``(chat_id, personal_text)``; returns the count.

    Chats must be distinct (the unique constraint refuses a second row for a chat).
    """
    values = [{"broadcast_id": broadcast_id, "chat_id": c, "text": t} for c, t in rows]
    if values:
        await session.execute(insert(_D), values)
    await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id)
        .values(total=Broadcast.total + len(values))
        .execution_options(synchronize_session=False)
    )
    return len(values)


async def get_broadcast(session: AsyncSession, broadcast_id: int) -> Broadcast | None:
    return await session.get(Broadcast, broadcast_id, populate_existing=True)


async def next_broadcast(session: AsyncSession) -> int | None:
    """The queued or running broadcast to work on: most urgent kind first, then oldest."""
    priority = case(PRIORITY, value=Broadcast.kind, else_=len(PRIORITY))
    stmt = (
        select(Broadcast.id)
        .where(Broadcast.status.in_(_ACTIVE))
        .order_by(priority, Broadcast.id)
        .limit(1)
    )
    return await session.scalar(stmt)


async def more_urgent_waiting(
    session: AsyncSession, broadcast_id: int, kind: BroadcastKind
) -> bool:
    """True if a broadcast of a more urgent kind is queued or running (the current one yields)."""
    urgent = [k for k, p in PRIORITY.items() if p < PRIORITY[kind]]
    if not urgent:
        return False
    stmt = select(
        exists().where(
            Broadcast.status.in_(_ACTIVE), Broadcast.kind.in_(urgent), Broadcast.id != broadcast_id
        )
    )
    return bool(await session.scalar(stmt))


async def start(session: AsyncSession, broadcast_id: int, now: datetime) -> bool:
    """queued → running (first worker only); True if this call started it."""
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.QUEUED)
        .values(status=BroadcastStatus.RUNNING, started_at=now)
        .execution_options(synchronize_session=False)
        .returning(Broadcast.id)
    )
    return result.scalar_one_or_none() is not None


async def claim(
    session: AsyncSession, broadcast_id: int, limit: int, now: datetime
) -> list[ClaimedDelivery]:
    """Atomically move up to ``limit`` pending deliveries to ``sending`` and return them.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets concurrent workers claim disjoint rows without
    waiting. SQLite has a single writer, so the conditional UPDATE is atomic as it stands.
    """
    if limit <= 0:
        return []
    pick = (
        select(_D.id)
        .where(_D.broadcast_id == broadcast_id, _D.state == DeliveryState.PENDING)
        .order_by(_D.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(_D)
        .where(_D.id.in_(pick.scalar_subquery()), _D.state == DeliveryState.PENDING)
        .values(state=DeliveryState.SENDING, claimed_at=now, attempts=_D.attempts + 1)
        .execution_options(synchronize_session=False)
        .returning(_D.id, _D.chat_id, _D.text)
    )
    rows = (await session.execute(stmt)).all()
    return sorted((ClaimedDelivery(r.id, r.chat_id, r.text) for r in rows), key=lambda d: d.id)


async def _finish_delivery(session: AsyncSession, delivery_id: int, **values: Any) -> bool:
    result = await session.execute(
        update(_D)
        .where(_D.id == delivery_id, _D.state == DeliveryState.SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
        .returning(_D.id)
    )
    return result.scalar_one_or_none() is not None


async def mark_sent(
    session: AsyncSession, delivery_id: int, message_id: int, now: datetime
) -> bool:
    return await _finish_delivery(
        session, delivery_id, state=DeliveryState.SENT, message_id=message_id, finished_at=now,
        text=None,
    )


async def mark_sent_many(
    session: AsyncSession, sent: Sequence[tuple[int, int]], now: datetime
) -> None:
    """:func:`mark_sent` for many ``(delivery_id, message_id)`` pairs in one executemany.

    A delivered personal text is forgotten: it may carry a ticket's PIN (a ticket confirmed by
    reconciliation), and PINs are never kept in clear; the chat holds the message."""
    if not sent:
        return
    table = _D.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("_id"), table.c.state == DeliveryState.SENDING.value)
        .values(
            state=DeliveryState.SENT.value, message_id=bindparam("_message_id"), finished_at=now,
            text=None,
        )
    )
    await session.execute(stmt, [{"_id": d, "_message_id": m} for d, m in sent])


async def mark_outcome(
    session: AsyncSession, delivery_id: int, state: DeliveryState, error: str, now: datetime
) -> bool:
    """sending → failed / blocked / unknown, with the reason."""
    if state not in (DeliveryState.FAILED, DeliveryState.BLOCKED, DeliveryState.UNKNOWN):
        raise ValueError(f"not a final failure state: {state}")
    return await _finish_delivery(
        session, delivery_id, state=state, error=error[:1000], finished_at=now
    )


async def release(session: AsyncSession, delivery_id: int, reason: str | None = None) -> bool:
    """sending → pending: the worker *knows* the message did not go out (429, stopped first)."""
    return await _finish_delivery(
        session, delivery_id, state=DeliveryState.PENDING, claimed_at=None, error=reason
    )


async def expire_stale(
    session: AsyncSession, broadcast_id: int, claimed_before: datetime, now: datetime
) -> int:
    """sending → unknown for claims older than ``claimed_before`` (their worker died).

    They are not resent: Telegram has no idempotency key, so one may already be in the chat.
    """
    result = await session.execute(
        update(_D)
        .where(
            _D.broadcast_id == broadcast_id,
            _D.state == DeliveryState.SENDING,
            _D.claimed_at < claimed_before,
        )
        .values(
            state=DeliveryState.UNKNOWN,
            error="interrupted while sending; not resent",
            finished_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def counts(session: AsyncSession, broadcast_id: int) -> dict[DeliveryState, int]:
    """Deliveries per state (every state present, zero when none)."""
    stmt = select(_D.state, func.count()).where(_D.broadcast_id == broadcast_id).group_by(_D.state)
    found = {DeliveryState(state): n for state, n in (await session.execute(stmt)).all()}
    return {state: found.get(state, 0) for state in DeliveryState}


async def finish(session: AsyncSession, broadcast_id: int, now: datetime) -> bool:
    """running → done once nothing is pending or sending; True for the one caller that did it."""
    busy = exists().where(
        _D.broadcast_id == broadcast_id,
        _D.state.in_((DeliveryState.PENDING, DeliveryState.SENDING)),
    )
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status.in_(_ACTIVE), ~busy)
        .values(status=BroadcastStatus.DONE, finished_at=now)
        .execution_options(synchronize_session=False)
        .returning(Broadcast.id)
    )
    return result.scalar_one_or_none() is not None


async def cancel(session: AsyncSession, broadcast_id: int, now: datetime) -> int:
    """Stop a broadcast: its pending deliveries become ``cancelled``; returns how many.

    Deliveries already being sent finish normally.
    """
    await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status.in_(_ACTIVE))
        .values(status=BroadcastStatus.CANCELLED, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(
        update(_D)
        .where(_D.broadcast_id == broadcast_id, _D.state == DeliveryState.PENDING)
        .values(state=DeliveryState.CANCELLED, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def retry_unknown(session: AsyncSession, broadcast_id: int) -> int:
    """An admin's explicit choice: send the ``unknown`` deliveries again (duplicates possible).

    Reopens the broadcast if it had finished; returns how many deliveries were requeued.
    """
    result = await session.execute(
        update(_D)
        .where(_D.broadcast_id == broadcast_id, _D.state == DeliveryState.UNKNOWN)
        .values(state=DeliveryState.PENDING, claimed_at=None, finished_at=None)
        .execution_options(synchronize_session=False)
    )
    requeued = result.rowcount or 0
    if requeued:
        await session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.DONE)
            .values(status=BroadcastStatus.RUNNING, finished_at=None)
            .execution_options(synchronize_session=False)
        )
    return requeued


async def set_image_file_id(session: AsyncSession, broadcast_id: int, file_id: str) -> None:
    """Remember Telegram's id of the uploaded image, so later chats do not upload it again."""
    await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.image_file_id.is_(None))
        .values(image_file_id=file_id)
        .execution_options(synchronize_session=False)
    )


async def set_progress_message(
    session: AsyncSession, broadcast_id: int, message_id: int, now: datetime
) -> bool:
    """Record the admin's progress message (first writer wins)."""
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.progress_message_id.is_(None))
        .values(progress_message_id=message_id, progress_at=now)
        .execution_options(synchronize_session=False)
        .returning(Broadcast.id)
    )
    return result.scalar_one_or_none() is not None


async def take_progress_slot(
    session: AsyncSession, broadcast_id: int, now: datetime, every: timedelta
) -> bool:
    """True for the one worker allowed to edit the progress message now (at most one per
    ``every``, however many workers share the broadcast)."""
    result = await session.execute(
        update(Broadcast)
        .where(
            Broadcast.id == broadcast_id,
            Broadcast.progress_message_id.is_not(None),
            or_(Broadcast.progress_at.is_(None), Broadcast.progress_at <= now - every),
        )
        .values(progress_at=now)
        .execution_options(synchronize_session=False)
        .returning(Broadcast.id)
    )
    return result.scalar_one_or_none() is not None


async def active_user_ids(session: AsyncSession) -> Sequence[int]:
    """Every active user, sorted (the audience of a broadcast "to everyone")."""
    stmt = select(User.id).where(User.is_active.is_(True)).order_by(User.id)
    return (await session.scalars(stmt)).all()


async def deliveries(session: AsyncSession, broadcast_id: int) -> Sequence[BroadcastDelivery]:
    """All deliveries of a broadcast, by id (reports and tests)."""
    stmt = select(_D).where(_D.broadcast_id == broadcast_id).order_by(_D.id)
    return (await session.scalars(stmt)).all()
