"""SQLite writers queue at the engine's write gate (speed/sqlite_write_gate.py) instead of
sleeping in SQLite's busy handler. The engines here have ``busy_timeout = 0``: without the gate,
a second writer would fail at once with "database is locked"."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from speed.sqlite_write_gate import WriteGate, gate_of
from storage.db import make_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(f"sqlite+aiosqlite:///{tmp_path}/gate.db")  # busy timeout 0 already
    async with eng.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield eng
    await eng.dispose()


async def _gate(engine: AsyncEngine) -> WriteGate:
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        gate = gate_of(raw.driver_connection)
    assert gate is not None
    return gate


async def _names(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return list((await conn.execute(text("SELECT name FROM t ORDER BY id"))).scalars())


async def _queued(gate: WriteGate, count: int) -> None:
    """Let the loop run until ``count`` writers wait at the gate (nothing signals it)."""
    for _ in range(100_000):
        if gate.waiting() >= count:
            return
        await asyncio.sleep(0)
    raise AssertionError(f"{gate.waiting()} writers queued, expected {count}")


async def test_a_second_writer_waits_for_the_first_commit_instead_of_failing(
    engine: AsyncEngine,
) -> None:
    gate = await _gate(engine)
    holding, release = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (name) VALUES ('ana')"))
            holding.set()
            await release.wait()

    async def second() -> None:
        await holding.wait()
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (name) VALUES ('bea')"))

    async with asyncio.timeout(10):
        tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
        await _queued(gate, 1)
        assert await _names(engine) == []  # reads go on beside the writer, uncommitted unseen
        release.set()
        await asyncio.gather(*tasks)
    assert await _names(engine) == ["ana", "bea"]


async def test_the_gate_is_given_back_on_rollback_error_and_close(engine: AsyncEngine) -> None:
    async with asyncio.timeout(10):  # a gate left held would stall the next writer
        with pytest.raises(RuntimeError):
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t (name) VALUES ('ana')"))
                raise RuntimeError("the handler failed")
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t (name) VALUES ('bea')"))
                await conn.execute(text("INSERT INTO t (name) VALUES ('bea')"))
        async with engine.connect() as conn:  # closed with the transaction still open
            await conn.execute(text("INSERT INTO t (name) VALUES ('cruz')"))
        async with engine.connect() as conn:  # autocommit DDL takes and returns it at once
            await conn.execute(text("CREATE INDEX ix_t_name ON t (name)"))
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (name) VALUES ('dani')"))
    assert await _names(engine) == ["dani"]


async def test_many_concurrent_writers_all_land(engine: AsyncEngine) -> None:
    async def write(i: int) -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (name) VALUES (:n)"), {"n": f"w{i:02d}"})
            await asyncio.sleep(0)  # let the others pile up behind the gate
            await conn.execute(text("UPDATE t SET name = name || '!' WHERE name = :n"),
                               {"n": f"w{i:02d}"})

    async with asyncio.timeout(20):
        await asyncio.gather(*(write(i) for i in range(30)))
    assert sorted(await _names(engine)) == [f"w{i:02d}!" for i in range(30)]


async def test_a_writer_kept_waiting_too_long_goes_on_and_sqlite_decides() -> None:
    gate = WriteGate(timeout=0.01)
    first, second = object(), object()
    await gate.enter(first)
    await gate.enter(second)  # gave up waiting: not the holder
    assert gate.holds(first) and not gate.holds(second)
    gate.leave(second)  # harmless
    assert gate.holds(first)
    gate.leave(first)
    await gate.enter(second)
    assert gate.holds(second)
    gate.leave(second)
