"""Result subscriptions: which users want which lottery's results pushed to them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Subscription, User
from storage.repositories._dialect import upsert_insert
from storage.types import utcnow


async def subscribe(
    session: AsyncSession, user_id: int, lottery_id: str, *, now: datetime | None = None
) -> bool:
    """True if newly subscribed, False if it already was (not an error)."""
    table = Subscription.__table__
    stmt = (
        upsert_insert(session, table)
        .values(user_id=user_id, lottery_id=lottery_id, created_at=now or utcnow())
        .on_conflict_do_nothing(index_elements=[table.c.user_id, table.c.lottery_id])
        .returning(table.c.user_id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def unsubscribe(session: AsyncSession, user_id: int, lottery_id: str) -> bool:
    """True if a subscription was removed."""
    table = Subscription.__table__
    result = await session.execute(
        delete(table)
        .where(table.c.user_id == user_id, table.c.lottery_id == lottery_id)
        .returning(table.c.user_id)
    )
    return result.scalar_one_or_none() is not None


async def user_subscriptions(session: AsyncSession, user_id: int) -> list[str]:
    """The lottery ids the user follows, sorted."""
    stmt = (
        select(Subscription.lottery_id)
        .where(Subscription.user_id == user_id)
        .order_by(Subscription.lottery_id)
    )
    return list((await session.scalars(stmt)).all())


async def subscribers(session: AsyncSession, lottery_id: str) -> Sequence[int]:
    """User ids to notify about ``lottery_id`` (active users only), sorted."""
    stmt = (
        select(Subscription.user_id)
        .join(User, User.id == Subscription.user_id)
        .where(Subscription.lottery_id == lottery_id, User.is_active.is_(True))
        .order_by(Subscription.user_id)
    )
    return (await session.scalars(stmt)).all()
