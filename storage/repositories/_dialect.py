"""Dialect-specific ``INSERT`` (for ``ON CONFLICT``), chosen from the session's bind, and the
helpers of statements built once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import BindParameter, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def upsert_insert(session: AsyncSession, table: Any) -> Any:
    """``insert(table)`` with ``on_conflict_do_*`` support for the session's database.

    PostgreSQL and SQLite (>= 3.35) share the same ``ON CONFLICT … DO UPDATE … WHERE`` and
    ``RETURNING`` syntax, so callers build one statement for both.
    """
    return insert_for(session.get_bind().dialect.name)(table)


def insert_for(dialect: str) -> Any:
    """The ``insert`` construct with ``on_conflict_do_*`` for the dialect named ``dialect``
    (for statements built once per dialect and cached)."""
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"unsupported database dialect: {dialect}")


def bound(columns: Iterable[str]) -> dict[str, BindParameter[Any]]:
    """``VALUES (:column, …)`` for a statement built once and run with a dict of values."""
    return {name: bindparam(name) for name in columns}


T = TypeVar("T")

#: ids per ``IN (…)`` list, well below the drivers' bound-parameter limits (SQLite, asyncpg:
#: 32 767)
ID_CHUNK = 1000


def id_chunks(ids: Sequence[T]) -> Iterator[Sequence[T]]:
    """``ids`` in slices short enough for one ``IN (…)`` list each."""
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start:start + ID_CHUNK]
