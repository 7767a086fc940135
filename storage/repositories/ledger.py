"""The money ledger: rows are only added (the database refuses UPDATE and DELETE), and every
balance is their sum.

Rows are written by the functions that move a balance (``storage.repositories.users``), in the
same transaction; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from speed.prepared import Prepared, run_core
from storage.models import Account, LedgerEntry, Reason, Ticket
from storage.repositories._dialect import bound
from storage.types import utcnow


@dataclass(frozen=True)
class Entry:
    """Why a balance moves: written with the movement as one ledger row."""

    reason: Reason = Reason.ADJUSTMENT
    reference: str | None = None
    actor_id: int | None = None
    at: datetime | None = None


ADJUSTMENT = Entry()

_COLUMNS = ("user_id", "account", "currency", "amount", "reason", "reference", "actor_id", "at")
# Built once: every sale appends a row.
_APPEND = Prepared(insert(LedgerEntry.__table__).values(bound(_COLUMNS)))


async def append(
    session: AsyncSession, user_id: int, account: Account, amount: int, currency: str,
    entry: Entry,
) -> None:
    """One row; ``amount`` is signed (money into the account is positive)."""
    if amount == 0:
        return
    await run_core(session, _APPEND, {
        "user_id": user_id, "account": account.value, "currency": currency, "amount": amount,
        "reason": entry.reason.value, "reference": entry.reference, "actor_id": entry.actor_id,
        "at": entry.at or _now(session),
    })


def _now(session: AsyncSession) -> datetime:
    """The app's clock when the sessionmaker carries one (``storage.db.make_sessionmaker``)."""
    clock = session.info.get("clock")
    return clock() if clock is not None else utcnow()


async def account_sum(session: AsyncSession, user_id: int, account: Account) -> int:
    stmt = select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.user_id == user_id, LedgerEntry.account == account)
    return int(await session.scalar(stmt) or 0)


async def all_sums(session: AsyncSession) -> dict[tuple[int, Account, str], int]:
    """Every (user, account, currency)'s sum: what the balances must equal."""
    stmt = select(LedgerEntry.user_id, LedgerEntry.account, LedgerEntry.currency,
                  func.sum(LedgerEntry.amount)).group_by(
        LedgerEntry.user_id, LedgerEntry.account, LedgerEntry.currency)
    return {(u, Account(a), c): int(s) for u, a, c, s in (await session.execute(stmt)).all()}


async def sum_before(
    session: AsyncSession, user_id: int, account: Account, before: datetime | None
) -> int:
    """The account's balance just before ``before`` (all of it when None)."""
    stmt = select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.user_id == user_id, LedgerEntry.account == account)
    if before is not None:
        stmt = stmt.where(LedgerEntry.at < before)
    return int(await session.scalar(stmt) or 0)


async def rows(
    session: AsyncSession, user_id: int, account: Account, *,
    since: datetime | None = None, until: datetime | None = None,
    limit: int | None = None, offset: int = 0, newest_first: bool = False,
) -> Sequence[LedgerEntry]:
    stmt = select(LedgerEntry).where(LedgerEntry.user_id == user_id,
                                     LedgerEntry.account == account)
    if since is not None:
        stmt = stmt.where(LedgerEntry.at >= since)
    if until is not None:
        stmt = stmt.where(LedgerEntry.at < until)
    order = LedgerEntry.id.desc() if newest_first else LedgerEntry.id
    stmt = stmt.order_by(order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return (await session.scalars(stmt)).all()


async def ticket_serials(session: AsyncSession, references: Sequence[str]) -> dict[str, str]:
    """A sale's rows carry its booking reference: the serials printed on those tickets."""
    if not references:
        return {}
    stmt = select(Ticket.reference, Ticket.serial).where(Ticket.reference.in_(set(references)))
    return {reference: serial for reference, serial in (await session.execute(stmt)).all()}


async def count(session: AsyncSession, user_id: int, account: Account) -> int:
    stmt = select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.user_id == user_id, LedgerEntry.account == account)
    return int(await session.scalar(stmt) or 0)


async def sums_by_reason(
    session: AsyncSession, account: Account, *, since: datetime | None,
    until: datetime | None, user_id: int | None = None,
) -> dict[tuple[int, str, Reason], int]:
    """(user, currency, reason) → sum of the account's rows in [since, until)."""
    stmt = select(LedgerEntry.user_id, LedgerEntry.currency, LedgerEntry.reason,
                  func.sum(LedgerEntry.amount)).where(LedgerEntry.account == account)
    if user_id is not None:
        stmt = stmt.where(LedgerEntry.user_id == user_id)
    if since is not None:
        stmt = stmt.where(LedgerEntry.at >= since)
    if until is not None:
        stmt = stmt.where(LedgerEntry.at < until)
    stmt = stmt.group_by(LedgerEntry.user_id, LedgerEntry.currency, LedgerEntry.reason)
    return {(u, c, Reason(r)): int(s) for u, c, r, s in (await session.execute(stmt)).all()}


async def sum_after(session: AsyncSession, user_id: int, account: Account, row_id: int) -> int:
    """The sum of the account's rows newer than ``row_id``."""
    stmt = select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.user_id == user_id, LedgerEntry.account == account, LedgerEntry.id > row_id)
    return int(await session.scalar(stmt) or 0)
