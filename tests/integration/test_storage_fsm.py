"""aiogram FSM storage: SQL-backed (survives restarts) and Redis via make_fsm_storage."""

from __future__ import annotations

import asyncio
import secrets

from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm_storage import SQLStorage, make_fsm_storage, use_session
from storage.db import make_engine, make_sessionmaker
from storage.models import ActivityLog
from storage.types import utcnow


class Sale(StatesGroup):
    confirm = State()


KEY = StorageKey(bot_id=1, chat_id=-100, user_id=42)


async def test_state_and_data_round_trip(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    storage = SQLStorage(sessionmaker)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}

    await storage.set_state(KEY, Sale.confirm)
    await storage.set_data(KEY, {"plays": "123-ARI 5", "total": 500, "lines": [1, 2]})
    assert await storage.get_state(KEY) == "Sale:confirm"
    assert await storage.get_data(KEY) == {"plays": "123-ARI 5", "total": 500, "lines": [1, 2]}

    merged = await storage.update_data(KEY, {"total": 750, "nota": "señor"})
    assert merged == {"plays": "123-ARI 5", "total": 750, "lines": [1, 2], "nota": "señor"}
    assert await storage.get_value(KEY, "nota") == "señor"

    await storage.set_state(KEY, "Other:state")
    assert await storage.get_state(KEY) == "Other:state"
    assert (await storage.get_data(KEY))["total"] == 750  # state change keeps data
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


async def test_keys_are_isolated(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    storage = SQLStorage(sessionmaker)
    others = [
        StorageKey(bot_id=2, chat_id=-100, user_id=42),
        StorageKey(bot_id=1, chat_id=-100, user_id=43),
        StorageKey(bot_id=1, chat_id=-100, user_id=42, thread_id=5),
        StorageKey(bot_id=1, chat_id=-100, user_id=42, business_connection_id="bc1"),
        StorageKey(bot_id=1, chat_id=-100, user_id=42, destiny="scene"),
    ]
    await storage.set_state(KEY, Sale.confirm)
    await storage.set_data(KEY, {"mine": True})
    for other in others:
        assert await storage.get_state(other) is None
        assert await storage.get_data(other) == {}
    await storage.set_state(others[-1], "Scene:step")
    assert await storage.get_state(KEY) == "Sale:confirm"


async def test_state_survives_a_restart(
    db_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    first = SQLStorage(sessionmaker)
    await first.set_state(KEY, Sale.confirm)
    await first.update_data(KEY, {"total": 500})
    await first.close()

    engine = make_engine(db_url)  # a new process would build a new engine
    try:
        restarted = SQLStorage(make_sessionmaker(engine))
        assert await restarted.get_state(KEY) == "Sale:confirm"
        assert await restarted.get_data(KEY) == {"total": 500}
    finally:
        await engine.dispose()


async def test_state_joins_the_unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # The update's unit of work has already written (on SQLite it holds the write lock); a
    # state change in the handler must neither wait for that lock nor outlive a rollback.
    storage = SQLStorage(sessionmaker)
    async with sessionmaker() as uow:
        await uow.execute(insert(ActivityLog).values(at=utcnow(), action="HANDLER", details={}))
        with use_session(uow):
            await asyncio.wait_for(storage.set_state(KEY, Sale.confirm), timeout=5)
            await asyncio.wait_for(storage.update_data(KEY, {"total": 500}), timeout=5)
            assert await storage.get_state(KEY) == "Sale:confirm"
            assert await storage.get_data(KEY) == {"total": 500}
        await uow.rollback()  # the handler failed
    assert await storage.get_state(KEY) is None

    async with sessionmaker() as uow:
        await uow.execute(insert(ActivityLog).values(at=utcnow(), action="HANDLER", details={}))
        with use_session(uow):
            await asyncio.wait_for(storage.set_state(KEY, Sale.confirm), timeout=5)
            await storage.set_data(KEY, {"total": 500})
            await storage.update_data(KEY, {"nota": "señor"})
        assert await storage.get_state(KEY) is None  # written with the unit of work's commit
        await uow.commit()
    assert await storage.get_state(KEY) == "Sale:confirm"
    assert await storage.get_data(KEY) == {"total": 500, "nota": "señor"}


async def test_a_rollback_inside_the_handler_keeps_the_updates_state_for_its_commit(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # A refused sale rolls back its own writes; the state the update set (the preview is
    # spent) is still the update's decision and is written by the commit that ends it.
    storage = SQLStorage(sessionmaker)
    async with sessionmaker() as uow:
        with use_session(uow):
            await storage.set_state(KEY, Sale.confirm)
            await storage.update_data(KEY, {"total": 500})
            await uow.execute(insert(ActivityLog).values(at=utcnow(), action="SALE", details={}))
            await uow.rollback()  # the sale was refused
            assert await storage.get_state(KEY) == "Sale:confirm"
            await storage.update_data(KEY, {"nota": "señor"})
        await uow.commit()
    assert await storage.get_state(KEY) == "Sale:confirm"
    assert await storage.get_data(KEY) == {"total": 500, "nota": "señor"}
    async with sessionmaker() as session:
        assert (await session.scalars(select(ActivityLog.action))).all() == []


async def test_make_fsm_storage_without_redis_is_sql(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    storage = make_fsm_storage(None, sessionmaker)
    assert isinstance(storage, SQLStorage)
    await storage.set_state(KEY, Sale.confirm)
    assert await SQLStorage(sessionmaker).get_state(KEY) == "Sale:confirm"


async def test_make_fsm_storage_with_redis_round_trips(redis_url: str) -> None:
    key = StorageKey(bot_id=secrets.randbelow(10**9), chat_id=-100, user_id=42, destiny="x")
    storage = make_fsm_storage(redis_url, sessionmaker=None)  # type: ignore[arg-type]
    assert isinstance(storage, RedisStorage)
    try:
        await storage.set_state(key, Sale.confirm)
        await storage.set_data(key, {"total": 500})
        await storage.update_data(key, {"nota": "señor"})
    finally:
        await storage.close()

    again = make_fsm_storage(redis_url, sessionmaker=None)  # type: ignore[arg-type]
    try:
        assert await again.get_state(key) == "Sale:confirm"
        assert await again.get_data(key) == {"total": 500, "nota": "señor"}
    finally:
        await again.close()
