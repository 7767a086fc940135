"""Migrations: from an empty database to head, agreeing with the models, on both backends."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, select, text

from storage.db import alembic_config, downgrade, make_engine, make_sessionmaker, migrate
from storage.models import Base, LedgerEntry


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, Base.metadata))


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def _state(url: str) -> tuple[set[str], str | None, list[object]]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
            version = None
            if "alembic_version" in tables:
                version = await conn.scalar(text("SELECT version_num FROM alembic_version"))
            diff = await conn.run_sync(_diff)
    finally:
        await engine.dispose()
    return tables, version, diff


async def test_migrate_from_empty_creates_every_model_table(
    empty_db_url: str, tmp_path: Path, monkeypatch: object
) -> None:
    # Called from inside a running event loop (this test), from an unrelated directory.
    monkeypatch.chdir(tmp_path)  # type: ignore[attr-defined]
    await migrate(empty_db_url)

    tables, version, _ = await _state(empty_db_url)
    assert set(Base.metadata.tables) <= tables
    assert version == _head()


async def test_models_and_migrations_agree(empty_db_url: str) -> None:
    await migrate(empty_db_url)
    _, _, diff = await _state(empty_db_url)
    assert diff == []


async def test_migrate_twice_is_a_no_op(db_url: str) -> None:
    await migrate(db_url)
    tables, version, diff = await _state(db_url)
    assert version == _head() and diff == []
    assert "users" in tables


async def test_downgrade_to_base_then_upgrade_again(empty_db_url: str) -> None:
    await migrate(empty_db_url)
    await downgrade(empty_db_url, "base")
    tables, version, _ = await _state(empty_db_url)
    assert tables & set(Base.metadata.tables) == set()
    assert version is None

    await migrate(empty_db_url)
    _, version, diff = await _state(empty_db_url)
    assert version == _head() and diff == []


async def test_sqlite_engine_uses_wal_and_enforces_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'wal.db'}")
    try:
        async with engine.connect() as conn:
            assert (await conn.scalar(text("PRAGMA journal_mode"))) == "wal"
            assert (await conn.scalar(text("PRAGMA foreign_keys"))) == 1
            # a lock held elsewhere is waited for on the connection's thread, not in SQLite's
            # busy handler on the loop's (test_speed_sqlite_cursor: the other process's lock)
            assert (await conn.scalar(text("PRAGMA busy_timeout"))) == 0
    finally:
        await engine.dispose()


async def test_the_ledger_migration_carries_todays_balances_as_opening_rows(
    empty_db_url: str,
) -> None:
    """A banca upgrading with money already on its books: each balance becomes its account's
    opening row, so the ledger's sums equal the columns from the first day."""
    await migrate(empty_db_url, "0006")
    engine = make_engine(empty_db_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO users (id, role, locale, currency, balance, credit_limit, "
                "credit_used, created_at, updated_at) VALUES "
                "(1, 'player', 'es', 'VES', 12345, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
                "(2, 'seller', 'es', 'VES', 0, 50000, 700, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
                "(3, 'player', 'es', 'VES', 0, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    finally:
        await engine.dispose()
    await migrate(empty_db_url)
    engine = make_engine(empty_db_url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT user_id, account, amount, reason, currency FROM ledger_entries "
                "ORDER BY user_id"))).all()
        async with make_sessionmaker(engine)() as session:  # statements read them back
            entry = await session.scalar(select(LedgerEntry).limit(1))
            assert entry is not None and entry.at.tzinfo is not None
    finally:
        await engine.dispose()
    assert [tuple(r) for r in rows] == [(1, "balance", 12345, "opening", "VES"),
                                        (2, "seller", 700, "opening", "VES")]
