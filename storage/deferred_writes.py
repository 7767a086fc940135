"""The update's own bookkeeping (its duplicate mark, its FSM state): written by the update's
first commit, whoever makes it, and kept across a rollback.

The writes run inside ``commit()`` itself (SQLAlchemy's ``before_commit`` event), not when they
are known. On SQLite a write holds the database's one write lock until the commit: written at
once, at the start of every update, the bookkeeping held it across every Telegram call the
handler made, and every other update queued behind it. Whatever the commit carries goes with
them: a house sale and its update's mark are one transaction.

They are what the update decided, not what a sale tried: a rollback inside the handler (a
refused sale) keeps them for the next commit. Only :func:`drop_pending_writes` (the update was
another worker's) or the session's end drops them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

#: runs with the synchronous session inside the commit
Write = Callable[[Session], Any]

_PENDING = "taquilla.deferred_writes"
_CACHE = "taquilla.unit_cache"


def defer_write(session: AsyncSession, key: Hashable, write: Write) -> None:
    """Run ``write`` just before ``session`` next commits (a rollback before then keeps it); a
    later write under the same ``key`` replaces an earlier one that has not run yet."""
    session.sync_session.info.setdefault(_PENDING, {})[key] = write


def drop_pending_writes(session: AsyncSession) -> None:
    """Forget every write waiting for a commit."""
    session.sync_session.info.pop(_PENDING, None)


def pending_write(session: AsyncSession, key: Hashable) -> Write | None:
    pending: dict[Hashable, Write] = session.sync_session.info.get(_PENDING, {})
    return pending.get(key)


def unit_cache(session: AsyncSession) -> dict[Hashable, Any]:
    """What this session has read or is about to write, kept while it stays true: across
    commits; a rollback (which may have undone it) forgets it, but for the keys of the writes
    it keeps."""
    cache: dict[Hashable, Any] = session.sync_session.info.setdefault(_CACHE, {})
    return cache


@event.listens_for(Session, "before_commit")
def _run_pending(session: Session) -> None:
    pending: dict[Hashable, Write] | None = session.info.pop(_PENDING, None)
    for write in (pending or {}).values():
        write(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_read(session: Session, _previous_transaction: Any) -> None:
    cache: dict[Hashable, Any] = session.info.pop(_CACHE, None) or {}
    pending: dict[Hashable, Write] = session.info.get(_PENDING) or {}
    kept = {key: value for key, value in cache.items() if key in pending}
    if kept:
        session.info[_CACHE] = kept
