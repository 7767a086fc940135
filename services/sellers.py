"""Players belong to a seller: the seller's invitation (``/start v<seller id>``), the seller's
list of players, a seller topping up their own player from their *cupo*, an admin moving a
player. A seller acts only on their own players; each change is logged with its actor.
Nothing here commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.accounts import find_user
from services.money_words import Refusal, may_act_on, read_amount
from storage.models import Reason, User, UserRole
from storage.repositories import activity
from storage.repositories import users as users_repo
from storage.repositories.ledger import Entry

INVITE_PREFIX = "v"


def invite_payload(seller: User) -> str:
    return f"{INVITE_PREFIX}{seller.id}"


@dataclass(frozen=True)
class Joined:
    seller: User | None  # the player's seller now (None: the payload named no seller)
    new: bool  # joined now (False: they had that seller, or another one, already)


async def join(session: AsyncSession, player: User, payload: str | None, now: datetime) -> Joined:
    """A player who opened a seller's link belongs to that seller, unless they already belong
    to one (an admin moves players: a link passed around must not take them away)."""
    word = (payload or "").strip()
    if not word.startswith(INVITE_PREFIX) or not word[1:].isdigit() or len(word) > 20:
        return Joined(None, False)
    seller = await users_repo.get_user(session, int(word[1:]))
    if seller is None or seller.role != UserRole.SELLER or player.role != UserRole.PLAYER:
        return Joined(None, False)
    if player.seller_id is not None:
        current = await users_repo.get_user(session, player.seller_id)
        return Joined(current, False)
    await users_repo.set_seller(session, player.id, seller.id)
    await activity.log_activity(session, "PLAYER_JOIN", actor_id=player.id, target_type="USER",
                                target_id=player.id, details={"seller": seller.id}, at=now)
    return Joined(seller, True)


async def players(session: AsyncSession, actor: User) -> list[User]:
    """A seller's own players; an admin's: every player."""
    if actor.role == UserRole.SELLER:
        return list(await users_repo.players_of(session, actor.id))
    if actor.role == UserRole.ADMIN:
        return list(await users_repo.list_users(session, role=UserRole.PLAYER, limit=200))
    return []


@dataclass(frozen=True)
class Change:
    player: User | None = None
    refusal: Refusal | None = None
    amount: int | None = None
    seller: User | None = None


async def top_up_player(
    session: AsyncSession, seller: User, args: str | None, now: datetime
) -> Change:
    """``/abonar @ana 500``: the seller took the player's cash and credits it; the amount goes
    on what the seller owes the banca, within their cupo."""
    parts = (args or "").split()
    if len(parts) != 2:
        return Change(refusal=Refusal.USAGE)
    player = await find_user(session, parts[0])
    if player is None:
        return Change(refusal=Refusal.NOT_FOUND)
    if player.role != UserRole.PLAYER:
        return Change(player, Refusal.NOT_A_PLAYER)
    refused = may_act_on(seller, player)
    if refused is not None:
        return Change(player, refused)
    amount = read_amount(parts[1], player.currency)
    if isinstance(amount, Refusal):
        return Change(player, amount)
    entry = Entry(Reason.TOP_UP_CASH, f"cash {player.id}", seller.id, now)
    if seller.role == UserRole.SELLER and not await users_repo.reserve_credit(
            session, seller.id, amount, player.currency, entry):
        return Change(player, Refusal.NO_CUPO)
    await users_repo.credit_balance(session, player.id, amount, player.currency,
                                    Entry(Reason.TOP_UP, f"cash {seller.id}", seller.id, now))
    await activity.log_activity(session, "BALANCE_TOP_UP", actor_id=seller.id,
                                target_type="USER", target_id=player.id, at=now,
                                details={"amount": amount, "currency": player.currency,
                                         "cash": True})
    return Change(player, None, amount)


async def move(session: AsyncSession, admin: User, args: str | None, now: datetime) -> Change:
    """``/mover @ana @luis`` (or ``ninguno``): an admin gives a player another seller."""
    parts = (args or "").split()
    if len(parts) != 2:
        return Change(refusal=Refusal.USAGE)
    if admin.role != UserRole.ADMIN:
        return Change(refusal=Refusal.NOT_ALLOWED)
    player = await find_user(session, parts[0])
    if player is None:
        return Change(refusal=Refusal.NOT_FOUND)
    if player.role != UserRole.PLAYER:
        return Change(player, Refusal.NOT_A_PLAYER)
    seller = None
    if parts[1].lower() not in ("ninguno", "none", "-"):
        seller = await find_user(session, parts[1])
        if seller is None or seller.role != UserRole.SELLER:
            return Change(player, Refusal.NOT_FOUND)
    before = player.seller_id
    await users_repo.set_seller(session, player.id, seller.id if seller else None)
    await activity.log_activity(session, "PLAYER_MOVE", actor_id=admin.id, target_type="USER",
                                target_id=player.id, at=now,
                                details={"from": before, "to": seller.id if seller else None})
    return Change(player, None, seller=seller)
