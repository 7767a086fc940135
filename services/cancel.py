"""Cancelling (*anular*) a sold ticket: by its buyer or its seller, inside the window, before the
draw closes. The money goes back to whoever paid; the ticket can never be paid afterwards.

A ticket is voided at the provider first, then here; the booth's void is one conditional status
change, so of several presses (another chat, another worker) exactly one returns the money. A
press that finds the ticket void, here or at the provider (another press got there first, or a
cancel whose booth side never finished), is told it is already void, not that it was refused."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.money import from_minor
from providers.base import (
    BooksInTransaction,
    ErrorCode,
    Provider,
    ProviderError,
    ProviderTicket,
    TicketState,
)
from services import alerts
from services.funds import refund_ticket
from storage.models import Ticket, TicketStatus, User
from storage.repositories import activity
from storage.repositories import tickets as tickets_repo


class CancelRefusal(enum.StrEnum):
    NOT_FOUND = "not_found"
    NOT_YOURS = "not_yours"
    NOT_SOLD = "not_sold"
    WINDOW_PASSED = "window_passed"
    DRAW_CLOSED = "draw_closed"
    PROVIDER = "provider"
    ALREADY_VOID = "already_void"


@dataclass(frozen=True)
class CancelResult:
    ticket: Ticket | None
    refusal: CancelRefusal | None = None
    #: the deadline that passed (WINDOW_PASSED) or the closing time of the draw (DRAW_CLOSED)
    when: datetime | None = None
    provider_code: ErrorCode | None = None


def first_close(ticket: Ticket, catalog: Catalog) -> datetime:
    """When sales close for the earliest draw on the ticket."""
    closes = [
        w.draw.draw_at - timedelta(minutes=lottery.close_minutes if lottery else 0)
        for w in ticket.wagers
        for lottery in (catalog.get_lottery(w.lottery_id),)
    ]
    return min(closes)


def refusal(
    ticket: Ticket | None, user: User, catalog: Catalog, now: datetime
) -> CancelResult | None:
    """Why ``user`` cannot cancel ``ticket`` now, or None: checked before asking "are you
    sure?" (no question for a cancel bound to fail) and again when the answer is yes."""
    if ticket is None:
        return CancelResult(None, CancelRefusal.NOT_FOUND)
    if user.id not in (ticket.buyer_id, ticket.seller_id):
        return CancelResult(ticket, CancelRefusal.NOT_YOURS)
    if ticket.status == TicketStatus.VOID:
        return CancelResult(ticket, CancelRefusal.ALREADY_VOID)
    if ticket.status != TicketStatus.SOLD:
        return CancelResult(ticket, CancelRefusal.NOT_SOLD)
    if ticket.cancel_deadline is None or now >= ticket.cancel_deadline:
        return CancelResult(ticket, CancelRefusal.WINDOW_PASSED, ticket.cancel_deadline)
    closes = first_close(ticket, catalog)
    if now >= closes:
        return CancelResult(ticket, CancelRefusal.DRAW_CLOSED, closes)
    return None


def window_open(ticket: Ticket, catalog: Catalog, now: datetime) -> bool:
    """Whether a sold ticket can still be cancelled by its buyer or seller: its view offers
    the cancel (and says until when) only then, not a button bound to be refused."""
    if ticket.status != TicketStatus.SOLD or ticket.cancel_deadline is None:
        return False
    return now < ticket.cancel_deadline and now < first_close(ticket, catalog)


def _provider_ticket(ticket: Ticket) -> ProviderTicket:
    return ProviderTicket(
        reference=ticket.reference,
        provider_ticket_id=ticket.provider_ticket_id or "",
        state=TicketState.SOLD,
        wagers=(),
        total=from_minor(ticket.total, ticket.currency),
        currency=ticket.currency,
        created_at=ticket.created_at,
    )


async def cancel_ticket(
    session: AsyncSession,
    *,
    provider: Provider,
    catalog: Catalog,
    user: User,
    ticket_id: int,
    now: datetime,
) -> CancelResult:
    ticket = await tickets_repo.get_ticket(session, ticket_id)
    refused = refusal(ticket, user, catalog, now)
    if refused is not None:
        return refused
    assert ticket is not None

    await session.commit()  # no transaction open across the provider call
    try:
        await provider.cancel_ticket(_provider_ticket(ticket), now, actor_id=user.id)
    except ProviderError as exc:
        if not await _void_at_provider(provider, ticket):
            return CancelResult(ticket, CancelRefusal.PROVIDER, provider_code=exc.code)
    return await _void_here(session, provider, user, ticket, now, catalog)


async def _void_at_provider(provider: Provider, ticket: Ticket) -> bool:
    """Whether the provider, having refused the cancel, holds the ticket void already."""
    try:
        found = await provider.find_ticket(ticket.reference)
    except ProviderError:
        return False
    return found is not None and found.state is TicketState.VOID


async def _void_here(
    session: AsyncSession, provider: Provider, user: User, ticket: Ticket, now: datetime,
    catalog: Catalog,
) -> CancelResult:
    """The booth's side of a void the provider holds: the status, the refund and the log,
    done by exactly one press; the others hear the ticket is already void."""
    if not await tickets_repo.void_ticket(session, ticket.id, now=now, enforce_deadline=False):
        current = await tickets_repo.get_ticket(session, ticket.id)
        if current is not None and current.status == TicketStatus.VOID:
            return CancelResult(current, CancelRefusal.ALREADY_VOID)
        return CancelResult(current or ticket, CancelRefusal.NOT_SOLD)
    await refund_ticket(session, ticket, actor_id=user.id, now=now)
    await alerts.cancelled(session, catalog, ticket, first_close(ticket, catalog), now)
    if not isinstance(provider, BooksInTransaction):  # the house ledger logs its own cancels
        await activity.log_activity(
            session,
            "TICKET_CANCEL",
            actor_id=user.id,
            target_type="TICKET",
            target_id=ticket.serial,
            details={"reference": ticket.reference, "total": ticket.total,
                     "currency": ticket.currency, "provider": provider.name},
            at=now,
        )
    await session.commit()  # void at the provider already: the booth's side before the answer
    return CancelResult(await tickets_repo.get_ticket(session, ticket.id))
