"""pytest plugin: real databases for tests (SQLite file, PostgreSQL, Redis).

Register with ``pytest_plugins = ["tests.db_fixtures"]`` in ``tests/conftest.py``.

Fixtures:
- ``db_url`` — parametrized ``[sqlite]`` / ``[postgres]``: URL of a *migrated, empty* database.
  SQLite: a copy of a once-migrated template file in ``tmp_path``. PostgreSQL: one uniquely
  named database per test session (created through the ``test`` db, dropped at the end),
  emptied before each test. So tests never collide and never leave anything behind.
- ``empty_db_url`` — same parametrization, a database with no tables (migration tests).
- ``engine``, ``sessionmaker``, ``session`` — on ``db_url``; ``concurrent_sessionmaker`` has a
  pool sized for concurrency tests.
- ``redis_url`` — a Redis database reserved for tests (db 15 by default), flushed after each test.

Unreachable PostgreSQL/Redis: the test is skipped with the reason, except under ``CI=true``,
where it fails: CI must never pass by silently skipping.
Environment overrides: ``TAQUILLA_TEST_PG_URL`` (admin database URL),
``TAQUILLA_TEST_REDIS_URL``. Marks: ``postgres`` and ``redis`` (``-m "not postgres"``).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import make_engine, make_sessionmaker, migrate
from storage.models import Base

PG_ADMIN_URL = os.environ.get(
    "TAQUILLA_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_TEST_URL = os.environ.get("TAQUILLA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]

T = TypeVar("T")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL server")
    config.addinivalue_line("markers", "redis: needs the Redis server")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "redis_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.redis)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def service_unavailable(reason: str) -> None:
    """Skip locally; fail under CI=true (a missing service must not look like a green run)."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from sync fixture code, on a private loop in a thread,
    so it works whether or not an event loop is already running in this thread."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(factory())
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="db-fixture")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


# --- PostgreSQL ------------------------------------------------------------------------------


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_dsn(PG_ADMIN_URL), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


class PgDatabases:
    """Creates uniquely named databases and drops them all at the end of the session."""

    def __init__(self) -> None:
        self.prefix = f"taquilla_test_{os.getpid()}_{secrets.token_hex(3)}"
        self.created: list[str] = []

    def create(self, suffix: str) -> str:
        name = f"{self.prefix}_{suffix}"
        run_async(lambda: _pg_admin(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return _with_database(PG_ADMIN_URL, name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        assert name in self.created
        run_async(lambda: _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.created.remove(name)

    def drop_all(self) -> None:
        for name in list(self.created):
            self.drop(_with_database(PG_ADMIN_URL, name))


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases]:
    try:
        run_async(lambda: _pg_admin("SELECT 1"))
    except Exception as exc:
        service_unavailable(f"PostgreSQL unreachable at {PG_ADMIN_URL}: {exc!r}")
    dbs = PgDatabases()
    try:
        yield dbs
    finally:
        dbs.drop_all()


@pytest.fixture(scope="session")
def pg_migrated_url(pg_databases: PgDatabases) -> str:
    """One migrated database for the whole session; each test gets it emptied."""
    url = pg_databases.create("main")
    run_async(lambda: migrate(url))
    return url


async def _pg_empty_tables(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
    try:
        # The replica role skips triggers (the append-only tables refuse deletes otherwise, and
        # foreign-key checks are triggers too). DELETE of a few rows is much cheaper than
        # TRUNCATE, which replaces every table's files.
        async with conn.transaction():
            await conn.execute("SET LOCAL session_replication_role = replica")
            for table in reversed(Base.metadata.sorted_tables):
                await conn.execute(f'DELETE FROM "{table.name}"')
    finally:
        await conn.close()


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (cheaper than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    run_async(lambda: migrate(_sqlite_url(path)))
    # migrate() disposed its engine: the WAL is checkpointed into the main file.
    return path


# --- database fixtures -----------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a migrated, empty database; the test runs once per backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "taquilla.db"
        shutil.copyfile(template, path)
        return _sqlite_url(path)
    url: str = request.getfixturevalue("pg_migrated_url")
    run_async(lambda: _pg_empty_tables(url))
    return url


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a database without any table, for migration tests."""
    if request.param == "sqlite":
        yield _sqlite_url(tmp_path / "empty.db")
        return
    dbs: PgDatabases = request.getfixturevalue("pg_databases")
    url = dbs.create(f"empty_{secrets.token_hex(3)}")
    try:
        yield url
    finally:
        dbs.drop(url)


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(db_url)
    try:
        yield eng
    finally:
        await eng.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessionmaker(engine)


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session on the migrated database; uncommitted work is rolled back at the end."""
    async with sessionmaker() as s:
        yield s


@pytest.fixture
async def concurrent_sessionmaker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions for concurrency tests: on PostgreSQL a pool of 40 connections, so tens of tasks
    really run at once while staying well under the server's default 100 clients; on SQLite
    10 connections (one writer at a time anyway: more connections only add busy-wait sleeps)."""
    size = 10 if make_url(db_url).get_backend_name() == "sqlite" else 40
    eng = make_engine(db_url, pool_size=size, max_overflow=0)
    try:
        yield make_sessionmaker(eng)
    finally:
        await eng.dispose()


# --- Redis -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _redis_reachable() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    except Exception as exc:
        service_unavailable(f"Redis unreachable at {REDIS_TEST_URL}: {exc!r}")
    finally:
        client.close()


@pytest.fixture
def redis_url(_redis_reachable: None) -> Iterator[str]:
    """URL of the Redis database reserved for tests; flushed after each test."""
    import redis

    yield REDIS_TEST_URL
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=3)
    try:
        client.flushdb()
    finally:
        client.close()
