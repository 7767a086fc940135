"""Users: registration, settings, and money movements that never overdraw."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Account, User, UserRole
from storage.repositories import ledger, subscriptions, users

NOW = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)


async def test_ensure_user_creates_once_and_refreshes_names(session: AsyncSession) -> None:
    user = await users.ensure_user(
        session, 7_000_000_001, currency="VES", first_name="Ana", username="ana", now=NOW
    )
    assert (user.role, user.locale, user.balance, user.currency) == (
        UserRole.PLAYER,
        "es",
        0,
        "VES",
    )
    assert user.created_at == NOW
    await session.commit()

    again = await users.ensure_user(
        session, 7_000_000_001, currency="CRC", first_name="Ana María", username="ana", locale="en"
    )
    await session.commit()
    assert again.first_name == "Ana María"
    assert (again.currency, again.locale) == ("VES", "es")  # creation-only fields kept


async def test_settings_change_and_unknown_user_is_reported(session: AsyncSession) -> None:
    await users.ensure_user(session, 10, currency="VES")
    assert await users.set_role(session, 10, UserRole.SELLER)
    assert await users.set_locale(session, 10, "en")
    assert await users.set_last_lottery(session, 10, "zulia")
    assert await users.set_commission(session, 10, 1000)
    assert await users.set_credit_limit(session, 10, 50_000)
    await session.commit()
    session.expunge_all()

    user = await users.get_user(session, 10)
    assert user is not None
    assert (user.role, user.locale, user.last_lottery_id, user.commission_bp) == (
        UserRole.SELLER,
        "en",
        "zulia",
        1000,
    )
    assert user.credit_limit == 50_000
    assert not await users.set_role(session, 404, UserRole.ADMIN)
    assert [u.id for u in await users.list_users(session, role=UserRole.SELLER)] == [10]


async def test_debit_credit_and_currency(session: AsyncSession) -> None:
    user = await users.ensure_user(session, 1, currency="VES")
    assert await users.credit_balance(session, 1, 1_000, "VES") == 1_000
    assert user.balance == 1_000  # the loaded object follows the atomic update

    assert await users.debit_balance(session, 1, 400, "VES")
    assert not await users.debit_balance(session, 1, 601, "VES")  # would go negative
    assert not await users.debit_balance(session, 1, 100, "CRC")  # other currency
    assert user.balance == 600
    with pytest.raises(LookupError):
        await users.credit_balance(session, 1, 100, "CRC")
    with pytest.raises(ValueError):
        await users.debit_balance(session, 1, 0, "VES")


async def test_balance_cannot_go_negative_even_by_hand(session: AsyncSession) -> None:
    user = await users.ensure_user(session, 2, currency="VES")
    user.balance = -1
    with pytest.raises(IntegrityError):
        await session.flush()


async def _debit(sm: async_sessionmaker[AsyncSession], amount: int) -> bool:
    async with sm() as s:
        ok = await users.debit_balance(s, 3, amount, "VES")
        await s.commit()
        return ok


async def test_concurrent_debits_never_overdraw(
    concurrent_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    sm = concurrent_sessionmaker
    async with sm() as s:
        await users.ensure_user(s, 3, currency="VES")
        await users.credit_balance(s, 3, 1_000, "VES")
        await s.commit()

    results = await asyncio.gather(*(_debit(sm, 30) for _ in range(50)))

    async with sm() as s:
        user = await s.get(User, 3)
    assert user is not None
    assert sum(results) == 33  # 33 * 30 = 990 <= 1000 < 34 * 30
    assert user.balance == 10


async def test_seller_credit_limit(session: AsyncSession) -> None:
    seller = await users.ensure_user(session, 20, currency="VES", role=UserRole.SELLER)
    await users.set_credit_limit(session, 20, 1_000)
    assert await users.reserve_credit(session, 20, 700, "VES")
    assert not await users.reserve_credit(session, 20, 301, "VES")
    assert await users.reserve_credit(session, 20, 300, "VES")
    assert seller.credit_used == 1_000
    assert await users.release_credit(session, 20, 500, "VES")
    assert seller.credit_used == 500
    # a prize paid from the till can leave the banca owing the seller
    assert await users.release_credit(session, 20, 501, "VES")
    assert seller.credit_used == -1
    assert await ledger.account_sum(session, 20, Account.SELLER) == -1


async def test_subscriptions(session: AsyncSession) -> None:
    await users.ensure_user(session, 30, currency="VES")
    await users.ensure_user(session, 31, currency="VES")
    assert await subscriptions.subscribe(session, 30, "zulia")
    assert not await subscriptions.subscribe(session, 30, "zulia")
    assert await subscriptions.subscribe(session, 31, "zulia")
    assert await subscriptions.subscribe(session, 30, "caracas")
    await users.set_active(session, 31, False)

    assert await subscriptions.user_subscriptions(session, 30) == ["caracas", "zulia"]
    assert list(await subscriptions.subscribers(session, "zulia")) == [30]
    assert await subscriptions.unsubscribe(session, 30, "zulia")
    assert not await subscriptions.unsubscribe(session, 30, "zulia")
    assert list(await subscriptions.subscribers(session, "zulia")) == []
