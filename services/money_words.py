"""What the money commands share: reading an amount as people type it, who decides for whom,
and the refusals they have in common."""

from __future__ import annotations

import enum

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.money import to_minor
from lottery.plays.amounts import AmountError, parse_amount
from lottery.plays.messages import AMOUNT_TOO_BIG
from storage.models import User, UserRole
from storage.repositories import users as users_repo


class Refusal(enum.StrEnum):
    USAGE = "usage"
    BAD_AMOUNT = "bad_amount"
    AMOUNT_TOO_BIG = "amount_too_big"
    BAD_METHOD = "bad_method"
    BAD_REFERENCE = "bad_reference"
    REFERENCE_USED = "reference_used"  # approved already for the same method
    NOT_A_PLAYER = "not_a_player"
    NOT_FOUND = "not_found"
    NOT_YOURS = "not_yours"  # a seller acting on another seller's player
    NOT_ALLOWED = "not_allowed"  # the role may not do this
    DECIDED = "decided"  # approved, rejected or paid already
    NO_CUPO = "no_cupo"  # the seller's credit does not cover it
    SHORT = "short"  # the balance does not cover it
    BELOW_MINIMUM = "below_minimum"
    CLOSED_HOURS = "closed_hours"


def read_amount(word: str, currency: str) -> int | Refusal:
    """``500``, ``250,50``, ``1.000`` (optionally ``Bs``) as minor units, or why not."""
    try:
        amount = parse_amount(word.strip().lower().removeprefix("bs.").removesuffix("bs").strip())
        minor = to_minor(amount, currency)
    except AmountError as exc:
        return Refusal.AMOUNT_TOO_BIG if exc.msgid == AMOUNT_TOO_BIG else Refusal.BAD_AMOUNT
    except (ArithmeticError, ValueError):
        return Refusal.BAD_AMOUNT
    return minor if minor > 0 else Refusal.BAD_AMOUNT




async def deciders(session: AsyncSession, player: User, admin_ids: frozenset[int]) -> list[int]:
    """Who checks a player's money: their seller, else every admin."""
    if player.seller_id is not None:
        return [player.seller_id]
    return await admins(session, admin_ids)


async def admins(session: AsyncSession, admin_ids: frozenset[int]) -> list[int]:
    """The banca's admins: those in the database and those ADMIN_IDS names."""
    stored = {u.id for u in await users_repo.list_users(session, role=UserRole.ADMIN, limit=50)}
    return sorted(stored | set(admin_ids))


def may_act_on(actor: User, player: User) -> Refusal | None:
    """An admin acts on anyone; a seller only on their own players; a player on nobody."""
    if actor.role == UserRole.ADMIN:
        return None
    if actor.role == UserRole.SELLER:
        return None if player.seller_id == actor.id else Refusal.NOT_YOURS
    return Refusal.NOT_ALLOWED
