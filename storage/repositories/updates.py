"""Telegram update de-duplication: each ``update_id`` is handled at most once.

Telegram redelivers an update when our answer to the webhook was lost, and two webhook workers
may receive the same one; the primary key on ``update_id`` is the arbiter.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.deferred_writes import defer_write
from storage.models import ProcessedUpdate
from storage.repositories._dialect import upsert_insert
from storage.types import utcnow


async def was_processed(session: AsyncSession, update_id: int) -> bool:
    return await session.scalar(
        select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id)
    ) is not None


class DuplicateUpdate(Exception):
    """Another worker handled this update first; roll this one back."""


def defer_mark_processed(
    session: AsyncSession, update_id: int, *, now: datetime | None = None
) -> None:
    """Record ``update_id`` when the update's unit of work commits, not before: the write lock
    is then not held while the handler talks to Telegram, and a handler that fails (rollback)
    leaves the update unmarked. If another worker recorded it meanwhile, that commit raises
    :class:`DuplicateUpdate` instead, so the loser's changes are rolled back.

    ``INSERT … ON CONFLICT DO NOTHING RETURNING``: race-safe on both databases.
    """

    def write(sync: Session) -> None:
        stmt = (
            upsert_insert(sync, ProcessedUpdate)  # type: ignore[arg-type]
            .values(update_id=update_id, processed_at=now or utcnow())
            .on_conflict_do_nothing(index_elements=[ProcessedUpdate.update_id])
            .returning(ProcessedUpdate.update_id)
        )
        if sync.execute(stmt).scalar_one_or_none() is None:
            raise DuplicateUpdate(update_id)

    defer_write(session, ("processed_update", update_id), write)


async def prune_processed_updates(session: AsyncSession, *, older_than: datetime) -> int:
    """Forget update ids processed before ``older_than`` (Telegram keeps updates < 24 h)."""
    result = await session.execute(
        delete(ProcessedUpdate)
        .where(ProcessedUpdate.processed_at < older_than)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
