"""PostgreSQL's pre-ping in one round trip instead of three.

Every session checks its pooled connection out with a ping, so that a connection PostgreSQL
closed (a restart, an idle timeout) is replaced instead of failing the update. SQLAlchemy's
asyncpg ping opens a transaction, runs ``;`` as a prepared statement and rolls back (three
round trips; the transaction is there for pgbouncer in transaction mode, where a prepared
statement must stay on one server connection). Counted in ``bench/scale.py``: about three pings
a sale, a quarter of the sale's statements. The simple query protocol sends ``SELECT 1`` in one
message with nothing prepared, which is safe behind pgbouncer too (asyncpg cannot read the
answer to an empty query, hence not ``;``); a failure is reported
exactly as SQLAlchemy's own ping reports it, so a dead connection is still replaced.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util.concurrency import await_


def _ping(dbapi_connection: Any) -> bool:
    if dbapi_connection._transaction is not None:  # inside a transaction: SQLAlchemy's way
        dbapi_connection.ping()
        return True
    try:
        await_(dbapi_connection._connection.execute("SELECT 1"))
    except Exception as error:
        dbapi_connection._handle_exception(error)  # raises the DBAPI error SQLAlchemy expects
    return True


def speed_up_ping(engine: AsyncEngine) -> None:
    """Make ``engine``'s pre-ping (PostgreSQL with asyncpg) a single simple query."""
    if engine.dialect.driver == "asyncpg":
        engine.sync_engine.dialect.do_ping = _ping  # type: ignore[method-assign]
