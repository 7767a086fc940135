"""A result an admin enters and an admin's announcement are committed before the senders are
woken (services/publish.py): a sender woken earlier would find nothing and sleep until its next
poll."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import bundled_catalog_path, load_catalog
from services.broadcast import BroadcastTextError
from services.publish import announce, publish_result
from storage.models import Broadcast, BroadcastDelivery, User, UserRole
from storage.repositories import subscriptions, users

CARACAS = ZoneInfo("America/Caracas")
AFTER_THE_DRAW = datetime(2026, 11, 23, 13, 0, tzinfo=CARACAS)  # zulia 12:45 is drawn
VE = load_catalog(bundled_catalog_path("ve"))
ADMIN, SUBSCRIBER = 7101, 7102


@pytest.fixture
async def admin(sessionmaker: async_sessionmaker[AsyncSession]) -> User:
    async with sessionmaker() as session:
        user = await users.ensure_user(session, ADMIN, currency="VES", role=UserRole.ADMIN)
        await users.ensure_user(session, SUBSCRIBER, currency="VES")
        await subscriptions.subscribe(session, SUBSCRIBER, "zulia")
        await session.commit()
    return user


async def test_a_result_is_committed_before_its_senders_are_woken(
    sessionmaker: async_sessionmaker[AsyncSession], admin: User
) -> None:
    woken: list[bool] = []
    async with sessionmaker() as session:
        entry, settled = await publish_result(
            session, VE, admin, "zulia 12:45 123 ACU", now=AFTER_THE_DRAW, locale="es",
            wake=lambda: woken.append(not session.in_transaction()))
    assert woken == [True]  # once, with nothing left uncommitted
    assert entry.lottery_id == "zulia" and settled.revision == 1
    async with sessionmaker() as other:
        [broadcast] = (await other.scalars(select(Broadcast))).all()
        chats = (await other.scalars(select(BroadcastDelivery.chat_id))).all()
    assert "123" in broadcast.text and list(chats) == [SUBSCRIBER]


async def test_an_announcement_is_committed_before_the_worker_is_woken(
    sessionmaker: async_sessionmaker[AsyncSession], admin: User
) -> None:
    woken: list[bool] = []
    async with sessionmaker() as session:
        await announce(session, text="Hoy no hay sorteo de las 7", lottery_id="zulia",
                       paid=False, admin=admin, progress_chat=ADMIN, now=AFTER_THE_DRAW,
                       wake=lambda: woken.append(not session.in_transaction()))
    assert woken == [True]
    async with sessionmaker() as other:
        [broadcast] = (await other.scalars(select(Broadcast))).all()
    assert broadcast.text == "Hoy no hay sorteo de las 7" and broadcast.created_by == ADMIN


async def test_a_text_too_long_queues_nothing_and_wakes_no_one(
    sessionmaker: async_sessionmaker[AsyncSession], admin: User
) -> None:
    woken: list[bool] = []
    async with sessionmaker() as session:
        with pytest.raises(BroadcastTextError):
            await announce(session, text="x" * 5000, lottery_id=None, paid=False, admin=admin,
                           progress_chat=ADMIN, now=AFTER_THE_DRAW,
                           wake=lambda: woken.append(True))
    assert woken == []
    async with sessionmaker() as other:
        assert (await other.scalars(select(Broadcast))).all() == []
