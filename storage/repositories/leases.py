"""Leases (``storage.models.Lease``): take, renew, read and give back, in one statement each."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Lease
from storage.repositories._dialect import upsert_insert

_T = Lease.__table__


async def take(
    session: AsyncSession, name: str, holder: str, *, now: datetime, ttl: timedelta,
    replacing: str | None = None,
) -> bool:
    """Take or renew ``name`` for ``holder`` until ``now + ttl``: it succeeds when the lease is
    free, expired, already ``holder``'s, or held by ``replacing`` (a holder known to be dead).
    One ``INSERT … ON CONFLICT DO UPDATE … WHERE``, so two processes never both succeed."""
    stmt = upsert_insert(session, _T).values(name=name, holder=holder, expires_at=now + ttl)
    takeable = or_(_T.c.expires_at <= now, _T.c.holder == holder)
    if replacing is not None:
        takeable = or_(takeable, _T.c.holder == replacing)
    stmt = stmt.on_conflict_do_update(
        index_elements=[_T.c.name],
        set_={"holder": stmt.excluded.holder, "expires_at": stmt.excluded.expires_at},
        where=takeable,
    ).returning(_T.c.holder)
    return (await session.execute(stmt)).scalar_one_or_none() == holder


async def holder_of(session: AsyncSession, name: str) -> tuple[str, datetime] | None:
    """Who holds ``name`` and until when (possibly past); None when nobody took it."""
    row = (await session.execute(
        select(_T.c.holder, _T.c.expires_at).where(_T.c.name == name)
    )).first()
    return None if row is None else (row[0], row[1])


async def release(session: AsyncSession, name: str, holder: str) -> None:
    """Give ``name`` back (a clean stop), so that another process takes it at once."""
    await session.execute(delete(_T).where(_T.c.name == name, _T.c.holder == holder))
