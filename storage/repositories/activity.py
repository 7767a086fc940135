"""The append-only activity log (audit trail). Rows can only be added; the database refuses
UPDATE and DELETE on ``activity_log`` with triggers, whoever asks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from speed.prepared import Prepared, run_core
from storage.models import ActivityLog
from storage.repositories._dialect import bound
from storage.types import utcnow


async def log_activity(
    session: AsyncSession,
    action: str,
    *,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    details: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> int:
    """Append one entry, e.g. ``log_activity(s, "TICKET_SELL", actor_id=uid,
    target_type="TICKET", target_id=serial, details={"total": 500, "currency": "VES"})``.

    ``details`` must be JSON-serialisable (money as integer minor units or strings). Returns
    the entry id.
    """
    result = await run_core(session, _APPEND, {
        "at": at or utcnow(),
        "actor_id": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": None if target_id is None else str(target_id),
        "details": dict(details or {}),
    })
    return int(result.scalar_one())


_COLUMNS = ("at", "actor_id", "action", "target_type", "target_id", "details")
# Built once: every sale, cancel and payment appends an entry.
_APPEND = Prepared(insert(ActivityLog.__table__).values(bound(_COLUMNS)).returning(ActivityLog.id))


async def list_activity(
    session: AsyncSession,
    *,
    actor_id: int | None = None,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> Sequence[ActivityLog]:
    """Newest first, filtered by whichever arguments are given."""
    stmt = select(ActivityLog).order_by(ActivityLog.at.desc(), ActivityLog.id.desc()).limit(limit)
    if actor_id is not None:
        stmt = stmt.where(ActivityLog.actor_id == actor_id)
    if action is not None:
        stmt = stmt.where(ActivityLog.action == action)
    if target_type is not None:
        stmt = stmt.where(ActivityLog.target_type == target_type)
    if target_id is not None:
        stmt = stmt.where(ActivityLog.target_id == str(target_id))
    if since is not None:
        stmt = stmt.where(ActivityLog.at >= since)
    if until is not None:
        stmt = stmt.where(ActivityLog.at < until)
    return (await session.scalars(stmt)).all()
