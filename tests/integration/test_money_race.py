"""Money racing itself through the services, each in its own session and transaction (the chat
serialises one person's updates, these do not wait for each other): withdrawals against
purchases for the same money, two deciders on one top-up. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.plays import Wager
from lottery.ticket_codes import PinHasher
from providers.house import HouseProvider
from services import wallet, withdrawals
from services.draft import SaleDraft, new_reference
from services.sales import Outcome, confirm_sale
from storage.models import LedgerEntry, Reason, User, UserRole
from storage.repositories import users as users_repo
from tests.e2e.money_helpers import ledger_mismatches

VE = load_catalog(bundled_catalog_path("ve"))
NOW = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)  # 09:30 in Caracas
PINS = PinHasher(b"race-secret")
RULES = withdrawals.Rules(minimum=0, hours=None, tz=ZoneInfo("America/Caracas"))


def _draft(number: str) -> SaleDraft:
    draw = datetime.combine(NOW.astimezone(VE.timezone).date(), time(12, 45), VE.timezone)
    return SaleDraft(new_reference(), (Wager("zulia", draw, "triple", number, None,
                                             Decimal(5), 1),), "VES")


async def _user(sm: async_sessionmaker[AsyncSession], uid: int, role: UserRole,
                balance: int = 0) -> None:
    async with sm() as session, session.begin():
        await users_repo.ensure_user(session, uid, currency="VES", role=role)
        if balance:
            await users_repo.credit_balance(session, uid, balance, "VES")


async def _buy(sm: async_sessionmaker[AsyncSession], house: HouseProvider, uid: int) -> bool:
    async with sm() as session:
        user = await session.get(User, uid)
        assert user is not None
        result = await confirm_sale(session, provider=house, catalog=VE, user=user,
                                    draft=_draft("123"), now=NOW, pins=PINS)
        await session.commit()
        return result.outcome is Outcome.SOLD


async def _withdraw(sm: async_sessionmaker[AsyncSession], uid: int) -> bool:
    async with sm() as session:
        user = await session.get(User, uid)
        assert user is not None
        out = await withdrawals.request_withdrawal(session, user, "5 pago móvil", rules=RULES,
                                                   now=NOW)
        await session.commit()
        return out.refusal is None


async def test_withdrawals_and_purchases_racing_for_the_same_money(
    concurrent_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    sm = concurrent_sessionmaker
    house = HouseProvider(sm, VE, pin_hasher=PINS)
    await _user(sm, 11, UserRole.PLAYER, balance=1_000)  # Bs. 10: two of the eight, no more
    tasks = [_buy(sm, house, 11) if i % 2 else _withdraw(sm, 11) for i in range(8)]
    won = await asyncio.gather(*tasks)
    assert sum(won) == 2
    async with sm() as session:
        user = await session.get(User, 11)
        assert user is not None and user.balance == 0
    assert await ledger_mismatches(sm) == []


async def test_two_deciders_at_once_credit_a_top_up_once(
    concurrent_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    sm = concurrent_sessionmaker
    await _user(sm, 21, UserRole.PLAYER)
    for admin in (31, 32, 33, 34):
        await _user(sm, admin, UserRole.ADMIN)
    async with sm() as session, session.begin():
        player = await session.get(User, 21)
        assert player is not None
        asked = await wallet.ask(session, player, "pagomovil 250 REF-1", photo_file_id=None,
                                 offered=["pagomovil"], admin_ids=frozenset(), now=NOW)
        assert asked.request is not None
        request_id = asked.request.id

    async def decide(admin_id: int) -> bool:
        async with sm() as session:
            admin = await session.get(User, admin_id)
            assert admin is not None
            decided = await wallet.decide(session, admin, request_id, approve=True, now=NOW)
            await session.commit()
            return decided.refusal is None

    results = await asyncio.gather(*(decide(a) for a in (31, 32, 33, 34)))
    assert results.count(True) == 1
    async with sm() as session:
        rows = (await session.scalars(select(LedgerEntry).where(
            LedgerEntry.reason == Reason.TOP_UP))).all()
        assert [(r.user_id, r.amount) for r in rows] == [(21, 25_000)]
    assert await ledger_mismatches(sm) == []
