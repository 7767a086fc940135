"""Writes that wait for the unit of work's commit, and are dropped with its rollback.

An update's bookkeeping (the duplicate-update mark, the FSM state) used to be written as soon as
it was known, which on SQLite took the database's single write lock at the start of the update
and held it across every Telegram call the handler made: the other updates queued behind it.
Queued here instead, the writes run inside ``commit()`` itself (SQLAlchemy's ``before_commit``
event), so the lock is held for the few statements of the commit. The outcome is the same: they
are saved if, and only if, the unit of work commits.
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
    """Run ``write`` just before ``session`` next commits; a later write under the same ``key``
    replaces an earlier one that has not run yet."""
    session.sync_session.info.setdefault(_PENDING, {})[key] = write


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
    for write in (pending or {}).values():
        write(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous_transaction: Any) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_CACHE, None)
