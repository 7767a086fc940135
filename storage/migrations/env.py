"""Alembic environment for Taquilla (async engines, SQLite and PostgreSQL).

Two ways in:
- programmatic (``storage.db.migrate``): the caller passes a live synchronous connection in
  ``config.attributes["connection"]`` (obtained with ``AsyncConnection.run_sync``), so nothing
  here starts an event loop and it works from inside a running one;
- the ``alembic`` CLI: the URL comes from ``config.attributes["url"]`` or ``DATABASE_URL``, and
  an async engine is driven with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, pool
from sqlalchemy.ext.asyncio import create_async_engine

from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds the table
        compare_type=True,
        compare_server_default=True,
    )


def do_run_migrations(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode drops and recreates tables; with foreign keys enforced that would cascade or
        # fail. The PRAGMA is a no-op inside a transaction, so it is issued before ours begins.
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()
    if sqlite and not connection.in_transaction():
        connection.exec_driver_sql("PRAGMA foreign_keys = ON")


def _url() -> str:
    url = config.attributes.get("url") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("set DATABASE_URL (e.g. sqlite+aiosqlite:///taquilla.db)")
    return url


async def _run_async_migrations() -> None:
    engine = create_async_engine(_url(), poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
    else:
        if config.config_file_name is not None:
            fileConfig(config.config_file_name, disable_existing_loggers=False)
        asyncio.run(_run_async_migrations())
