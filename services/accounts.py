"""Admin operations on people: top-ups, seller credit limits, roles; each logged with its actor."""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.money import to_minor
from lottery.plays.amounts import AmountError, parse_amount
from lottery.plays.messages import AMOUNT_TOO_BIG
from storage.models import Reason, User, UserRole
from storage.repositories import activity
from storage.repositories import users as users_repo
from storage.repositories.ledger import Entry

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
    BAD_ID = "bad_id"  # a number no Telegram user id can be
    AMOUNT_TOO_BIG = "amount_too_big"
    CONFIGURED_ADMIN = "configured_admin"  # ADMIN_IDS makes them admin again at once


#: Telegram user ids are positive and fit a signed 64-bit integer (our BIGINT column).
USER_ID_MAX = 2**63 - 1


@dataclass(frozen=True)
class AccountChange:
    target: User | None = None
    error: AccountError | None = None
    amount: Decimal | None = None
    #: the word refused (BAD_ID, AMOUNT_TOO_BIG), as typed
    word: str | None = None


def _number(word: str) -> int | None:
    """``word`` as a whole number written in ASCII digits (maybe with a minus), else None."""
    digits = word.removeprefix("-")
    return int(word) if digits.isascii() and digits.isdigit() else None


def impossible_id(word: str) -> bool:
    """A number that no Telegram user id can be: not positive, or beyond 64 bits."""
    number = _number(word.strip())
    return number is not None and not 0 < number <= USER_ID_MAX


async def find_user(session: AsyncSession, who: str) -> User | None:
    """A Telegram id (`123456`) or a username (`@ana`); None for a number no id can be."""
    who = who.strip()
    number = _number(who)
    if number is not None:
        return None if impossible_id(who) else await users_repo.get_user(session, number)
    if who.startswith("@") or who.replace("_", "").isalnum():
        return await users_repo.get_user_by_username(session, who)
    return None


def _amount(text: str) -> Decimal | AccountError:
    try:
        return parse_amount(text.strip().lower().removesuffix("bs").strip())
    except AmountError as exc:
        too_big = exc.msgid == AMOUNT_TOO_BIG
        return AccountError.AMOUNT_TOO_BIG if too_big else AccountError.BAD_AMOUNT


async def _target(session: AsyncSession, word: str) -> User | AccountChange:
    """The user ``word`` names, or the change that says why there is none."""
    if impossible_id(word):
        return AccountChange(error=AccountError.BAD_ID, word=word)
    target = await find_user(session, word)
    return target if target is not None else AccountChange(error=AccountError.NO_USER)


async def _target_and_amount(
    session: AsyncSession, args: str | None
) -> tuple[User, Decimal] | AccountChange:
    parts = (args or "").split()
    if len(parts) != 2:
        return AccountChange(error=AccountError.USAGE)
    target = await _target(session, parts[0])
    if isinstance(target, AccountChange):
        return target
    amount = _amount(parts[1])
    if isinstance(amount, AccountError):
        return AccountChange(target, amount, word=parts[1])
    return target, amount


async def _logged(
    session: AsyncSession, admin: User, target: User, action: str, details: dict[str, str],
    now: datetime,
) -> None:
    """Log the admin's change (committed with it by the unit of work)."""
    await activity.log_activity(session, action, actor_id=admin.id, target_type="USER",
                                target_id=str(target.id), details=details, at=now)


async def top_up(
    session: AsyncSession, admin: User, args: str | None, now: datetime
) -> AccountChange:
    """`/recargar @ana 500`: the admin received the money (pago móvil, cash) and credits it."""
    found = await _target_and_amount(session, args)
    if isinstance(found, AccountChange):
        return found
    target, amount = found
    if target.role != UserRole.PLAYER:
        return AccountChange(target, AccountError.NOT_A_PLAYER)
    await users_repo.credit_balance(
        session, target.id, to_minor(amount, target.currency), target.currency,
        Entry(Reason.TOP_UP, None, admin.id, now),
    )
    await _logged(session, admin, target, "BALANCE_TOP_UP",
                  {"amount": str(amount), "currency": target.currency}, now)
    return AccountChange(target, amount=amount)


async def set_credit_limit(
    session: AsyncSession, admin: User, args: str | None, now: datetime
) -> AccountChange:
    """`/cupo @luis 5000`: the most a seller may owe the banca at once."""
    found = await _target_and_amount(session, args)
    if isinstance(found, AccountChange):
        return found
    target, amount = found
    if target.role != UserRole.SELLER:
        return AccountChange(target, AccountError.NOT_A_SELLER)
    # A limit below what the seller already owes is allowed: they just cannot sell until they pay.
    await users_repo.set_credit_limit(session, target.id, to_minor(amount, target.currency))
    await _logged(session, admin, target, "CREDIT_LIMIT_SET",
                  {"limit": str(amount), "currency": target.currency}, now)
    return AccountChange(target, amount=amount)


async def set_role(
    session: AsyncSession, admin: User, args: str | None, now: datetime,
    admin_ids: Collection[int] = frozenset(),
) -> AccountChange:
    """`/rol @luis vendedor`. Someone in ``admin_ids`` (ADMIN_IDS) stays admin: each update of
    theirs makes them admin again (``services.users.ensure_user``), so another role is refused
    rather than announced and silently undone."""
    parts = (args or "").split()
    if len(parts) != 2:
        return AccountChange(error=AccountError.USAGE)
    target = await _target(session, parts[0])
    if isinstance(target, AccountChange):
        return target
    role = ROLE_WORDS.get(parts[1].lower())
    if role is None:
        return AccountChange(target, AccountError.BAD_ROLE)
    if target.id in admin_ids and role != UserRole.ADMIN:
        return AccountChange(target, AccountError.CONFIGURED_ADMIN)
    before = target.role
    await users_repo.set_role(session, target.id, role)
    await _logged(session, admin, target, "ROLE_SET", {"from": str(before), "to": str(role)}, now)
    return AccountChange(target)
