"""A player takes money out: ``/retiro 500 pago móvil 0414… V-12…``.

- The amount is held at once (``withdraw_hold``: off the balance, onto the ``held`` account), by
  the same conditional debit a sale uses, so a withdrawal and a purchase racing for the same
  money cannot both have it.
- An admin marks it paid with the payment's reference (the hold leaves the banca:
  ``withdraw_paid``) or rejects it (the hold goes back: ``withdraw_release``); once, like a
  top-up (``pending →`` one conditional UPDATE).
- The banca sets a minimum (``WITHDRAW_MIN``) and the local hours it takes them
  (``WITHDRAW_HOURS``, in the catalog's zone).
Logged as ``WITHDRAW_REQUEST``, ``WITHDRAW_PAY``, ``WITHDRAW_REJECT``. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, tzinfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.money_words import Refusal, read_amount
from storage.models import Account, Reason, RequestState, User, UserRole, Withdrawal
from storage.repositories import activity, ledger
from storage.repositories import users as users_repo
from storage.repositories.ledger import Entry

DESTINATION_MAX = 200


@dataclass(frozen=True)
class Rules:
    minimum: int  # minor units
    hours: tuple[time, time] | None
    tz: tzinfo


def parse_hours(text: str) -> tuple[time, time] | None:
    if not text:
        return None
    start, end = text.split("-")
    return time.fromisoformat(start), time.fromisoformat(end)


@dataclass(frozen=True)
class Outcome:
    withdrawal: Withdrawal | None = None
    refusal: Refusal | None = None
    player: User | None = None


def _reference(withdrawal: Withdrawal) -> str:
    return f"W{withdrawal.id}"


async def _ask(
    session: AsyncSession, player: User, args: str | None, *, rules: Rules, now: datetime
) -> Outcome:
    if player.role != UserRole.PLAYER:
        return Outcome(refusal=Refusal.NOT_A_PLAYER)
    parts = (args or "").split(maxsplit=1)
    if len(parts) < 2:
        return Outcome(refusal=Refusal.USAGE)
    amount = read_amount(parts[0], player.currency)
    if isinstance(amount, Refusal):
        return Outcome(refusal=amount)
    destination = parts[1].strip()[:DESTINATION_MAX]
    if amount < rules.minimum:
        return Outcome(refusal=Refusal.BELOW_MINIMUM)
    if rules.hours is not None:
        local = now.astimezone(rules.tz).time()
        if not rules.hours[0] <= local < rules.hours[1]:
            return Outcome(refusal=Refusal.CLOSED_HOURS)
    withdrawal = Withdrawal(user_id=player.id, amount=amount, currency=player.currency,
                            destination=destination, created_at=now)
    async with session.begin_nested():
        session.add(withdrawal)
        await session.flush()
        entry = Entry(Reason.WITHDRAW_HOLD, _reference(withdrawal), player.id, now)
        if not await users_repo.debit_balance(session, player.id, amount, player.currency,
                                              entry):
            raise _Short  # rolls the savepoint back: no row, no hold
        await ledger.append(session, player.id, Account.HELD, amount, player.currency, entry)
    await activity.log_activity(
        session, "WITHDRAW_REQUEST", actor_id=player.id, target_type="WITHDRAWAL",
        target_id=withdrawal.id, at=now,
        details={"amount": amount, "currency": player.currency, "destination": destination})
    return Outcome(withdrawal, player=player)


class _Short(Exception):
    pass


async def request_withdrawal(
    session: AsyncSession, player: User, args: str | None, *, rules: Rules, now: datetime
) -> Outcome:
    """Hold the amount and record the request, or say why not (a short balance included)."""
    try:
        return await _ask(session, player, args, rules=rules, now=now)
    except _Short:
        return Outcome(refusal=Refusal.SHORT, player=player)


async def get(session: AsyncSession, withdrawal_id: int) -> Withdrawal | None:
    return await session.get(Withdrawal, withdrawal_id, populate_existing=True)


async def decide(
    session: AsyncSession, actor: User, withdrawal_id: int, *, paid_reference: str | None,
    now: datetime,
) -> Outcome:
    """Paid (with ``paid_reference``) or rejected (None); admins only, once."""
    if actor.role != UserRole.ADMIN:
        return Outcome(refusal=Refusal.NOT_ALLOWED)
    withdrawal = await get(session, withdrawal_id)
    if withdrawal is None:
        return Outcome(refusal=Refusal.NOT_FOUND)
    player = await users_repo.get_user(session, withdrawal.user_id)
    if withdrawal.state != RequestState.PENDING:
        return Outcome(withdrawal, Refusal.DECIDED, player)
    paid = paid_reference is not None
    moved = await session.execute(
        update(Withdrawal)
        .where(Withdrawal.id == withdrawal.id, Withdrawal.state == RequestState.PENDING)
        .values(state=RequestState.APPROVED if paid else RequestState.REJECTED,
                decided_by=actor.id, decided_at=now, paid_reference=paid_reference)
        .execution_options(synchronize_session=False)
        .returning(Withdrawal.id))
    if moved.scalar_one_or_none() is None:
        return Outcome(await get(session, withdrawal.id), Refusal.DECIDED, player)
    ref, cur = _reference(withdrawal), withdrawal.currency
    if paid:
        entry = Entry(Reason.WITHDRAW_PAID, ref, actor.id, now)
        await ledger.append(session, withdrawal.user_id, Account.HELD, -withdrawal.amount, cur,
                            entry)
    else:
        entry = Entry(Reason.WITHDRAW_RELEASE, ref, actor.id, now)
        await ledger.append(session, withdrawal.user_id, Account.HELD, -withdrawal.amount, cur,
                            entry)
        await users_repo.credit_balance(session, withdrawal.user_id, withdrawal.amount, cur,
                                        entry)
    await activity.log_activity(
        session, "WITHDRAW_PAY" if paid else "WITHDRAW_REJECT", actor_id=actor.id,
        target_type="WITHDRAWAL", target_id=withdrawal.id, at=now,
        details={"amount": withdrawal.amount, "currency": cur, "player": withdrawal.user_id,
                 "reference": paid_reference})
    return Outcome(await get(session, withdrawal.id), None, player)


async def pending(session: AsyncSession, limit: int = 20) -> list[Withdrawal]:
    stmt = (select(Withdrawal).where(Withdrawal.state == RequestState.PENDING)
            .order_by(Withdrawal.id).limit(limit))
    return list((await session.scalars(stmt)).all())
