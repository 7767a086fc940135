"""Buyers racing through the sales service: the tope is never passed, no balance goes negative."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.controls import Kind
from lottery.plays import Wager
from lottery.ticket_codes import PinHasher
from providers.house import HouseProvider
from services.draft import SaleDraft, new_reference
from services.sales import Outcome, confirm_sale
from storage.models import Ticket, TicketStatus, User, UserRole
from storage.repositories import users as users_repo
from storage.repositories.controls import add_control

VE = load_catalog(bundled_catalog_path("ve"))
NOW = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)  # 09:30 in Caracas, a Monday
PINS = PinHasher(b"race-secret")


def _draft(number: str, amount: str) -> SaleDraft:
    draw = datetime.combine(NOW.astimezone(VE.timezone).date(), time(12, 45), VE.timezone)
    wager = Wager("zulia", draw, "triple", number, None, Decimal(amount), 1)
    return SaleDraft(new_reference(), (wager,), "VES")


async def _player(sm: async_sessionmaker[AsyncSession], user_id: int, balance: int) -> None:
    async with sm() as session, session.begin():
        await users_repo.ensure_user(session, user_id, currency="VES", role=UserRole.PLAYER)
        await users_repo.credit_balance(session, user_id, balance, "VES")


async def _buy(
    sm: async_sessionmaker[AsyncSession], house: HouseProvider, user_id: int, draft: SaleDraft
) -> Outcome:
    async with sm() as session:
        user = await session.get(User, user_id)
        assert user is not None
        result = await confirm_sale(
            session, provider=house, catalog=VE, user=user, draft=draft, now=NOW, pins=PINS
        )
        await session.commit()
        return result.outcome


async def test_fifty_buyers_race_for_the_last_units_under_the_tope(
    concurrent_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    sm = concurrent_sessionmaker
    house = HouseProvider(sm, VE, pin_hasher=PINS)
    await _player(sm, 1, 9_000)
    assert await _buy(sm, house, 1, _draft("123", "90")) is Outcome.SOLD  # tope 100: 10 left
    buyers = range(100, 150)
    for uid in buyers:
        await _player(sm, uid, 100)
    outcomes = await asyncio.gather(*(_buy(sm, house, uid, _draft("123", "1")) for uid in buyers))

    assert outcomes.count(Outcome.SOLD) == 10
    assert outcomes.count(Outcome.REFUSED) == 40
    async with sm() as session:
        sold = await session.scalar(
            select(func.coalesce(func.sum(Ticket.total), 0)).where(
                Ticket.status == TicketStatus.SOLD
            )
        )
        balances = (await session.scalars(select(User.balance).where(User.id.in_(buyers)))).all()
    assert sold == 10_000  # 90 + 10 × 1, never more than the tope
    assert sorted(balances) == [0] * 10 + [100] * 40  # the refused got their money back


async def test_one_player_spending_twice_at_once_never_goes_negative(
    concurrent_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    sm = concurrent_sessionmaker
    house = HouseProvider(sm, VE, pin_hasher=PINS)
    await _player(sm, 7, 500)
    drafts = [_draft(f"{n:03d}", "5") for n in range(10)]
    outcomes = await asyncio.gather(*(_buy(sm, house, 7, d) for d in drafts))
    assert outcomes.count(Outcome.SOLD) == 1
    async with sm() as session:
        user = await session.get(User, 7)
        assert user is not None and user.balance == 0


async def test_one_seller_racing_under_their_own_limit_per_number(
    concurrent_sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Thirty sales at once by one seller whose own limit on a number is 10: ten are sold,
    and a second seller is not held by the first one's limit."""
    sm = concurrent_sessionmaker
    house = HouseProvider(sm, VE, pin_hasher=PINS)
    for seller in (21, 22):
        async with sm() as session, session.begin():
            await users_repo.ensure_user(session, seller, currency="VES", role=UserRole.SELLER)
            await users_repo.set_credit_limit(session, seller, 1_000_000)
            await add_control(session, Kind.SELLER_NUMBER, at=NOW, actor_id=None,
                              user_id=seller, amount=1_000)
    outcomes = await asyncio.gather(*(_buy(sm, house, 21, _draft("123", "1"))
                                      for _ in range(30)))
    assert outcomes.count(Outcome.SOLD) == 10
    assert outcomes.count(Outcome.REFUSED) == 20
    assert await _buy(sm, house, 22, _draft("123", "10")) is Outcome.SOLD
    async with sm() as session:
        sold = await session.scalar(select(func.coalesce(func.sum(Ticket.total), 0)).where(
            Ticket.status == TicketStatus.SOLD, Ticket.seller_id == 21))
        seller = await session.get(User, 21)
    assert sold == 1_000  # never past the seller's own limit
    assert seller is not None and seller.credit_used == 1_000  # the refused took no credit
