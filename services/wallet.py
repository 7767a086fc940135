"""A player's top-up request: they report a payment (method, amount, reference, maybe a photo of
the receipt), their seller or the admins approve or reject it with one tap.

- The balance moves only on approval, exactly once: ``pending → approved`` is one conditional
  UPDATE, so a double tap, a redelivered update or two admins at once move it once; the others
  hear it was decided already.
- A reference approved once for a method is refused for that method (checked, and a unique
  index over the approved rows settles two approvals racing).
- A seller who approves took the player's money themselves: the amount goes on what the seller
  owes the banca, within their *cupo* (``top_up_cash``); an admin's approval is the banca's own.
- Each step is logged (``TOPUP_REQUEST``, ``TOPUP_APPROVE``, ``TOPUP_REJECT``); the player's
  news goes through the outbox. Nothing here commits (the unit of work does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.money_words import Refusal, deciders, may_act_on, read_amount
from storage.models import Reason, RequestState, TopUpRequest, User, UserRole
from storage.repositories import activity
from storage.repositories import users as users_repo
from storage.repositories.ledger import Entry

REFERENCE_MAX = 64


def methods(setting: str) -> list[str]:
    return [m.strip().lower() for m in setting.split(",") if m.strip()]


@dataclass(frozen=True)
class Asked:
    request: TopUpRequest | None = None
    refusal: Refusal | None = None
    deciders: tuple[int, ...] = ()


@dataclass(frozen=True)
class Decided:
    request: TopUpRequest | None = None
    refusal: Refusal | None = None
    player: User | None = None


async def ask(
    session: AsyncSession, player: User, args: str | None, *, photo_file_id: str | None,
    offered: list[str], admin_ids: frozenset[int], now: datetime,
) -> Asked:
    """``/reportar pagomovil 500 012345``."""
    if player.role != UserRole.PLAYER:
        return Asked(refusal=Refusal.NOT_A_PLAYER)
    parts = (args or "").split()
    if len(parts) < 3:
        return Asked(refusal=Refusal.USAGE)
    method, amount_word, reference = parts[0].lower(), parts[1], " ".join(parts[2:])
    if method not in offered:
        return Asked(refusal=Refusal.BAD_METHOD)
    amount = read_amount(amount_word, player.currency)
    if isinstance(amount, Refusal):
        return Asked(refusal=amount)
    if len(reference) > REFERENCE_MAX:
        return Asked(refusal=Refusal.BAD_REFERENCE)
    if await _approved(session, method, reference):
        return Asked(refusal=Refusal.REFERENCE_USED)
    request = TopUpRequest(user_id=player.id, decider_id=player.seller_id, method=method,
                           amount=amount, currency=player.currency, reference=reference,
                           photo_file_id=photo_file_id, created_at=now)
    session.add(request)
    await session.flush()
    await activity.log_activity(
        session, "TOPUP_REQUEST", actor_id=player.id, target_type="TOPUP",
        target_id=request.id, at=now,
        details={"amount": amount, "currency": player.currency, "method": method,
                 "reference": reference, "photo": photo_file_id is not None})
    return Asked(request, deciders=tuple(await deciders(session, player, admin_ids)))


async def _approved(session: AsyncSession, method: str, reference: str) -> bool:
    stmt = select(exists().where(TopUpRequest.method == method,
                                 TopUpRequest.reference == reference,
                                 TopUpRequest.state == RequestState.APPROVED))
    return bool(await session.scalar(stmt))


async def get(session: AsyncSession, request_id: int) -> TopUpRequest | None:
    return await session.get(TopUpRequest, request_id, populate_existing=True)


async def decide(
    session: AsyncSession, actor: User, request_id: int, *, approve: bool, now: datetime
) -> Decided:
    """Approve or reject once (see the module doc)."""
    request = await get(session, request_id)
    if request is None:
        return Decided(refusal=Refusal.NOT_FOUND)
    player = await users_repo.get_user(session, request.user_id)
    assert player is not None
    refused = may_act_on(actor, player)
    if refused is not None:
        return Decided(request, refused, player)
    if request.state != RequestState.PENDING:
        return Decided(request, Refusal.DECIDED, player)
    if approve and await _approved(session, request.method, request.reference):
        return Decided(request, Refusal.REFERENCE_USED, player)
    target = RequestState.APPROVED if approve else RequestState.REJECTED
    try:
        async with session.begin_nested():
            moved = await session.execute(
                update(TopUpRequest)
                .where(TopUpRequest.id == request.id,
                       TopUpRequest.state == RequestState.PENDING)
                .values(state=target, decided_by=actor.id, decided_at=now)
                .execution_options(synchronize_session=False)
                .returning(TopUpRequest.id))
            if moved.scalar_one_or_none() is None:
                return Decided(await get(session, request.id), Refusal.DECIDED, player)
            if approve:
                refusal = await _credit(session, actor, player, request, now)
                if refusal is not None:
                    raise _Undo(refusal)
    except _Undo as undo:
        return Decided(await get(session, request.id), undo.refusal, player)
    except IntegrityError:  # another request with this reference approved at the same time
        return Decided(await get(session, request.id), Refusal.REFERENCE_USED, player)
    await activity.log_activity(
        session, "TOPUP_APPROVE" if approve else "TOPUP_REJECT", actor_id=actor.id,
        target_type="TOPUP", target_id=request.id, at=now,
        details={"amount": request.amount, "currency": request.currency,
                 "player": player.id, "method": request.method,
                 "reference": request.reference})
    return Decided(await get(session, request.id), None, player)


class _Undo(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal)
        self.refusal = refusal


async def _credit(
    session: AsyncSession, actor: User, player: User, request: TopUpRequest, now: datetime
) -> Refusal | None:
    ref = f"R{request.id} {request.method} {request.reference}"[:64]
    if actor.role == UserRole.SELLER and not await users_repo.reserve_credit(
        session, actor.id, request.amount, request.currency,
        Entry(Reason.TOP_UP_CASH, ref, actor.id, now),
    ):
        return Refusal.NO_CUPO
    await users_repo.credit_balance(session, player.id, request.amount, request.currency,
                                    Entry(Reason.TOP_UP, ref, actor.id, now))
    return None


async def pending_for(session: AsyncSession, actor: User, limit: int = 20) -> list[TopUpRequest]:
    """The requests waiting for ``actor``: a seller's players', or (admins) all of them."""
    stmt = select(TopUpRequest).where(TopUpRequest.state == RequestState.PENDING)
    if actor.role == UserRole.SELLER:
        stmt = stmt.where(TopUpRequest.decider_id == actor.id)
    elif actor.role != UserRole.ADMIN:
        return []
    stmt = stmt.order_by(TopUpRequest.id).limit(limit)
    return list((await session.scalars(stmt)).all())


async def people(session: AsyncSession, ids: list[int]) -> dict[int, User]:
    """The users named in a list of requests, by id."""
    return await users_repo.users_by_id(session, ids)
