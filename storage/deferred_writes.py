"""Writes that wait for the unit of work's commit, and are dropped with its rollback.

An update's bookkeeping (the duplicate-update mark, the FSM state) used to be written as soon as
it was known, which on SQLite took the database's single write lock at the start of the update
and held it across every Telegram call the handler made: the other updates queued behind it.
Queued here instead, the writes run inside ``commit()`` itself (SQLAlchemy's ``before_commit``
event), so the lock is held for the few statements of the commit. The outcome is the same: they
are saved if, and only if, the unit of work commits.

An update's own bookkeeping (its duplicate mark, its FSM state) is what the update decided, not
what a sale tried: a handler that rolls back a refused sale and goes on still commits it. Those
writes are deferred with ``survives_rollback`` and ride along with the next commit, so a sale
that succeeds is one transaction, bookkeeping included.
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
_SURVIVING = "taquilla.deferred_writes.surviving"
_CACHE = "taquilla.unit_cache"


def defer_write(
    session: AsyncSession, key: Hashable, write: Write, *, survives_rollback: bool = False
) -> None:
    """Run ``write`` just before ``session`` next commits; a later write under the same ``key``
    replaces an earlier one that has not run yet. With ``survives_rollback`` a rollback keeps it
    (and what the unit cache holds under ``key``) for the commit after."""
    info = session.sync_session.info
    info.setdefault(_PENDING, {})[key] = write
    if survives_rollback:
        info.setdefault(_SURVIVING, set()).add(key)


def drop_pending_writes(session: AsyncSession) -> None:
    """Forget every write waiting for a commit, the surviving ones too."""
    session.sync_session.info.pop(_PENDING, None)
    session.sync_session.info.pop(_SURVIVING, None)


def nothing_to_commit(session: AsyncSession) -> bool:
    """No transaction open, no write waiting and no object changed: a commit would do nothing
    (a sale commits itself; the update's own commit after it then costs a greenlet and a
    transaction's events for nothing)."""
    return not (
        session.in_transaction()
        or session.sync_session.info.get(_PENDING)
        or session.new
        or session.dirty
        or session.deleted
    )


def pending_write(session: AsyncSession, key: Hashable) -> Write | None:
    pending: dict[Hashable, Write] = session.sync_session.info.get(_PENDING, {})
    return pending.get(key)


def unit_cache(session: AsyncSession) -> dict[Hashable, Any]:
    """What this session has read or is about to write, kept while it stays true: across
    commits, but forgotten on a rollback (which may have undone it)."""
    cache: dict[Hashable, Any] = session.sync_session.info.setdefault(_CACHE, {})
    return cache


@event.listens_for(Session, "before_commit")
def _run_pending(session: Session) -> None:
    pending: dict[Hashable, Write] | None = session.info.pop(_PENDING, None)
    session.info.pop(_SURVIVING, None)
    for write in (pending or {}).values():
        write(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous_transaction: Any) -> None:
    pending: dict[Hashable, Write] = session.info.pop(_PENDING, None) or {}
    surviving: set[Hashable] = session.info.pop(_SURVIVING, None) or set()
    cache: dict[Hashable, Any] = session.info.pop(_CACHE, None) or {}
    kept = {key: write for key, write in pending.items() if key in surviving}
    if kept:
        session.info[_PENDING] = kept
        session.info[_SURVIVING] = set(kept)
        session.info[_CACHE] = {key: value for key, value in cache.items() if key in kept}
