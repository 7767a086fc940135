"""The one-trip SQLite cursor (storage/sqlite_cursor.py): same answers as SQLAlchemy's own, one
trip to the connection's thread per statement."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import make_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(f"sqlite+aiosqlite:///{tmp_path}/cursor.db")
    async with eng.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield eng
    await eng.dispose()


async def test_rows_rowcount_lastrowid_and_many(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        inserted = await conn.execute(text("INSERT INTO t (name) VALUES ('ana')"))
        assert inserted.lastrowid == 1 and inserted.rowcount == 1
        await conn.execute(text("INSERT INTO t (name) VALUES (:n)"),
                           [{"n": "bea"}, {"n": "cruz"}, {"n": "dani"}])
        updated = await conn.execute(text("UPDATE t SET name = name || '!' WHERE id > 2"))
        assert updated.rowcount == 2
        rows = (await conn.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
        assert rows == [(1, "ana"), (2, "bea"), (3, "cruz!"), (4, "dani!")]
        assert (await conn.execute(text("SELECT name FROM t WHERE id = 9"))).first() is None
        returned = await conn.execute(text("INSERT INTO t (name) VALUES ('eva') RETURNING id"))
        assert returned.scalar_one() == 5


async def test_errors_keep_their_kind_and_the_transaction_rolls_back(
    engine: AsyncEngine,
) -> None:
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (name) VALUES ('ana')"))
            await conn.execute(text("INSERT INTO t (name) VALUES ('ana')"))
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every trip to a connection's thread, from now on."""
    seen: list[object] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: object, *args: object) -> object:
        seen.append(fn)
        return await original(self, fn, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return seen


async def test_a_statement_is_one_trip_to_the_connection_thread(
    engine: AsyncEngine, trips: list[object]
) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))  # the connection is open and warm
        trips.clear()
        rows = (await conn.execute(text("SELECT id, name FROM t"))).all()
        assert rows == [] and len(trips) == 1


async def test_commit_and_rollback_with_nothing_written_make_no_trip(
    engine: AsyncEngine, trips: list[object]
) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
        trips.clear()
        await conn.commit()
        await conn.rollback()
        assert trips == []
        await conn.execute(text("INSERT INTO t (name) VALUES ('ana')"))
        await conn.commit()
        assert len(trips) == 2  # the insert and its commit
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT name FROM t"))).scalars().all() == ["ana"]
