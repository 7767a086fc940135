"""Writers to one SQLite file queue in the event loop, not in a busy wait.

SQLite has one writer at a time. When a second connection wants to write, SQLite's default busy
handler puts its thread to sleep and tries again after 1, 2, 5, 10, 15, 20, 25, 50, then 100 ms,
however soon the lock is freed. Under load this dominated a sale: measured with 20 buyers, each
sale slept about 26 times in the busy handler, 100 ms at a time in the worst case, while the
lock sat free. (Statements now run on the loop's thread with no busy handler at all, see
``speed.sqlite_cursor``: without the gate, this process's writers would meet each other's
lock and be sent off to wait in a thread.)

So every connection of an engine takes this gate before the statement that starts its write
transaction and gives it back when the transaction ends (commit, rollback, close). A waiting
writer is woken the moment the gate is released. Reads never take it (WAL lets them run beside
the writer). The gate only orders this process's writers: other processes on the same file, and
a writer that waited longer than ``timeout``, meet SQLite's lock and wait for it in the
connection's thread; SQLite's locking stays the judge of correctness.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection

log = logging.getLogger(__name__)

#: The attribute naming a connection's gate (set on aiosqlite's connection object).
ATTRIBUTE = "taquilla_write_gate"

# PRAGMAs run as a connection opens (busy_timeout, WAL...) and never open a transaction.
_NEVER_OPENS_A_TRANSACTION = ("SELECT", "PRAGMA")


def may_write(operation: str) -> bool:
    """Whether a statement can open a write transaction: anything but a SELECT or a PRAGMA."""
    return operation.lstrip()[:6].upper() not in _NEVER_OPENS_A_TRANSACTION


class WriteGate:
    """One writer at a time among one engine's SQLite connections, per event loop."""

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._holders: dict[asyncio.Lock, object] = {}

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    def waiting(self) -> int:
        """Writers queued behind the holder (in this event loop)."""
        lock = self._locks.get(asyncio.get_running_loop())
        return len(lock._waiters or ()) if lock is not None else 0

    def holds(self, connection: object) -> bool:
        return connection in self._holders.values()

    async def enter(self, connection: object) -> None:
        """Wait for the gate. After ``timeout`` the writer goes on without it (SQLite decides)."""
        lock = self._lock()
        try:
            async with asyncio.timeout(self._timeout):
                await lock.acquire()
        except TimeoutError:
            log.warning("SQLite write gate held for over %.0f s; writing without it", self._timeout)
            return
        self._holders[lock] = connection

    def leave(self, connection: object) -> None:
        """Release the gate if ``connection`` holds it; harmless otherwise."""
        for lock, holder in list(self._holders.items()):
            if holder is connection:
                del self._holders[lock]
                lock.release()


def gate_of(connection: object) -> WriteGate | None:
    return getattr(connection, ATTRIBUTE, None)


def release_if_idle(connection: Any) -> None:
    """Give the gate back once ``connection`` (aiosqlite's) has no transaction open."""
    gate = gate_of(connection)
    if gate is None or not gate.holds(connection):
        return
    try:
        raw = connection._connection  # the sqlite3 connection, None once closed
        open_transaction = raw is not None and raw.in_transaction
    except Exception:  # closed underneath us: nothing is open any more
        open_transaction = False
    if not open_transaction:
        gate.leave(connection)


def _releasing(method: Callable[..., None]) -> Callable[..., None]:
    def wrapper(self: AsyncAdapt_aiosqlite_connection) -> None:
        try:
            method(self)
        finally:
            release_if_idle(self._connection)

    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


def install() -> None:
    """Release the gate wherever SQLAlchemy ends an aiosqlite connection's transaction (called
    once, by ``speed.sqlite_cursor.install``)."""
    for name in ("commit", "rollback", "close", "terminate"):
        setattr(AsyncAdapt_aiosqlite_connection, name,
                _releasing(getattr(AsyncAdapt_aiosqlite_connection, name)))
