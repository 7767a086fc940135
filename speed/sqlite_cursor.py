"""SQLite statements run on the event loop's thread; what may wait goes to the connection's.

aiosqlite runs each SQLite connection in a thread of its own and sends it every call. Each trip
wakes the thread, hands the GIL over and wakes the event loop through its self-pipe; measured,
the trip cost far more than the SQL it carried (our statements take microseconds): with about
20 statements a sale, the trips were a quarter of the bot's CPU time.

So a statement runs right here, on the loop's thread, whenever it cannot make the loop wait:
- the connection's busy timeout is 0, so a statement that meets another process's write lock
  fails at once instead of sleeping, and is then run again on the connection's thread, which
  waits for the lock (up to ``BUSY_TIMEOUT_S``) without holding up the loop (writers of this
  process queue at ``speed.sqlite_write_gate`` and never meet each other's lock);
- a read that runs past a budget of SQLite VM instructions (a big report) is interrupted and
  run again on the connection's thread (an interrupted read changes nothing);
- commits and rollbacks stay on the connection's thread: a commit may checkpoint the WAL, which
  writes and syncs the database file. One with no transaction open makes no trip at all.

The connections of an engine given to :func:`speed_up` (``storage.db`` does) are prepared for
this; any other connection keeps making one trip per statement. The cursor replaces
SQLAlchemy's aiosqlite cursor class (``_cursor_cls``); server-side cursors keep SQLAlchemy's own.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from speed import sqlite_write_gate as write_gate

#: How long a statement waits for another process's write lock before failing.
BUSY_TIMEOUT_S = 30.0

#: What ``create_async_engine`` must pass to sqlite3 for :func:`speed_up`: statements run on the
#: loop's thread, commits on the connection's (one thread at a time, never two at once).
CONNECT_ARGS = {"check_same_thread": False}

#: SQLite calls the progress handler every this many VM instructions...
_PROGRESS_EVERY = 1_000
#: ...and a read on the loop's thread may take this many calls (~a millisecond) before it is
#: moved to the connection's thread.
_READ_BUDGET = 200

_ATTRIBUTE = "taquilla_inline"

_Outcome = tuple[list[Any], Any, int, int | None]
T = TypeVar("T")


@dataclass
class _Inline:
    """A prepared connection's state: is a read running on the loop's thread, for how long."""

    reading: bool = False
    ticks: int = 0

    def progress(self) -> int:
        """SQLite's progress handler: non-zero interrupts the statement."""
        if not self.reading:
            return 0
        self.ticks += 1
        return 1 if self.ticks > _READ_BUDGET else 0


def prepare(dbapi_connection: Any) -> None:
    """Let ``dbapi_connection`` (SQLAlchemy's aiosqlite adapter, just opened) run statements on
    the loop's thread. The sqlite3 connection must allow other threads (``check_same_thread``
    false): it is used by one thread at a time, never two at once."""
    connection = dbapi_connection._connection
    state = _Inline()
    raw = connection._conn
    raw.execute("PRAGMA busy_timeout = 0")
    raw.set_progress_handler(state.progress, _PROGRESS_EVERY)
    setattr(connection, _ATTRIBUTE, state)


def _run(conn: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome:
    """The whole life of one cursor."""
    cursor = conn.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return rows, cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _run_many(conn: sqlite3.Connection, operation: str, rows: Any) -> tuple[int, int | None]:
    cursor = conn.cursor()
    try:
        cursor.executemany(operation, rows)
        return cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY or (
        "database is locked" in str(exc)
    )


def _interrupted(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_INTERRUPT or (
        "interrupted" in str(exc)
    )


def _waiting(run: Callable[..., T]) -> Callable[..., T]:
    """``run`` on the connection's thread, retried while another process holds the lock."""

    def waiting(*args: Any) -> T:
        deadline, pause = time.monotonic() + BUSY_TIMEOUT_S, 0.001
        while True:
            try:
                return run(*args)
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    return waiting


_run_waiting = _waiting(_run)
_run_many_waiting = _waiting(_run_many)


def _here(connection: Any, run: Callable[..., T], *args: Any, read: bool) -> T | None:
    """``run(*args)`` on the loop's thread; None when it must go to the connection's thread."""
    state: _Inline | None = getattr(connection, _ATTRIBUTE, None)
    if state is None:
        return None
    state.reading, state.ticks = read, 0
    try:
        return run(connection._conn, *args)
    except sqlite3.OperationalError as exc:
        if _busy(exc) or (read and _interrupted(exc)):
            return None  # nothing done: no lock was taken, or a read was stopped
        raise
    finally:
        state.reading = False


class LoopCursor(AsyncAdapt_aiosqlite_cursor):
    """An ``AsyncAdapt_aiosqlite_cursor`` that runs statements on the loop's thread when it can,
    else in one trip to the connection's thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]  # made and closed for each statement
        self._soft_closed_memoized = {}
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    async def _async_soft_close(self) -> None:
        """Nothing stays open between statements."""

    def close(self) -> None:
        self._rows.clear()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        rows, self._rowcount = await self.run(operation, parameters)
        self._rows = collections.deque(rows)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._rowcount = await self.run_many(operation, seq_of_parameters)

    async def run(self, operation: str, parameters: Any) -> tuple[list[Any], int]:
        """Run one statement; its rows and row count (``speed.prepared`` calls this directly,
        without SQLAlchemy's execution around it)."""
        read = not write_gate.may_write(operation)
        rows, self._description, self._rowcount, self._lastrowid = await self._statement(
            _run, _run_waiting, operation, parameters, read=read
        )
        return rows, self._rowcount

    async def run_many(self, operation: str, seq_of_parameters: Any) -> int:
        """Run one statement for each set of parameters; the row count."""
        self._rowcount, self._lastrowid = await self._statement(
            _run_many, _run_many_waiting, operation, seq_of_parameters, read=False
        )
        self._description = None
        return self._rowcount

    async def _statement(
        self, run: Callable[..., T], waiting: Callable[..., T], operation: str, args: Any, *,
        read: bool,
    ) -> T:
        """``run`` here or ``waiting`` on the connection's thread, a write holding the gate,
        which goes back once no transaction is open (an autocommit statement, a failed one)."""
        connection = self._connection
        gate = write_gate.gate_of(connection)
        async with self._adapt_connection._execute_mutex:
            if gate is not None and not read and not gate.holds(connection):
                await gate.enter(connection)
            try:
                outcome = _here(connection, run, operation, args, read=read)
                if outcome is None:
                    outcome = await connection._execute(waiting, connection._conn, operation, args)
            except asyncio.CancelledError:
                raise  # the statement may still run; the rollback that follows frees the gate
            except BaseException:
                write_gate.release_if_idle(connection)
                raise
            write_gate.release_if_idle(connection)
            return outcome


def _skipped_when_idle(method: Callable[[Any], None]) -> Callable[[Any], None]:
    """sqlite3's commit and rollback do nothing without an open transaction; skip the trip too.

    The pool rolls back every connection it takes back, and read-only units of work commit:
    three or four empty trips per update."""

    def wrapper(self: AsyncAdapt_aiosqlite_connection) -> None:
        raw = self._connection._connection  # the sqlite3 connection, None once closed
        if raw is not None and not raw.in_transaction:
            return
        method(self)

    wrapper.__name__ = method.__name__
    return wrapper


def install() -> None:
    """Make SQLAlchemy's aiosqlite connections use :class:`LoopCursor` and the write gate."""
    if AsyncAdapt_aiosqlite_connection._cursor_cls is LoopCursor:
        return  # installed already
    AsyncAdapt_aiosqlite_connection._cursor_cls = LoopCursor
    for name in ("commit", "rollback"):
        method = getattr(AsyncAdapt_aiosqlite_connection, name)
        setattr(AsyncAdapt_aiosqlite_connection, name, _skipped_when_idle(method))
    write_gate.install()


def speed_up(engine: AsyncEngine) -> None:
    """Run ``engine``'s statements on the loop's thread, its writers queued at one write gate
    (``engine`` was created with :data:`CONNECT_ARGS`). Call it before any other ``connect``
    listener of the engine runs a statement, so that those run here too."""
    install()
    gate = write_gate.WriteGate(timeout=BUSY_TIMEOUT_S)

    @event.listens_for(engine.sync_engine, "connect")
    def _prepare(dbapi_connection: Any, _record: Any) -> None:
        # the gate lives on aiosqlite's connection object, which the cursor reaches
        setattr(dbapi_connection._connection, write_gate.ATTRIBUTE, gate)
        prepare(dbapi_connection)  # busy timeout 0: waits happen in the connection's thread
