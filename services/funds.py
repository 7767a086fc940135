"""Whose money a sale takes and a refund gives back: a player's balance, a seller's credit
(*cupo*); the banca's admins sell on its own account, so nothing moves for them.

Each movement is written once in the ledger (``storage.repositories.ledger``) with the balance
it changes. These run in the caller's transaction and commit nothing (see
``bot/middlewares/db.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Reason, Ticket, User, UserRole
from storage.repositories import users as users_repo
from storage.repositories.ledger import Entry


async def take_funds(
    session: AsyncSession, user: User, amount: int, *, reference: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Debit a player's balance or use a seller's credit; False when it does not cover
    ``amount`` (nothing taken). ``reference``: the sale's, when the caller knows it."""
    entry = Entry(Reason.SALE, reference, user.id, now)
    if user.role == UserRole.PLAYER:
        return await users_repo.debit_balance(session, user.id, amount, user.currency, entry)
    if user.role == UserRole.SELLER:
        return await users_repo.reserve_credit(session, user.id, amount, user.currency, entry)
    return True


async def return_funds(
    session: AsyncSession, user: User, amount: int, *, reference: str | None = None,
    actor_id: int | None = None, now: datetime | None = None,
) -> None:
    """Undo :func:`take_funds`."""
    entry = Entry(Reason.REFUND, reference, actor_id, now)
    if user.role == UserRole.PLAYER:
        await users_repo.credit_balance(session, user.id, amount, user.currency, entry)
    elif user.role == UserRole.SELLER:
        await users_repo.release_credit(session, user.id, amount, user.currency, entry)


async def refund_ticket(
    session: AsyncSession, ticket: Ticket, *, actor_id: int | None = None,
    now: datetime | None = None,
) -> User | None:
    """Give a ticket's money back to whoever paid it (its seller, else its buyer); that payer,
    or None when they are gone."""
    payer = await users_repo.get_user(session, ticket.seller_id or ticket.buyer_id)
    if payer is not None:
        await return_funds(session, payer, ticket.total, reference=ticket.serial,
                           actor_id=actor_id, now=now)
    return payer
