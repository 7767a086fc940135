"""PostgreSQL's one-round-trip pre-ping (speed/pg_ping.py): a live pooled connection is kept,
one PostgreSQL closed is replaced before the session uses it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storage.db import make_engine
from tests.db_fixtures import _pg_admin

pytestmark = pytest.mark.usefixtures("pg_databases")


async def test_the_ping_keeps_a_live_connection_and_replaces_a_dropped_one(
    pg_migrated_url: str,
) -> None:
    engine = make_engine(pg_migrated_url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as conn:
            first = await conn.scalar(text("SELECT pg_backend_pid()"))
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT pg_backend_pid()")) == first
        await _pg_admin(f"SELECT pg_terminate_backend({int(first)})")
        async with engine.connect() as conn:  # no error: the ping found it closed
            second = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert second != first
    finally:
        await engine.dispose()


async def test_checking_out_a_pooled_connection_costs_one_statement(pg_migrated_url: str) -> None:
    engine = make_engine(pg_migrated_url, pool_size=1, max_overflow=0)
    sent: list[str] = []
    try:
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            raw.driver_connection.add_query_logger(lambda record: sent.append(record.query))
        async with engine.connect() as conn:
            await conn.scalar(text("SELECT 2"))
        # the ping, then the connection's own transaction (asyncpg's logger leaves out prepared
        # statements such as SELECT 2); SQLAlchemy's own ping sent "BEGIN;", ";", "ROLLBACK;"
        assert sent == ["SELECT 1", "BEGIN;", "ROLLBACK;"]
    finally:
        await engine.dispose()
