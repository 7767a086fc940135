"""aiogram FSM storage on our SQL database, and the choice between it and Redis.

aiogram reads the FSM state from storage on every update, so keeping it in the database means a
conversation survives a restart (unlike ``MemoryStorage``) without running Redis. With several
webhook workers use Redis (``make_fsm_storage(redis_url, …)``) and its event isolation.
This is the only module in ``storage`` that imports aiogram.

Inside an update's unit of work, wrap the handler in :func:`use_session` (the DB-session
middleware does it): the record is then read once per update (state and data together) and
changes are written when, and only if, that session commits (``storage.deferred_writes``).
Without it, on SQLite, a state change made while the unit of work holds the write lock would
wait for that lock on a second connection until ``busy_timeout``, i.e. deadlock.

On Redis (:class:`UnitRedisStorage`, the webhook workers') the same rule holds: a change made in
the unit of work reaches Redis only if the unit commits, as it stood at its last commit, written
by :func:`flush_fsm` before the person's lock is let go. A worker killed between a sale's commit
and its answer thus leaves no cleared draft behind an unsold sale, and Telegram's redelivery of
the confirm finds the draft, or finds the update handled.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from aiogram.fsm.storage.redis import RedisStorage
from sqlalchemy import bindparam, event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from speed.prepared import Prepared, execute, execute_sync
from storage.deferred_writes import defer_write, pending_write, unit_cache
from storage.models import FsmRecord
from storage.repositories._dialect import bound, insert_for
from storage.types import utcnow

_current_session: ContextVar[AsyncSession | None] = ContextVar("taquilla_fsm_session", default=None)


@contextmanager
def use_session(session: AsyncSession) -> Iterator[None]:
    """Make :class:`SQLStorage` read and write through ``session`` (the current update's unit
    of work) inside this block, instead of its own short transactions. Nothing is committed
    by the storage then: the state is saved when, and only if, the unit of work commits."""
    token = _current_session.set(session)
    try:
        yield
    finally:
        _current_session.reset(token)


def default_key_builder() -> KeyBuilder:
    """aiogram's key builder with every part of the key on (bot, business connection, chat,
    thread, user, destiny), so two bots or two scenes never share a record."""
    return DefaultKeyBuilder(with_bot_id=True, with_business_connection_id=True, with_destiny=True)


def _state_name(state: StateType) -> str | None:
    return state.state if isinstance(state, State) else state


_CACHE_KEY = "fsm"


@dataclass
class _Record:
    state: str | None
    data: dict[str, Any]


_TABLE = FsmRecord.__table__
#: Built once and run straight on the driver where it can (``speed.prepared``): the FSM is
#: read and written on every update, and the ORM session's per-statement bookkeeping cost more
#: than these statements.
_READ = select(_TABLE.c.state, _TABLE.c.data).where(_TABLE.c.key == bindparam("key"))
_READ_IN_UNIT = Prepared(_READ)


@functools.cache
def _upsert_stmt(dialect: str, columns: frozenset[str]) -> Prepared:
    """``INSERT … ON CONFLICT (key) DO UPDATE`` of ``columns`` (state, data or both)."""
    stmt = insert_for(dialect)(_TABLE).values(bound(("key", "state", "data", "updated_at")))
    return Prepared(stmt.on_conflict_do_update(
        index_elements=[_TABLE.c.key],
        set_={name: stmt.excluded[name] for name in (*sorted(columns), "updated_at")},
    ))


def _upsert_params(key: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {"key": key, "state": None, "data": {}, "updated_at": utcnow()} | dict(values)


@dataclass
class _Upsert:
    """A deferred write of the columns changed in this unit of work."""

    key: str
    values: dict[str, Any]

    def __call__(self, session: Session) -> None:
        execute_sync(
            session,
            _upsert_stmt(session.connection().dialect.name, frozenset(self.values)),
            _upsert_params(self.key, self.values),
        )


class SQLStorage(BaseStorage):
    """FSM state and data in the ``fsm_states`` table (one row per key, data as JSON).

    Each call is its own short transaction, unless a unit-of-work session on the same engine
    was bound with :func:`use_session`, in which case the call joins it.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.key_builder = key_builder or default_key_builder()

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker.begin() as session:
            yield session

    def _unit(self) -> AsyncSession | None:
        current = _current_session.get()
        if current is not None and current.bind is self.sessionmaker.kw.get("bind"):
            return current
        return None

    async def _upsert(self, session: AsyncSession, key: str, **values: Any) -> None:
        connection = await session.connection()
        await connection.execute(
            _upsert_stmt(connection.dialect.name, frozenset(values)).statement,
            _upsert_params(key, values),
        )

    async def _record(self, unit: AsyncSession, key: str) -> _Record:
        """The key's row as this unit of work knows it (read once per unit of work)."""
        cache = unit_cache(unit)
        record = cache.get((_CACHE_KEY, key))
        if record is None:
            row = (await execute(unit, _READ_IN_UNIT, {"key": key})).first()
            record = _Record(row[0], dict(row[1] or {})) if row else _Record(None, {})
            cache[(_CACHE_KEY, key)] = record
        return record

    async def _change(self, unit: AsyncSession, key: str, **values: Any) -> None:
        """Record the change now; write it (one statement per key) when the unit commits."""
        record = await self._record(unit, key)
        for name, value in values.items():
            setattr(record, name, value)
        write = pending_write(unit, (_CACHE_KEY, key))
        changed = dict(write.values) if isinstance(write, _Upsert) else {}
        defer_write(unit, (_CACHE_KEY, key), _Upsert(key, changed | values))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        if (unit := self._unit()) is not None:
            await self._change(unit, self._key(key), state=_state_name(state))
            return
        async with self._session() as session:
            await self._upsert(session, self._key(key), state=_state_name(state))

    async def get_state(self, key: StorageKey) -> str | None:
        if (unit := self._unit()) is not None:
            return (await self._record(unit, self._key(key))).state
        engine = self.sessionmaker.kw["bind"]  # a read needs no session, one connection
        async with engine.connect() as connection:
            row = (await connection.execute(_READ, {"key": self._key(key)})).first()
        return None if row is None else row[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if (unit := self._unit()) is not None:
            await self._change(unit, self._key(key), data=dict(data))
            return
        async with self._session() as session:
            await self._upsert(session, self._key(key), data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        if (unit := self._unit()) is not None:
            return copy.deepcopy((await self._record(unit, self._key(key))).data)
        engine = self.sessionmaker.kw["bind"]
        async with engine.connect() as connection:
            row = (await connection.execute(_READ, {"key": self._key(key)})).first()
        return dict(row[1] or {}) if row is not None else {}

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        """Read-merge-write; on its own, in one row-locked transaction (PostgreSQL)."""
        str_key = self._key(key)
        if (unit := self._unit()) is not None:
            merged = (await self._record(unit, str_key)).data | dict(data)
            await self._change(unit, str_key, data=merged)
            return dict(merged)
        async with self._session() as session:
            current = await session.scalar(
                select(FsmRecord.data).where(FsmRecord.key == str_key).with_for_update()
            )
            merged = dict(current or {}) | dict(data)
            await self._upsert(session, str_key, data=merged)
        return dict(merged)

    async def close(self) -> None:
        """Nothing to release: the engine belongs to the application, which disposes it."""


def make_fsm_storage(
    redis_url: str | None,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    key_builder: KeyBuilder | None = None,
) -> BaseStorage:
    """Redis when ``redis_url`` is set (scale-out), else :class:`SQLStorage` (embedded).

    Both use the same key layout (:func:`default_key_builder` unless one is given).
    """
    builder = key_builder or default_key_builder()
    if redis_url:
        return UnitRedisStorage.from_url(redis_url, key_builder=builder)
    return SQLStorage(sessionmaker, key_builder=builder)


_REDIS_VIEW = "taquilla.fsm_redis"
_REDIS_COMMITTED = "taquilla.fsm_redis_committed"


@dataclass
class _Change:
    state: str | None
    data: dict[str, Any]
    changed: bool = False


class UnitRedisStorage(RedisStorage):
    """aiogram's RedisStorage whose changes inside a unit of work (:func:`use_session`) wait for
    its commit; outside one, it is RedisStorage."""

    async def _view(self, unit: AsyncSession, key: StorageKey) -> _Change:
        view: dict[StorageKey, _Change] = unit.sync_session.info.setdefault(_REDIS_VIEW, {})
        change = view.get(key)
        if change is None:  # state and data in one round trip (RedisStorage asks twice)
            state, data = await self.redis.mget(
                self.key_builder.build(key, "state"), self.key_builder.build(key, "data")
            )
            if isinstance(state, bytes):
                state = state.decode("utf-8")
            if isinstance(data, bytes):
                data = data.decode("utf-8")
            change = view[key] = _Change(state, self.json_loads(data) if data else {})
        return change

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        if (unit := _current_session.get()) is None:
            return await super().set_state(key, state)
        change = await self._view(unit, key)
        change.state, change.changed = _state_name(state), True

    async def get_state(self, key: StorageKey) -> str | None:
        if (unit := _current_session.get()) is None:
            return await super().get_state(key)
        return (await self._view(unit, key)).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if (unit := _current_session.get()) is None:
            return await super().set_data(key, data)
        change = await self._view(unit, key)
        change.data, change.changed = copy.deepcopy(dict(data)), True

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        if (unit := _current_session.get()) is None:
            return await super().get_data(key)
        return copy.deepcopy((await self._view(unit, key)).data)

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        if (unit := _current_session.get()) is None:
            return await super().update_data(key, data)
        change = await self._view(unit, key)
        change.data, change.changed = change.data | copy.deepcopy(dict(data)), True
        return copy.deepcopy(change.data)

    async def write_committed(self, session: AsyncSession) -> None:
        """Write the changes as they stood at the unit's last commit (none if it never
        committed)."""
        committed: dict[StorageKey, _Change] = session.sync_session.info.pop(_REDIS_COMMITTED, {})
        session.sync_session.info.pop(_REDIS_VIEW, None)
        if not committed:
            return
        # One round trip for every key, as RedisStorage's set_state and set_data would write
        # them one by one.
        async with self.redis.pipeline(transaction=False) as pipe:
            for key, change in committed.items():
                state_key = self.key_builder.build(key, "state")
                data_key = self.key_builder.build(key, "data")
                if change.state is None:
                    pipe.delete(state_key)
                else:
                    pipe.set(state_key, change.state, ex=self.state_ttl)
                if change.data:
                    pipe.set(data_key, self.json_dumps(change.data), ex=self.data_ttl)
                else:
                    pipe.delete(data_key)
            await pipe.execute()


@event.listens_for(Session, "after_commit")
def _redis_changes_committed(session: Session) -> None:
    view: dict[StorageKey, _Change] | None = session.info.get(_REDIS_VIEW)
    if view:
        session.info[_REDIS_COMMITTED] = {
            k: copy.deepcopy(v) for k, v in view.items() if v.changed
        }


async def flush_fsm(storage: BaseStorage, session: AsyncSession) -> None:
    """At the end of the update's unit of work (its lock still held): what it committed of the
    FSM reaches Redis (:class:`UnitRedisStorage`; SQL storage wrote it with the commit)."""
    if isinstance(storage, UnitRedisStorage):
        await storage.write_committed(session)
