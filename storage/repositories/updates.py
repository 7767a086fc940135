"""Telegram update de-duplication: each ``update_id`` is handled at most once.

Telegram redelivers an update when our answer to the webhook was lost, and two webhook workers
may receive the same one; the primary key on ``update_id`` is the arbiter.
"""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from speed.prepared import Prepared, execute, execute_sync
from storage.deferred_writes import defer_write
from storage.models import ProcessedUpdate
from storage.repositories._dialect import bound, insert_for
from storage.types import utcnow

_TABLE = ProcessedUpdate.__table__
#: Built once, run on every update, straight on the driver where it can (``speed.prepared``).
_SEEN = Prepared(select(_TABLE.c.update_id).where(_TABLE.c.update_id == bindparam("update_id")))


@functools.cache
def _mark_stmt(dialect: str) -> Prepared:
    return Prepared(
        insert_for(dialect)(_TABLE)
        .values(bound(("update_id", "processed_at")))
        .on_conflict_do_nothing(index_elements=[_TABLE.c.update_id])
        .returning(_TABLE.c.update_id)
    )


async def was_processed(session: AsyncSession, update_id: int) -> bool:
    seen = await execute(session, _SEEN, {"update_id": update_id})
    return seen.first() is not None


class DuplicateUpdate(Exception):
    """Another worker handled this update first; roll this one back."""


def defer_mark_processed(
    session: AsyncSession, update_id: int, *, now: datetime | None = None
) -> None:
    """Record ``update_id`` when the update's unit of work commits, not before: the write lock
    is then not held while the handler talks to Telegram, and a handler that fails (rollback)
    leaves the update unmarked. If another worker recorded it meanwhile, that commit raises
    :class:`DuplicateUpdate` instead, so the loser's changes are rolled back. A rollback inside
    the handler (a refused sale) keeps the mark for the next commit.

    ``INSERT … ON CONFLICT DO NOTHING RETURNING``: race-safe on both databases.
    """

    def write(sync: Session) -> None:
        marked = execute_sync(
            sync,
            _mark_stmt(sync.connection().dialect.name),
            {"update_id": update_id, "processed_at": now or utcnow()},
        )
        if marked.first() is None:
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
