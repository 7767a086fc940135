"""One trip to the SQLite thread per statement instead of four.

aiosqlite runs each SQLite connection in a thread of its own, and SQLAlchemy's adapter makes a
round trip to that thread to open a cursor, another to execute, another to fetch the rows and
another to close the cursor. Each trip wakes the thread, hands the GIL over and wakes the event
loop through its self-pipe: measured, that overhead cost more than the SQL it carried (about 18
trips per bare update). This cursor does all four in one function on the connection's thread.

It replaces SQLAlchemy's aiosqlite cursor class (``_cursor_cls``) when ``storage.db`` is
imported. Server-side cursors and ``executemany`` keep SQLAlchemy's own code. A commit or a
rollback with no transaction open makes no trip at all.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
)

from storage import sqlite_write_gate as write_gate

_Outcome = tuple[list[Any], Any, int, int | None, bool]


def _run(conn: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome:
    """On the connection's thread: the whole life of one cursor."""
    cursor = conn.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return rows, cursor.description, cursor.rowcount, cursor.lastrowid, conn.in_transaction
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """An ``AsyncAdapt_aiosqlite_cursor`` whose ``execute`` is a single thread trip."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]  # made and closed inside each trip
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
        """Nothing stays open between trips."""

    def close(self) -> None:
        self._rows.clear()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        connection = self._connection
        gate = write_gate.gate_of(connection)
        async with self._adapt_connection._execute_mutex:
            if gate is not None and write_gate.may_write(operation) and not gate.holds(connection):
                await gate.enter(connection)
            try:
                rows, self._description, self._rowcount, self._lastrowid, open_transaction = (
                    await connection._execute(_run, connection._conn, operation, parameters)
                )
            except Exception:
                write_gate.release_if_idle(connection)  # a failed statement may have ended it
                raise
            if gate is not None and not open_transaction:
                gate.leave(connection)  # an autocommit statement, or one that ended the transaction
        self._rows = collections.deque(rows)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        connection = self._connection

        def run_many(conn: sqlite3.Connection) -> tuple[int, int | None]:
            cursor = conn.cursor()
            try:
                cursor.executemany(operation, seq_of_parameters)
                return cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        gate = write_gate.gate_of(connection)
        async with self._adapt_connection._execute_mutex:
            if gate is not None and not gate.holds(connection):
                await gate.enter(connection)
            try:
                self._rowcount, self._lastrowid = await connection._execute(
                    run_many, connection._conn
                )
            finally:
                write_gate.release_if_idle(connection)
        self._description = None


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
    """Make SQLAlchemy's aiosqlite connections use :class:`OneTripCursor` and the write gate."""
    if AsyncAdapt_aiosqlite_connection._cursor_cls is OneTripCursor:
        return  # installed already
    AsyncAdapt_aiosqlite_connection._cursor_cls = OneTripCursor
    for name in ("commit", "rollback"):
        method = getattr(AsyncAdapt_aiosqlite_connection, name)
        setattr(AsyncAdapt_aiosqlite_connection, name, _skipped_when_idle(method))
    write_gate.install()
