"""Exactly-once update handling and the append-only activity log."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, insert, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ActivityLog
from storage.repositories import activity
from storage.repositories.updates import (
    DuplicateUpdate,
    defer_mark_processed,
    prune_processed_updates,
    was_processed,
)

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def _mark(
    sm: async_sessionmaker[AsyncSession], update_id: int, now: datetime | None = None
) -> bool:
    """What the middleware does: look, mark on commit; False when it was handled already."""
    async with sm() as s:
        if await was_processed(s, update_id):
            return False
        defer_mark_processed(s, update_id, now=now)
        try:
            await s.commit()
        except DuplicateUpdate:
            await s.rollback()
            return False
        return True


async def test_duplicate_update_id_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    assert await _mark(sessionmaker, 900_001)
    assert not await _mark(sessionmaker, 900_001)
    assert await _mark(sessionmaker, 900_002)


async def test_same_update_raced_by_many_workers_is_processed_once(
    concurrent_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # All ten look before anyone commits, so all ten handle it (each writes what a top-up
    # would); only one commit stands, the others' writes are rolled back.
    everyone_looked = asyncio.Barrier(10)

    async def worker() -> bool:
        async with concurrent_sessionmaker() as s:
            assert not await was_processed(s, 777)
            defer_mark_processed(s, 777)
            await everyone_looked.wait()
            await s.execute(
                insert(ActivityLog).values(at=T0, action="TOPUP", details={"update": 777})
            )
            try:
                await s.commit()
            except DuplicateUpdate:
                await s.rollback()
                return False
            return True

    results = await asyncio.gather(*(worker() for _ in range(10)))
    assert sorted(results) == [False] * 9 + [True]
    async with concurrent_sessionmaker() as s:
        assert len(await activity.list_activity(s, action="TOPUP")) == 1


async def test_rolled_back_update_can_be_processed_again(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as s:
        defer_mark_processed(s, 555)
        await s.rollback()  # the handler failed
    assert await _mark(sessionmaker, 555)


async def test_prune_processed_updates(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _mark(sessionmaker, 1, now=T0)
    await _mark(sessionmaker, 2, now=T0.replace(hour=18))
    assert await prune_processed_updates(session, older_than=T0.replace(hour=13)) == 1
    await session.commit()
    assert await _mark(sessionmaker, 1)
    assert not await _mark(sessionmaker, 2)


async def test_activity_log_appends_and_filters(session: AsyncSession) -> None:
    first = await activity.log_activity(
        session,
        "TICKET_SELL",
        actor_id=42,
        target_type="TICKET",
        target_id="A1B2C3",
        details={"total": 500, "currency": "VES", "nota": "señor"},
        at=T0,
    )
    second = await activity.log_activity(session, "USER_ROLE", actor_id=1, at=T0.replace(hour=13))
    await session.commit()
    assert second > first

    newest_first = await activity.list_activity(session)
    assert [e.action for e in newest_first] == ["USER_ROLE", "TICKET_SELL"]
    sold = await activity.list_activity(session, actor_id=42, target_type="TICKET")
    assert len(sold) == 1
    assert sold[0].details == {"total": 500, "currency": "VES", "nota": "señor"}
    assert sold[0].at == T0 and sold[0].target_id == "A1B2C3"
    assert await activity.list_activity(session, since=T0.replace(hour=13)) == [newest_first[0]]


@pytest.mark.parametrize(
    "change",
    [
        update(ActivityLog).values(action="FORGED"),
        delete(ActivityLog),
        update(ActivityLog).values(details={}).where(ActivityLog.action == "TICKET_SELL"),
    ],
    ids=["update-all", "delete-all", "update-one"],
)
async def test_activity_log_refuses_update_and_delete(
    sessionmaker: async_sessionmaker[AsyncSession], change: object
) -> None:
    async with sessionmaker() as s:
        await activity.log_activity(s, "TICKET_SELL", actor_id=42, details={"total": 1}, at=T0)
        await s.commit()

    async with sessionmaker() as s:
        with pytest.raises(DBAPIError, match="append-only"):
            await s.execute(change.execution_options(synchronize_session=False))  # type: ignore[attr-defined]

    async with sessionmaker() as s:
        entries = await activity.list_activity(s)
        assert [(e.action, e.details) for e in entries] == [("TICKET_SELL", {"total": 1})]


async def test_activity_log_refuses_raw_sql(session: AsyncSession) -> None:
    await activity.log_activity(session, "LOGIN", at=T0)
    await session.commit()
    statements = ["DELETE FROM activity_log", "UPDATE activity_log SET actor_id = 1"]
    if session.get_bind().dialect.name == "postgresql":
        statements.append("TRUNCATE activity_log")
    for sql in statements:
        with pytest.raises(DBAPIError, match="append-only"):
            await session.execute(text(sql))
        await session.rollback()
    assert [e.action for e in await activity.list_activity(session)] == ["LOGIN"]
