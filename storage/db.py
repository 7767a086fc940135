"""Engine, sessions and migrations: one code path for SQLite (aiosqlite) and PostgreSQL (asyncpg).

The embedded default is a SQLite file in WAL mode (readers never block the single writer; its
statements run on the event loop's thread and its writers queue at a gate, see
``speed.sqlite_cursor``); PostgreSQL is selected by the URL alone. Migrations run through
Alembic on a connection we hand it, so ``migrate()`` can be awaited from inside a running event
loop (bot start-up) as well as from the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from speed import pg_ping, sqlite_cursor

STORAGE_DIR = Path(__file__).resolve().parent
ALEMBIC_INI = STORAGE_DIR / "alembic.ini"
MIGRATIONS_DIR = STORAGE_DIR / "migrations"

# Any constant works; it only has to be the same for every process migrating the same database.
_PG_MIGRATION_LOCK_ID = 0x7A9C_11A0


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the async engine for ``url`` (``sqlite+aiosqlite:///…`` or
    ``postgresql+asyncpg://…``).

    SQLite connections get ``journal_mode=WAL``, ``synchronous=NORMAL``, ``foreign_keys=ON``, a
    write gate and statements on the loop's thread, and the file's directory is created if
    missing (use a file, not ``:memory:``, which would give every connection its own empty
    database). Extra keyword arguments go to :func:`create_async_engine`.
    """
    kwargs.setdefault("json_serializer", _json_dumps)
    if not is_sqlite(url):
        kwargs.setdefault("pool_pre_ping", True)
        engine = create_async_engine(url, **kwargs)
        pg_ping.speed_up_ping(engine)
        return engine

    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)  # e.g. data/taquilla.db
    connect_args = {**sqlite_cursor.CONNECT_ARGS, **kwargs.pop("connect_args", {})}
    engine = create_async_engine(url, connect_args=connect_args, **kwargs)
    sqlite_cursor.speed_up(engine)  # first: the PRAGMAs below then run on the loop's thread too

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    return engine


def make_sessionmaker(
    engine: AsyncEngine, clock: Callable[[], datetime] | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit (handlers render them afterwards).

    ``clock`` (the app's "now") rides in ``session.info["clock"]``: rows written deep below the
    services that got no ``now`` (a sale's ledger row) are stamped with the app's time."""
    info = {} if clock is None else {"clock": clock}
    return async_sessionmaker(engine, expire_on_commit=False, info=info)


def alembic_config(url: str | None = None) -> Config:
    """Alembic configuration located by path (independent of the current directory)."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # Stored as an attribute, not a main option: ConfigParser would choke on '%' in passwords.
        config.attributes["url"] = url
    return config


def _run_alembic(connection: Connection, config: Config, action: str, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        # Several workers may start at once; the first migrates, the others then find it done.
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK_ID}
        )
    config.attributes["connection"] = connection
    if action == "upgrade":
        command.upgrade(config, revision)
    else:
        command.downgrade(config, revision)


async def _alembic(url: str, action: str, revision: str) -> None:
    config = alembic_config(url)
    engine = make_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run_alembic, config, action, revision)
    finally:
        await engine.dispose()


async def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision`` (default: the latest). Idempotent."""
    await _alembic(url, "upgrade", revision)


async def downgrade(url: str, revision: str) -> None:
    """Downgrade the database at ``url`` to ``revision`` (``"base"`` drops everything)."""
    await _alembic(url, "downgrade", revision)
