"""Admin operations on people: top-ups, seller credit limits, roles; each logged with its actor."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.money import to_minor
from lottery.plays.amounts import AmountError, parse_amount
from storage.models import User, UserRole
from storage.repositories import activity
from storage.repositories import users as users_repo

ROLE_WORDS = {
    "jugador": UserRole.PLAYER,
    "player": UserRole.PLAYER,
    "vendedor": UserRole.SELLER,
    "taquillero": UserRole.SELLER,
    "seller": UserRole.SELLER,
    "admin": UserRole.ADMIN,
    "administrador": UserRole.ADMIN,
}


class AccountError(enum.StrEnum):
    USAGE = "usage"
    NO_USER = "no_user"
    BAD_AMOUNT = "bad_amount"
    NOT_A_PLAYER = "not_a_player"
    NOT_A_SELLER = "not_a_seller"
    BAD_ROLE = "bad_role"


@dataclass(frozen=True)
class AccountChange:
    target: User | None = None
    error: AccountError | None = None
    amount: Decimal | None = None


async def find_user(session: AsyncSession, who: str) -> User | None:
    """A Telegram id (`123456`) or a username (`@ana`)."""
    who = who.strip()
    if who.lstrip("-").isdigit():
        return await users_repo.get_user(session, int(who))
    if who.startswith("@") or who.replace("_", "").isalnum():
        return await users_repo.get_user_by_username(session, who)
    return None


def _amount(text: str) -> Decimal | None:
    try:
        return parse_amount(text.strip().lower().removesuffix("bs").strip())
    except AmountError:
        return None


async def _target_and_amount(
    session: AsyncSession, args: str | None
) -> tuple[User | None, Decimal | None, AccountError | None]:
    parts = (args or "").split()
    if len(parts) != 2:
        return None, None, AccountError.USAGE
    target = await find_user(session, parts[0])
    if target is None:
        return None, None, AccountError.NO_USER
    amount = _amount(parts[1])
    if amount is None:
        return target, None, AccountError.BAD_AMOUNT
    return target, amount, None


async def _logged(
    session: AsyncSession, admin: User, target: User, action: str, details: dict[str, str],
    now: datetime,
) -> None:
    """Log the admin's change and commit it: durable before the admin is told."""
    await activity.log_activity(session, action, actor_id=admin.id, target_type="USER",
                                target_id=str(target.id), details=details, at=now)
    await session.commit()


async def top_up(
    session: AsyncSession, admin: User, args: str | None, now: datetime
) -> AccountChange:
    """`/recargar @ana 500`: the admin received the money (pago móvil, cash) and credits it."""
    target, amount, error = await _target_and_amount(session, args)
    if error or target is None or amount is None:
        return AccountChange(target, error)
    if target.role != UserRole.PLAYER:
        return AccountChange(target, AccountError.NOT_A_PLAYER)
    await users_repo.credit_balance(
        session, target.id, to_minor(amount, target.currency), target.currency
    )
    await _logged(session, admin, target, "BALANCE_TOP_UP",
                  {"amount": str(amount), "currency": target.currency}, now)
    return AccountChange(target, amount=amount)


async def set_credit_limit(
    session: AsyncSession, admin: User, args: str | None, now: datetime
) -> AccountChange:
    """`/cupo @luis 5000`: the most a seller may owe the banca at once."""
    target, amount, error = await _target_and_amount(session, args)
    if error or target is None or amount is None:
        return AccountChange(target, error)
    if target.role != UserRole.SELLER:
        return AccountChange(target, AccountError.NOT_A_SELLER)
    # A limit below what the seller already owes is allowed: they just cannot sell until they pay.
    await users_repo.set_credit_limit(session, target.id, to_minor(amount, target.currency))
    await _logged(session, admin, target, "CREDIT_LIMIT_SET",
                  {"limit": str(amount), "currency": target.currency}, now)
    return AccountChange(target, amount=amount)


async def set_role(
    session: AsyncSession, admin: User, args: str | None, now: datetime
) -> AccountChange:
    """`/rol @luis vendedor`."""
    parts = (args or "").split()
    if len(parts) != 2:
        return AccountChange(error=AccountError.USAGE)
    target = await find_user(session, parts[0])
    if target is None:
        return AccountChange(error=AccountError.NO_USER)
    role = ROLE_WORDS.get(parts[1].lower())
    if role is None:
        return AccountChange(target, AccountError.BAD_ROLE)
    before = target.role
    await users_repo.set_role(session, target.id, role)
    await _logged(session, admin, target, "ROLE_SET", {"from": str(before), "to": str(role)}, now)
    return AccountChange(target)
