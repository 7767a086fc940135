"""Deferred writes (storage/deferred_writes.py): they run in the commit, and a unit of work that
has nothing to commit is known without committing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.deferred_writes import defer_write, nothing_to_commit
from storage.models import User
from storage.repositories import users


async def test_nothing_to_commit_until_a_write_waits_or_an_object_changes(
    session: AsyncSession,
) -> None:
    assert nothing_to_commit(session)
    await users.ensure_user(session, 1, currency="VES")
    assert not nothing_to_commit(session)  # a transaction is open
    await session.commit()
    assert nothing_to_commit(session)

    ran: list[str] = []
    defer_write(session, "note", lambda _sync: ran.append("written"))
    assert not nothing_to_commit(session)
    await session.commit()
    assert ran == ["written"] and nothing_to_commit(session)

    user = await session.get(User, 1)
    await session.commit()
    assert user is not None and nothing_to_commit(session)
    user.locale = "en"  # changed after the last commit, with no statement run yet
    assert not nothing_to_commit(session)
    await session.commit()
    session.expunge_all()
    again = await session.get(User, 1)
    assert again is not None and again.locale == "en"
