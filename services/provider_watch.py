"""The watchdog of a remote lottery system: since when it has not answered, and one alert to the
banca's chat once that is longer than PROVIDER_DOWN_MINUTES (and one when it answers again).

The outage lives in the activity log (``PROVIDER_DOWN`` at the first failed probe,
``PROVIDER_UP`` at the first answer after it), so a restart or another worker taking the draws
job's lease over carries on with the same "since". It runs in the draws job, under its lease: one
process probes at a time. The alert's queue key holds the outage's start, so a tick after the
threshold (or a second process) queues nothing more: one alert per outage.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from services import alerts
from storage.models import ActivityLog
from storage.repositories.activity import log_activity

DOWN, UP = "PROVIDER_DOWN", "PROVIDER_UP"
TARGET = "PROVIDER"


async def down_since(session: AsyncSession, name: str) -> datetime | None:
    """When the provider's current outage began (None: it answered at the last probe)."""
    row = (await session.execute(
        select(ActivityLog.action, ActivityLog.at)
        .where(ActivityLog.target_type == TARGET, ActivityLog.target_id == name,
               ActivityLog.action.in_((DOWN, UP)))
        .order_by(ActivityLog.id.desc()).limit(1))).first()
    return row.at if row is not None and row.action == DOWN else None


async def note_probe(session: AsyncSession, catalog: Catalog, name: str, *, answered: bool,
                     now: datetime, after: timedelta) -> bool:
    """Record one probe's outcome; True when an alert was queued (wake the sender)."""
    since = await down_since(session, name)
    if answered:
        if since is None:
            return False
        await log_activity(session, UP, target_type=TARGET, target_id=name, at=now,
                           details={"since": since.isoformat()})
        if now - since < after:  # a blip nobody was told about: nothing to take back
            return False
        return await alerts.provider_back(session, catalog, name, since, now)
    if since is None:
        await log_activity(session, DOWN, target_type=TARGET, target_id=name, at=now)
        since = now
    if now - since < after:
        return False
    return await alerts.provider_down(session, catalog, name, since, now)
