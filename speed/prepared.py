"""Core statements compiled once per dialect and, on SQLite, run straight on the driver.

Through SQLAlchemy a one-row statement costs about a tenth of a millisecond of bookkeeping (a
greenlet hop, the cache key, an execution context, the result's metadata) against a few hundredths
for the statement itself on the loop's thread (``speed.sqlite_cursor``); the sale's statements
and every update's own (duplicate check, FSM state, user) paid it about twenty times a sale.

A :class:`Prepared` statement is built once (at module level or behind ``functools.cache``). On
SQLite it is compiled once, its parameters go through the same type processors SQLAlchemy would
apply, and it runs on the session's own connection, inside the session's transaction: commit,
rollback, the write gate and statement listeners (``before_cursor_execute``) behave as on
SQLAlchemy's path. A statement that needs what only SQLAlchemy's execution does (an empty
``IN`` list, a column default computed by a function) takes SQLAlchemy's path, as does
everything on PostgreSQL, where asyncpg's own cost is what remains.
"""

from __future__ import annotations

import collections
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection, Dialect, event
from sqlalchemy.exc import InvalidRequestError, MultipleResultsFound, NoResultFound
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.util import await_only

from speed.sqlite_cursor import LoopCursor

Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None
_Processor = Callable[[Any], Any] | None


class Result(Protocol):
    """What callers may use of a result, on either path (SQLAlchemy's ``CursorResult`` or
    :class:`Rows`)."""

    @property
    def rowcount(self) -> int: ...
    def first(self) -> Any: ...
    def all(self) -> Sequence[Any]: ...
    def scalar_one(self) -> Any: ...
    def scalar_one_or_none(self) -> Any: ...


class Rows:
    """The rows a statement returned on the direct path, as tuples whose fields are also
    reachable by column name, like SQLAlchemy's rows."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def all(self) -> list[Any]:
        return self._rows

    def scalar_one_or_none(self) -> Any:
        if len(self._rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        if not self._rows:
            raise NoResultFound("No row was found when one was required")
        return self.scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class _Bind:
    """One positional parameter: where its value comes from and how the driver gets it."""

    name: str
    required: bool
    default: Any
    processor: _Processor
    #: a list of values for ``IN (…)``, one placeholder each
    expanding: bool

    def values(self, given: Mapping[str, Any]) -> Any:
        if self.required and self.name not in given:
            raise InvalidRequestError(f"A value is required for bind parameter {self.name!r}")
        value = given.get(self.name, self.default)
        if self.expanding:
            return value if self.processor is None else [self.processor(v) for v in value]
        return value if self.processor is None else self.processor(value)


@dataclass(frozen=True, slots=True)
class _Plan:
    """A statement ready for the driver: its SQL and how to turn values into its arguments and
    its rows into results."""

    sql: str
    binds: tuple[_Bind, ...]
    processors: tuple[_Processor, ...]
    row: Callable[..., Any] | None
    expanding: bool
    #: the SQL for each length of the expanding parameters' lists, as they are met
    expanded: dict[tuple[int, ...], str] = field(default_factory=dict)

    def bound(self, given: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]] | None:
        """The SQL and its arguments for ``given``; None for an empty ``IN`` list, which
        SQLAlchemy's path renders as a special case."""
        if not self.expanding:
            return self.sql, tuple([bind.values(given) for bind in self.binds])
        values = [bind.values(given) for bind in self.binds]
        lengths = tuple(len(v) for v, b in zip(values, self.binds, strict=True) if b.expanding)
        if not all(lengths):
            return None
        sql = self.expanded.get(lengths)
        if sql is None:
            sql = self.sql
            for bind, n in zip((b for b in self.binds if b.expanding), lengths, strict=True):
                sql = sql.replace(f"__[POSTCOMPILE_{bind.name}]", ", ".join("?" * n))
            if len(self.expanded) < _MAX_EXPANSIONS:
                self.expanded[lengths] = sql
        flat: list[Any] = []
        for bind, value in zip(self.binds, values, strict=True):
            if bind.expanding:
                flat.extend(value)
            else:
                flat.append(value)
        return sql, tuple(flat)

    def rows(self, raw: Sequence[tuple[Any, ...]]) -> list[Any]:
        if self.row is None:
            return []
        make, processors = self.row, self.processors
        if not any(processors):
            return [make(*values) for values in raw]
        return [
            make(*(v if p is None else p(v) for p, v in zip(processors, values, strict=True)))
            for values in raw
        ]


#: SQL texts kept per statement for the lengths of its ``IN`` lists
_MAX_EXPANSIONS = 32


def _plan(statement: Any, dialect: Dialect) -> _Plan | None:
    """None when the statement needs SQLAlchemy's own execution."""
    compiled = statement.compile(dialect=dialect)
    if (
        not compiled.positional
        or compiled.literal_execute_params
        or not all(bind.expanding for bind in compiled.post_compile_params)
        or compiled.update_prefetch
        or not all(c.default is not None and c.default.is_scalar for c in compiled.insert_prefetch)
    ):
        return None
    defaults = {c.key: c.default.arg for c in compiled.insert_prefetch}
    binds = []
    for name in compiled.positiontup or ():
        bind = compiled.binds[name]
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if name in defaults:  # a column the statement leaves to its (constant) default
            binds.append(_Bind(name, False, defaults[name], processor, False))
        else:
            binds.append(
                _Bind(name, bind.required, bind.effective_value, processor, bind.expanding)
            )
    returns = statement.is_select or _returns(statement)
    columns = list(statement.exported_columns) if returns else []
    processors = tuple(
        c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
    )
    row = (
        collections.namedtuple("Row", [c.key for c in columns], rename=True)  # type: ignore[misc]
        if columns else None
    )
    expanding = any(bind.expanding for bind in binds)
    return _Plan(str(compiled), tuple(binds), processors, row, expanding)


def _returns(statement: Any) -> bool:
    return bool(getattr(statement, "_returning", ()))


class Prepared:
    """A Core statement built once, run with :func:`execute`."""

    __slots__ = ("_plans", "statement")

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        # per engine's dialect: its type processors follow the engine's settings (JSON)
        self._plans: weakref.WeakKeyDictionary[Dialect, _Plan | None] = (
            weakref.WeakKeyDictionary()
        )

    def plan(self, dialect: Dialect) -> _Plan | None:
        """The direct path's plan on ``dialect``; None where SQLAlchemy's path is taken."""
        if dialect.name != "sqlite":
            return None
        try:
            return self._plans[dialect]
        except KeyError:
            plan = self._plans[dialect] = _plan(self.statement, dialect)
            return plan


@dataclass(frozen=True, slots=True)
class _Call:
    """One statement about to run on the direct path."""

    plan: _Plan
    cursor: LoopCursor
    sql: str
    arguments: tuple[Any, ...] | list[tuple[Any, ...]]

    async def run(self) -> Rows:
        if isinstance(self.arguments, list):
            return Rows([], await self.cursor.run_many(self.sql, self.arguments))
        raw, rowcount = await self.cursor.run(self.sql, self.arguments)
        return Rows(self.plan.rows(raw), rowcount)


def _direct(
    connection: Connection, cursor: LoopCursor | None, prepared: Prepared, params: Params
) -> _Call | None:
    """The call on the direct path, or None for SQLAlchemy's."""
    if cursor is None:  # a connection not sped up (``speed.sqlite_cursor.speed_up``)
        return None
    plan = prepared.plan(connection.dialect)
    if plan is None:
        return None
    arguments: tuple[Any, ...] | list[tuple[Any, ...]]
    if params is None or isinstance(params, Mapping):
        bound = plan.bound(params or {})
        if bound is None:
            return None
        sql, arguments = bound
    else:
        many = [plan.bound(values) for values in params]
        if not many or any(b is None or b[0] != plan.sql for b in many):
            return None  # executemany runs one SQL text; IN lists are for single statements
        sql, arguments = plan.sql, [b[1] for b in many if b is not None]
    if connection._has_events or connection.engine._has_events:  # what SQLAlchemy checks
        # statement listeners see it as on SQLAlchemy's path (without an execution context)
        for listener in connection.dispatch.before_cursor_execute:
            listener(connection, cursor, sql, arguments, None, isinstance(arguments, list))
    return _Call(plan, cursor, sql, arguments)


_CONNECTION = "taquilla.prepared.connection"


def _cursor(connection: Connection) -> LoopCursor | None:
    """A cursor for the transaction's statements (it keeps nothing between them); None where
    there is no direct path."""
    if connection.dialect.name != "sqlite":
        return None
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    return cursor if isinstance(cursor, LoopCursor) else None


@event.listens_for(Session, "after_begin")
def _remember_connection(session: Session, _tx: SessionTransaction, connection: Connection) -> None:
    session.info[_CONNECTION] = (connection, _cursor(connection))


@event.listens_for(Session, "after_transaction_end")
def _forget_connection(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CONNECTION, None)


async def execute(session: AsyncSession, prepared: Prepared, params: Params = None) -> Result:
    """Run ``prepared`` in ``session``'s transaction (begun if it was not)."""
    info = session.sync_session.info
    if _CONNECTION not in info:  # the transaction's first statement: begin it
        await session.connection()
    connection, cursor = info[_CONNECTION]
    call = _direct(connection, cursor, prepared, params)
    if call is None:
        return await (await session.connection()).execute(prepared.statement, params)
    return await call.run()


def execute_sync(session: Session, prepared: Prepared, params: Params = None) -> Result:
    """:func:`execute` for code already running inside SQLAlchemy's greenlet (a session event)."""
    connection = session.connection()
    call = _direct(connection, session.info[_CONNECTION][1], prepared, params)
    if call is None:
        return connection.execute(prepared.statement, params)
    return await_only(call.run())


async def run_core(session: AsyncSession, statement: Any, params: Any = None) -> Result:
    """Run a Core statement (no ORM entities loaded) on the session's connection, in its
    transaction; a :class:`Prepared` one (built once: the sale's) on the driver directly where
    it can. Either way it skips ``session.execute``'s ORM bookkeeping, which these statements
    do not need; a repository that changes a loaded row keeps it in step itself
    (``speed.orm_sync.refresh_loaded``)."""
    if isinstance(statement, Prepared):
        return await execute(session, statement, params)
    connection = await session.connection()
    return await connection.execute(statement, params)
