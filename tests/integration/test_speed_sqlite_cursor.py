"""The SQLite cursor (speed/sqlite_cursor.py): same answers as SQLAlchemy's own; statements on
the loop's thread, and on the connection's thread what would make the loop wait."""

from __future__ import annotations

import asyncio
import sqlite3
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


async def test_a_statement_runs_on_the_loops_thread(
    engine: AsyncEngine, trips: list[object]
) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))  # the connection is open and warm
        trips.clear()
        await conn.execute(text("INSERT INTO t (name) VALUES ('ana')"))
        rows = (await conn.execute(text("SELECT id, name FROM t"))).all()
        assert rows == [(1, "ana")] and trips == []


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
        assert len(trips) == 1  # the commit, on the connection's thread (it may checkpoint)
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT name FROM t"))).scalars().all() == ["ana"]


async def test_another_process_lock_is_waited_for_off_the_loop(
    engine: AsyncEngine, trips: list[object], tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "cursor.db", isolation_level=None)  # another process
    other.execute("BEGIN IMMEDIATE")  # holds the write lock
    other.execute("INSERT INTO t (name) VALUES ('other')")

    async def write() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (name) VALUES ('ours')"))

    async with asyncio.timeout(10):
        writer = asyncio.create_task(write())
        ticks = 0
        while not trips and ticks < 100_000:  # until the insert went to its thread to wait
            ticks += 1
            await asyncio.sleep(0)
        assert trips and not writer.done()
        for _ in range(100):  # the loop keeps running while the writer waits
            await asyncio.sleep(0)
        assert not writer.done()
        other.execute("COMMIT")
        await writer
    other.close()
    async with engine.connect() as conn:
        names = (await conn.execute(text("SELECT name FROM t ORDER BY id"))).scalars().all()
    assert names == ["other", "ours"]


async def test_a_long_read_moves_to_the_connections_thread(
    engine: AsyncEngine, trips: list[object]
) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO t (name) VALUES (:n)"),
                           [{"n": f"n{i}"} for i in range(100)])
    long_count = text("SELECT count(*) FROM t AS a, t AS b, t AS c")  # a million rows
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
        trips.clear()
        assert (await conn.execute(long_count)).scalar_one() == 1_000_000
        assert len(trips) == 1
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one() == 100
        assert len(trips) == 1  # a short one stays on the loop's thread
