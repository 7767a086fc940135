"""Selling: text → preview (nothing booked) → confirm (book exactly once, take money, or refuse).

With a remote provider, confirm commits the pending ticket together with the debit *before*
calling the provider, so a crash or a lost answer leaves a pending ticket under our reference
(settled by reconciliation): never money taken without a ticket, never one draft sold twice. No
database transaction is ever open across a remote call (it is slow). The house provider books on
our own database: debit, booking, ticket and its outbox row commit as one, then the ticket is sent.
Either way selling commits by itself, not through the unit of work (``bot/middlewares/db.py``).
"""

from __future__ import annotations

import enum
import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog, fold_name
from lottery.i18n import N_
from lottery.money import from_minor, to_minor
from lottery.plays import PlayError, Wager, parse_message
from lottery.ticket_codes import PinHasher, new_pin, new_serial
from providers.base import (
    BooksInTransaction,
    ErrorCode,
    OutcomeUnknown,
    Provider,
    ProviderError,
    ProviderTicket,
    ReferenceTaken,
    TicketRequest,
    WagerRejection,
)
from services.alerts import after_sale
from services.draft import NO_ORIGINS, LineOrigins, SaleDraft, new_reference
from services.funds import return_funds, take_funds
from services.line_places import ONE_MESSAGE, LinePlaces
from services.outbox import LEASE, queue_ticket
from storage.models import Ticket, TicketStatus, User, UserRole
from storage.repositories import activity
from storage.repositories import tickets as tickets_repo
from storage.repositories import users as users_repo
from storage.repositories.draw_rows import draw_ids

log = logging.getLogger(__name__)

NOT_SOLD_HERE = N_("{lottery} is not sold through this lottery system.")
_CUSTOMER_LINE = re.compile(r"^\s*cliente\s*[:\-]?\s*(?P<name>\S.*?)\s*$", re.IGNORECASE)
Rejected = tuple[tuple[Wager, WagerRejection], ...]


class Outcome(enum.StrEnum):
    SOLD = "sold"
    ALREADY_SOLD = "already_sold"
    REFUSED = "refused"
    PENDING = "pending"


@dataclass(frozen=True)
class Preview:
    draft: SaleDraft | None  # None: nothing in the message can be sold
    errors: tuple[PlayError, ...]  # lines that could not be read
    rejected: Rejected  # read, but not sellable now (closed, sold out, limits)
    default_lottery: str | None  # the remembered lottery, when the text named none
    shortfall: Decimal | None  # what the buyer lacks to pay the total
    origins: LineOrigins = NO_ORIGINS  # lines that took a lottery not written on them
    places: LinePlaces = ONE_MESSAGE  # the messages of the order its line numbers run through


@dataclass(frozen=True)
class SaleResult:
    outcome: Outcome
    ticket: Ticket | None = None
    pin: str | None = None  # in clear only on the sale itself; stored hashed
    code: ErrorCode | None = None
    rejected: Rejected = ()
    delivery: int | None = None  # the outbox row that owes the buyer this ticket and its PIN


def sells_for_others(user: User) -> bool:
    return user.role in (UserRole.SELLER, UserRole.ADMIN)


def split_customer(text: str) -> tuple[str, str | None]:
    """A seller may name the customer on a line `cliente: Juan`; the line stays (blank) so the
    parser's line numbers still match what the seller wrote."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if match := _CUSTOMER_LINE.match(line):
            lines[i] = ""
            return "\n".join(lines), match.group("name")[:64]
    return text, None


def available_funds(user: User) -> Decimal | None:
    """What the user can still spend; None for admins (the banca sells on its own account)."""
    if user.role == UserRole.PLAYER:
        return from_minor(user.balance, user.currency)
    if user.role == UserRole.SELLER:
        return from_minor(user.credit_limit - user.credit_used, user.currency)
    return None


def _pair(wagers: tuple[Wager, ...] | list[Wager], rejections: list[WagerRejection]) -> Rejected:
    return tuple((wagers[r.index], r) for r in rejections if 0 <= r.index < len(wagers))


async def prepare_sale(
    session: AsyncSession,
    *,
    provider: Provider,
    catalog: Catalog,
    user: User,
    text: str,
    now: datetime,
    market: Catalog | None = None,
) -> Preview:
    """``market``: the bundled catalog, when ``catalog`` is a provider's (see
    :func:`not_sold_here`)."""
    customer = None
    if sells_for_others(user):
        text, customer = split_customer(text)
    parsed = parse_message(text, catalog, now, default_lottery=user.last_lottery_id)
    return await preview_wagers(
        session,
        provider=provider,
        catalog=catalog,
        user=user,
        wagers=parsed.wagers,
        now=now,
        errors=tuple(not_sold_here(e, catalog, market) for e in parsed.errors),
        customer=customer,
        default_lottery=user.last_lottery_id if parsed.used_default_lottery else None,
    )


def not_sold_here(error: PlayError, catalog: Catalog, market: Catalog | None) -> PlayError:
    """"I did not understand «caracas»" is true but unhelpful when Caracas is a lottery people
    know that this provider does not sell: say that instead."""
    if market is None or market is catalog or error.code != "unknown_token":
        return error
    word = fold_name(str(error.params.get("text", "")))
    for lottery in market.lotteries:
        if catalog.get_lottery(lottery.id) is None and (
            word == fold_name(lottery.name) or word in lottery.aliases
        ):
            return replace(error, msgid=NOT_SOLD_HERE, params={"lottery": lottery.name})
    return error


async def preview_wagers(
    session: AsyncSession,
    *,
    provider: Provider,
    catalog: Catalog,
    user: User,
    wagers: list[Wager],
    now: datetime,
    errors: tuple[PlayError, ...] = (),
    customer: str | None = None,
    default_lottery: str | None = None,
    origins: LineOrigins = NO_ORIGINS,
    places: LinePlaces = ONE_MESSAGE,
) -> Preview:
    """What confirming would sell now; the provider's refusals are shown, not sold."""
    rejections: list[WagerRejection] = []
    if wagers and isinstance(provider, BooksInTransaction):
        rejections = await provider.validate_in(session, wagers, now, actor_id=user.id)
    elif wagers:
        await session.commit()  # release the connection (and any write lock) before the call
        rejections = await provider.validate(wagers, now)
    refused = {r.index for r in rejections}
    sellable = tuple(w for i, w in enumerate(wagers) if i not in refused)
    draft = SaleDraft(new_reference(), sellable, catalog.currency, customer) if sellable else None
    funds = available_funds(user)
    shortfall = None
    if draft is not None and funds is not None and draft.total > funds:
        shortfall = draft.total - funds
    return Preview(
        draft=draft,
        errors=errors,
        rejected=_pair(wagers, rejections),
        default_lottery=default_lottery,
        shortfall=shortfall,
        origins=origins,
        places=places,
    )


async def log_sale(
    session: AsyncSession, ticket: Ticket, *, actor_id: int | None, provider: str,
    now: datetime, **extra: object,
) -> None:
    """The activity entry of a booth sale (the house ledger logs its own bookings)."""
    await activity.log_activity(
        session,
        "TICKET_SELL",
        actor_id=actor_id,
        target_type="TICKET",
        target_id=ticket.serial,
        details={
            "reference": ticket.reference,
            "total": str(from_minor(ticket.total, ticket.currency)),
            "currency": ticket.currency,
            "provider": provider,
            "customer": ticket.customer_name,
            "wagers": len(ticket.wagers),
            **extra,
        },
        at=now,
    )


async def _create_ticket(
    session: AsyncSession,
    *,
    provider: Provider,
    catalog: Catalog,
    user: User,
    draft: SaleDraft,
    total: int,
    pin_hash: str,
    now: datetime,
    status: TicketStatus = TicketStatus.PENDING,
    booked: ProviderTicket | None = None,
    serial: str | None = None,
) -> tuple[Ticket, bool]:
    """``serial``: the one to print, when the book already numbered the ticket (the house)."""
    ids = await draw_ids(session, catalog, {(w.lottery, w.draw) for w in draft.wagers}, now)
    # each wager keeps the payout in force now: a later change applies to later tickets only
    wagers = [tickets_repo.new_wager(w, ids[(w.lottery, w.draw)], catalog, draft.currency)
              for w in draft.wagers]
    while True:
        try:
            return await tickets_repo.create_ticket(
                session,
                serial=serial or new_serial(),
                reference=draft.reference,
                pin_hash=pin_hash,
                provider=provider.name,
                buyer_id=user.id,
                seller_id=user.id if sells_for_others(user) else None,
                customer_name=draft.customer_name,
                total=total,
                currency=draft.currency,
                created_at=now,
                wagers=wagers,
                status=status,
                provider_ticket_id=booked.provider_ticket_id if booked else None,
                cancel_deadline=_cancel_deadline(booked, catalog, now) if booked else None,
            )
        except tickets_repo.SerialTaken:
            serial = None  # 31^10 serials: a collision is rare and a new draw fixes it


def _cancel_deadline(booked: ProviderTicket, catalog: Catalog, now: datetime) -> datetime:
    return booked.cancel_deadline or now + timedelta(seconds=catalog.cancel_seconds)


def _request(draft: SaleDraft, user: User) -> TicketRequest:
    return TicketRequest(
        draft.reference,
        draft.wagers,
        draft.currency,
        customer_name=draft.customer_name,
        actor_id=user.id,
    )


def _refused(draft: SaleDraft, exc: ProviderError) -> SaleResult:
    return SaleResult(
        Outcome.REFUSED, code=exc.code, rejected=_pair(draft.wagers, list(exc.rejections))
    )


async def _remember_lottery(session: AsyncSession, user: User, draft: SaleDraft) -> None:
    lottery = draft.wagers[0].lottery
    if user.last_lottery_id != lottery:
        await users_repo.set_last_lottery(session, user.id, lottery)
        user.last_lottery_id = lottery


async def confirm_sale(
    session: AsyncSession,
    *,
    provider: Provider,
    catalog: Catalog,
    user: User,
    draft: SaleDraft,
    now: datetime,
    pins: PinHasher,
    lease: timedelta = LEASE,
) -> SaleResult:
    """Sell ``draft`` once. A sold ticket's message to the buyer, with its PIN, is queued in the
    sale's own commit (``services.outbox``): the caller sends it and marks ``delivery`` sent;
    held for ``lease``, after which a background sender takes over if the caller could not."""
    existing = await tickets_repo.ticket_id_by_reference(session, draft.reference)
    if existing is not None:
        return SaleResult(
            Outcome.ALREADY_SOLD, ticket=await tickets_repo.get_ticket(session, existing)
        )
    if isinstance(provider, BooksInTransaction):
        # the update's bookkeeping rides with the sale's commit (and survives its rollback)
        return await _confirm_in_transaction(
            session, provider=provider, catalog=catalog, user=user, draft=draft, now=now,
            pins=pins, lease=lease,
        )
    # No transaction across the provider's calls; the update's bookkeeping is kept whatever
    # the sale's fate.
    await session.commit()
    return await _confirm_remote(
        session, provider=provider, catalog=catalog, user=user, draft=draft, now=now, pins=pins,
        lease=lease,
    )


async def _confirm_in_transaction(
    session: AsyncSession,
    *,
    provider: BooksInTransaction,
    catalog: Catalog,
    user: User,
    draft: SaleDraft,
    now: datetime,
    pins: PinHasher,
    lease: timedelta,
) -> SaleResult:
    """House mode: debit, booking (which validates draws and tope again, atomically) and ticket
    in one transaction, so a refusal leaves nothing behind and a sale is one commit."""
    total = to_minor(draft.total, draft.currency)
    try:
        if not await take_funds(session, user, total, reference=draft.reference, now=now):
            await _roll_back(session, user)
            return SaleResult(Outcome.REFUSED, code=ErrorCode.INSUFFICIENT_FUNDS)
        booked = await provider.create_ticket_in(session, _request(draft, user), now)
        assert booked.pin is not None
        ticket, created = await _create_ticket(
            session, provider=cast(Provider, provider), catalog=catalog, user=user,
            draft=draft, total=total, pin_hash=pins.hash(booked.pin), now=now,
            status=TicketStatus.SOLD, booked=booked,
            serial=booked.provider_ticket_id,  # one serial in the ledger, the log and the chat
        )
        if not created:
            raise ReferenceTaken(draft.reference)
        await _remember_lottery(session, user, draft)
        delivery = await queue_ticket(session, chat_id=user.id, ticket_id=ticket.id,
                                      pin=booked.pin, now=now, lease=lease)
        await after_sale(session, getattr(provider, "controls", None), ticket, now)
        await session.commit()  # the ticket is sent after this commit, never before
    except ProviderError as exc:
        await _roll_back(session, user)
        return _refused(draft, exc)
    except ReferenceTaken:  # the same draft confirmed concurrently, and that one won
        await _roll_back(session, user)
        sold = await tickets_repo.get_ticket_by_reference(session, draft.reference)
        return SaleResult(Outcome.ALREADY_SOLD, ticket=sold)
    return SaleResult(Outcome.SOLD, ticket=ticket, pin=booked.pin, delivery=delivery)


async def _roll_back(session: AsyncSession, user: User) -> None:
    """Undo the sale's writes; the handler goes on using ``user``, so reload what the rollback
    expired."""
    await session.rollback()
    await session.refresh(user)


async def _confirm_remote(
    session: AsyncSession,
    *,
    provider: Provider,
    catalog: Catalog,
    user: User,
    draft: SaleDraft,
    now: datetime,
    pins: PinHasher,
    lease: timedelta,
) -> SaleResult:
    """A remote provider: debit and pending ticket commit *before* the call, so a lost answer
    leaves a pending ticket under our reference for reconciliation."""
    try:
        rejections = await provider.validate(draft.wagers, now)
    except ProviderError as exc:  # not answering: nothing was taken, nothing was sent
        return _refused(draft, exc)
    if rejections:
        return SaleResult(
            Outcome.REFUSED, code=rejections[0].code, rejected=_pair(draft.wagers, rejections)
        )
    total = to_minor(draft.total, draft.currency)
    if not await take_funds(session, user, total, reference=draft.reference, now=now):
        return SaleResult(Outcome.REFUSED, code=ErrorCode.INSUFFICIENT_FUNDS)
    pin = new_pin()
    ticket, created = await _create_ticket(
        session,
        provider=provider,
        catalog=catalog,
        user=user,
        draft=draft,
        total=total,
        pin_hash=pins.hash(pin),
        now=now,
    )
    if not created:  # the same draft confirmed concurrently: give this debit back
        await return_funds(session, user, total, reference=draft.reference, now=now)
        await session.commit()  # the debit given back before answering
        return SaleResult(Outcome.ALREADY_SOLD, ticket=ticket)
    await session.commit()  # debit and pending ticket durable before the provider is asked

    try:
        booked = await provider.create_ticket(_request(draft, user), now)
    except OutcomeUnknown:
        log.warning(
            "booking outcome unknown; ticket kept pending",
            extra={"reference": draft.reference, "provider": provider.name},
        )
        return SaleResult(Outcome.PENDING, ticket=ticket)
    except ProviderError as exc:
        # Refund only if this call is the one that settles the ticket: a very slow answer may
        # arrive after the reconciliation job has already settled it.
        if await tickets_repo.mark_rejected(session, ticket.id):
            await return_funds(session, user, total, reference=draft.reference, now=now)
        await session.commit()  # the provider's refusal and the refund, before answering
        return _refused(draft, exc)

    if booked.pin:
        pin = booked.pin
    settled_here = await tickets_repo.set_ticket_status(
        session,
        ticket.id,
        TicketStatus.SOLD,
        only_from=(TicketStatus.PENDING,),
        provider_ticket_id=booked.provider_ticket_id,
        cancel_deadline=_cancel_deadline(booked, catalog, now),
        pin_hash=pins.hash(pin),
    )
    if not settled_here:  # reconciliation got there first and told the buyer (its PIN stands)
        await session.commit()  # ends the transaction before the reload
        return SaleResult(
            Outcome.ALREADY_SOLD, ticket=await tickets_repo.get_ticket(session, ticket.id)
        )
    await _remember_lottery(session, user, draft)
    await log_sale(session, ticket, actor_id=user.id, provider=provider.name, now=now)
    delivery = await queue_ticket(session, chat_id=user.id, ticket_id=ticket.id, pin=pin,
                                  now=now, lease=lease)
    await session.commit()  # the ticket is sent after this commit, never before
    sold = await tickets_repo.get_ticket(session, ticket.id)
    return SaleResult(Outcome.SOLD, ticket=sold, pin=pin, delivery=delivery)
