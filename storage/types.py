"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no time-zone-aware timestamps, no JSONB and only auto-increments ``INTEGER`` primary
keys; these types hide those differences so models and repositories are written once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

#: Auto-incrementing 64-bit key: ``BIGINT`` (identity) on PostgreSQL, ``INTEGER`` on SQLite,
#: where only ``INTEGER PRIMARY KEY`` is an alias of the rowid and auto-increments.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")

#: JSON document: ``JSONB`` on PostgreSQL (indexable, compact), ``JSON`` (text) on SQLite.
JSONDoc = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    """Audit-timestamp default (created/updated columns only; business logic passes ``now``)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always stored in UTC and always read back time-zone aware (UTC).

    Naive datetimes are refused on write: a wall-clock time without a zone is a bug waiting to
    happen in a product that sells draws in Caracas and San José.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a time-zone aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite stores text; a fixed UTC format keeps ordering and uniqueness correct.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
