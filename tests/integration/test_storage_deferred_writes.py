"""Deferred writes (storage/deferred_writes.py): the update's bookkeeping runs in the commit, a
rollback inside the handler (a refused sale) keeps it for the next commit, and only
drop_pending_writes forgets it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from storage.deferred_writes import defer_write, drop_pending_writes, unit_cache
from storage.models import User
from storage.repositories import users


def _rename(user_id: int, name: str) -> object:
    def write(sync: Session) -> None:
        sync.connection().execute(
            User.__table__.update().where(User.id == user_id).values(first_name=name))

    return write


async def _name(sessionmaker: async_sessionmaker[AsyncSession], user_id: int) -> str | None:
    async with sessionmaker() as other:
        return await other.scalar(select(User.first_name).where(User.id == user_id))


async def test_a_deferred_write_runs_in_the_commit_and_outlives_a_rollback(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await users.ensure_user(session, 1, currency="VES", first_name="Ana")
        await session.commit()
        defer_write(session, "name", _rename(1, "Ana María"))  # type: ignore[arg-type]
        assert await _name(sessionmaker, 1) == "Ana"  # nothing written yet

        await users.debit_balance(session, 1, 100, "VES")  # a sale that is then refused
        await session.rollback()
        await session.commit()
    assert await _name(sessionmaker, 1) == "Ana María"


async def test_the_last_write_under_a_key_wins_and_a_dropped_one_never_runs(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await users.ensure_user(session, 2, currency="VES", first_name="Luis")
        await session.commit()
        defer_write(session, "name", _rename(2, "Luis A."))  # type: ignore[arg-type]
        defer_write(session, "name", _rename(2, "Luis B."))  # type: ignore[arg-type]
        await session.commit()
        assert await _name(sessionmaker, 2) == "Luis B."

        defer_write(session, "name", _rename(2, "nobody"))  # type: ignore[arg-type]
        drop_pending_writes(session)  # the update turned out to be another worker's
        await session.commit()
    assert await _name(sessionmaker, 2) == "Luis B."


async def test_a_rollback_forgets_what_was_read_but_not_what_is_about_to_be_written(
    session: AsyncSession,
) -> None:
    unit_cache(session)["read"] = "a row as read"
    unit_cache(session)["name"] = "what the pending write will make it"
    defer_write(session, "name", lambda _sync: None)
    await users.ensure_user(session, 3, currency="VES")
    await session.rollback()
    assert unit_cache(session) == {"name": "what the pending write will make it"}
