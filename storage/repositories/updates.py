"""Telegram update de-duplication: each ``update_id`` is handled at most once.

Telegram redelivers an update when our answer to the webhook was lost, and two webhook workers
may receive the same one; the primary key on ``update_id`` is the arbiter.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate
from storage.repositories._dialect import upsert_insert
from storage.types import utcnow


async def mark_update_processed(
    session: AsyncSession, update_id: int, *, now: datetime | None = None
) -> bool:
    """Record ``update_id``; True the first time, False for a duplicate.

    ``INSERT … ON CONFLICT DO NOTHING RETURNING``: race-safe, and a duplicate does not raise,
    so the caller's transaction stays usable on PostgreSQL. Call it inside the update's unit of
    work so that a failed handler (rollback) leaves the update unmarked and retryable.
    """
    stmt = (
        upsert_insert(session, ProcessedUpdate)
        .values(update_id=update_id, processed_at=now or utcnow())
        .on_conflict_do_nothing(index_elements=[ProcessedUpdate.update_id])
        .returning(ProcessedUpdate.update_id)
    )
    result = await session.execute(stmt)
    return result.scalar_one_or_none() is not None


async def prune_processed_updates(session: AsyncSession, *, older_than: datetime) -> int:
    """Forget update ids processed before ``older_than`` (Telegram keeps updates < 24 h)."""
    result = await session.execute(
        delete(ProcessedUpdate)
        .where(ProcessedUpdate.processed_at < older_than)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
