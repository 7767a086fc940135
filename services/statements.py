"""Statements (*estado de cuenta*): a person's ledger rows, newest first, each with the balance
after it, a page at a time. A player reads their saldo; a seller what they owe the banca. A
seller may read their own players'; an admin anyone's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.accounts import find_user
from services.money_words import Refusal, may_act_on
from storage.models import Account, Reason, User, UserRole
from storage.repositories import ledger
from storage.repositories import users as users_repo

PAGE = 10


@dataclass(frozen=True)
class Line:
    at: datetime
    reason: Reason
    reference: str | None
    amount: int
    balance: int  # after this row


@dataclass(frozen=True)
class Statement:
    owner: User
    account: Account
    lines: tuple[Line, ...]
    offset: int
    total_rows: int
    balance: int  # now

    @property
    def has_older(self) -> bool:
        return self.offset + len(self.lines) < self.total_rows


def account_of(user: User) -> Account:
    return Account.SELLER if user.role == UserRole.SELLER else Account.BALANCE


async def owner_for(
    session: AsyncSession, asker: User, who: str | int | None
) -> User | Refusal:
    """Whose statement ``asker`` may read: their own, their player's (sellers), anyone's
    (admins)."""
    if who is None:
        return asker
    target = (await users_repo.get_user(session, who) if isinstance(who, int)
              else await find_user(session, who))
    if target is None:
        return Refusal.NOT_FOUND
    if target.id == asker.id:
        return asker
    refused = may_act_on(asker, target)
    return refused if refused is not None else target


async def statement(session: AsyncSession, owner: User, offset: int = 0) -> Statement:
    account = account_of(owner)
    total = await ledger.count(session, owner.id, account)
    offset = max(0, min(offset, max(0, total - 1)))
    page = await ledger.rows(session, owner.id, account, limit=PAGE, offset=offset,
                             newest_first=True)
    balance_now = await ledger.account_sum(session, owner.id, account)
    running = balance_now
    if page:
        newer = await ledger.sum_after(session, owner.id, account, page[0].id)
        running = balance_now - newer
    serials = await ledger.ticket_serials(session, [r.reference for r in page if r.reference])
    lines = []
    for row in page:
        reference = serials.get(row.reference, row.reference) if row.reference else None
        lines.append(Line(row.at, row.reason, reference, row.amount, running))
        running -= row.amount
    return Statement(owner, account, tuple(lines), offset, total, balance_now)
