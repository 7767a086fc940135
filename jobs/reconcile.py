"""Settling the tickets whose booking outcome is unknown (``confirm_sale`` left them pending).

A pending ticket already holds the buyer's money and carries our reference; the provider may or
may not hold a ticket for it. Once the sale itself has certainly given up (``grace``), the
provider is asked, never told again:
- it holds a ticket for the reference → the sale stands: the ticket becomes ``sold`` (provider
  ticket id, a PIN — the provider's, or a new one, stored hashed —, cancel deadline), the sale is
  logged, and the buyer gets the ticket through the notice queue;
- it holds the ticket voided, or still has none ``give_up`` after the sale → nothing was sold:
  the ticket becomes ``rejected``, the money goes back to whoever paid, and the buyer is told;
- it cannot answer → the ticket stays pending for the next run.

Each ticket is settled by one conditional status change (``pending`` → ``sold`` or
``rejected``) in the same transaction as the refund and the queued notice, so two workers (or a
late ``confirm_sale``) never settle it twice: never sold twice, never refunded twice. Notices go
through the outbox (``services.outbox``, sent at least once), so a restart between settling and
telling does not lose them; their key makes queuing idempotent.

Give-up window: banklot finds a ticket among those created up to 15 minutes after the send
(``match_window``), so a ticket not found 20 minutes after the sale will not be found later.
Residual risk (documented, not solvable from our side): a provider that books a request more
than ``give_up`` after it was sent would hold a ticket we refunded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import Catalog
from lottery.i18n import _, in_locale
from lottery.money import from_minor
from lottery.ticket_codes import PinHasher, format_serial, new_pin
from presentation.formatting import Formatter
from providers.base import Provider, ProviderError, ProviderTicket, ProviderUnavailable, TicketState
from services.broadcast import BroadcastTextError
from services.broadcast.queue import check_text
from services.funds import refund_ticket
from services.outbox import queue_texts
from services.sales import log_sale
from services.tickets import ticket_text, ticket_view
from storage.models import Ticket, TicketStatus, User, UserRole
from storage.repositories import activity
from storage.repositories import tickets as tickets_repo
from storage.repositories import users as users_repo

log = logging.getLogger(__name__)

#: Older than this, the sale that created the ticket has certainly finished (its create and the
#: lookup after it each time out after PROVIDER_TIMEOUT, 10 s by default).
GRACE = timedelta(minutes=2)
#: Not found this long after the sale: nothing was booked (see the module doc).
GIVE_UP = timedelta(minutes=20)
#: Tickets looked at per run (oldest first); the rest wait for the next tick.
BATCH = 100


@dataclass(frozen=True)
class ReconcileSummary:
    sold: int = 0
    refunded: int = 0
    pending: int = 0  # asked and not settled yet, or not asked (the provider did not answer)

    @property
    def notified(self) -> bool:
        """Notices were queued: wake the outbox's sender."""
        return bool(self.sold or self.refunded)


async def reconcile_pending(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    provider: Provider,
    catalog: Catalog,
    pins: PinHasher,
    brand: str,
    now: datetime,
    grace: timedelta = GRACE,
    give_up: timedelta = GIVE_UP,
    limit: int = BATCH,
) -> ReconcileSummary:
    """Ask the provider about every pending ticket older than ``grace`` and settle what it says
    (module doc). No transaction is open while the provider is asked."""
    async with sessionmaker() as session:
        tickets = list(
            await tickets_repo.pending_tickets(
                session, provider=provider.name, created_before=now - grace, limit=limit
            )
        )
    sold = refunded = pending = 0
    for index, ticket in enumerate(tickets):
        try:
            found = await provider.find_ticket(ticket.reference)
        except ProviderUnavailable as exc:
            log.warning(
                "reconciliation: provider not answering; tickets stay pending",
                extra={"provider": provider.name, "detail": exc.detail,
                       "pending": len(tickets) - index},
            )
            pending += len(tickets) - index
            break
        except ProviderError as exc:  # never conclude "not sold" from an error
            log.warning(
                "reconciliation: lookup refused; ticket stays pending",
                extra={"reference": ticket.reference, "code": str(exc.code)},
            )
            pending += 1
            continue
        try:
            if found is not None and found.state is not TicketState.VOID:
                sold += await _confirm(sessionmaker, ticket, found, catalog=catalog, pins=pins,
                                       brand=brand, now=now, provider_name=provider.name)
            elif found is not None or now >= ticket.created_at + give_up:
                reason = "void" if found is not None else "not_found"
                refunded += await _refund(sessionmaker, ticket, catalog=catalog, now=now,
                                          provider_name=provider.name, reason=reason)
            else:
                pending += 1
        except Exception:
            log.exception("reconciliation of a ticket failed; retrying on the next run",
                          extra={"reference": ticket.reference})
            pending += 1
    summary = ReconcileSummary(sold, refunded, pending)
    if tickets:
        log.info("reconciliation", extra={"provider": provider.name, "sold": sold,
                                          "refunded": refunded, "pending": pending})
    return summary


async def _confirm(
    sessionmaker: async_sessionmaker[AsyncSession],
    ticket: Ticket,
    found: ProviderTicket,
    *,
    catalog: Catalog,
    pins: PinHasher,
    brand: str,
    now: datetime,
    provider_name: str,
) -> bool:
    """pending → sold with what the provider holds, the sale logged and the buyer's notice
    queued, in one transaction. False when someone else settled the ticket first."""
    pin = found.pin or new_pin()  # the sale's own PIN was never shown: the buyer gets this one
    pin_hash = pins.hash(pin)
    deadline = found.cancel_deadline or found.created_at + timedelta(
        seconds=catalog.cancel_seconds
    )
    total = from_minor(ticket.total, ticket.currency)
    if found.total and found.total != total:
        log.warning(
            "reconciliation: provider total differs from ours",
            extra={"reference": ticket.reference, "ours": str(total),
                   "provider": str(found.total)},
        )
    async with sessionmaker() as session, session.begin():
        moved = await tickets_repo.set_ticket_status(
            session,
            ticket.id,
            TicketStatus.SOLD,
            only_from=(TicketStatus.PENDING,),
            provider_ticket_id=found.provider_ticket_id,
            cancel_deadline=deadline,
            pin_hash=pin_hash,
        )
        if not moved:
            return False
        await log_sale(session, ticket, actor_id=ticket.seller_id or ticket.buyer_id,
                       provider=provider_name, now=now, reconciled=True)
        sold = await tickets_repo.get_ticket(session, ticket.id)
        buyer = await users_repo.get_user(session, ticket.buyer_id)
        if sold is not None and buyer is not None:
            text = confirmed_notice(sold, catalog, buyer, brand=brand, pin=pin)
            await queue_texts(session, messages={buyer.id: text}, now=now,
                              key=f"reconciled:{ticket.reference}")
    log.info("pending ticket confirmed by the provider",
             extra={"reference": ticket.reference, "provider": provider_name})
    return True


async def _refund(
    sessionmaker: async_sessionmaker[AsyncSession],
    ticket: Ticket,
    *,
    catalog: Catalog,
    now: datetime,
    provider_name: str,
    reason: str,
) -> bool:
    """pending → rejected, the money back to whoever paid, the buyer's notice queued, in one
    transaction. False when someone else settled the ticket first."""
    async with sessionmaker() as session, session.begin():
        if not await tickets_repo.mark_rejected(session, ticket.id):
            return False
        payer = await refund_ticket(session, ticket, now=now)
        await activity.log_activity(
            session,
            "TICKET_REJECT",
            actor_id=None,
            target_type="TICKET",
            target_id=ticket.serial,
            details={
                "reference": ticket.reference,
                "total": ticket.total,
                "currency": ticket.currency,
                "provider": provider_name,
                "reason": reason,
                "refunded_to": payer.id if payer is not None else None,
            },
            at=now,
        )
        buyer = payer if payer is not None and payer.id == ticket.buyer_id else (
            await users_repo.get_user(session, ticket.buyer_id)
        )
        if buyer is not None:
            paid_with = payer.role if payer is not None else None
            await queue_texts(
                session,
                messages={buyer.id: refunded_notice(ticket, catalog, buyer, paid_with)},
                now=now,
                key=f"reconciled:{ticket.reference}",
            )
    log.info("pending ticket not booked; money returned",
             extra={"reference": ticket.reference, "provider": provider_name,
                    "reason": reason})
    return True



def _money(amount: int, currency: str, catalog: Catalog, user: User) -> str:
    return Formatter.for_reader(user.locale, catalog).minor(amount, currency)


def confirmed_notice(ticket: Ticket, catalog: Catalog, buyer: User, *, brand: str, pin: str
                     ) -> str:
    """The buyer's message when a pending ticket turns out booked: the ticket with its PIN, or
    (if it cannot be rendered or is too long for one message) its serial and total."""
    with in_locale(buyer.locale):
        serial = f"<b>{format_serial(ticket.serial)}</b>"
        head = _("✅ The lottery system confirmed your ticket {serial}: it is sold.").format(
            serial=serial
        )
        try:
            body = ticket_text(ticket_view(ticket, catalog, brand=brand, pin=pin), buyer)
            text = f"{head}\n\n{body}"
            check_text(text, with_image=False)
            return text
        except (KeyError, BroadcastTextError):
            return "\n".join([
                head,
                _("Total: {total}").format(
                    total=_money(ticket.total, ticket.currency, catalog, buyer)
                ),
                _("PIN: {pin}").format(pin=f"<code>{escape(pin)}</code>"),
                _("Keep your PIN: you need it to collect a prize."),
            ])


def refunded_notice(
    ticket: Ticket, catalog: Catalog, buyer: User, paid_with: UserRole | None
) -> str:
    """The buyer's message when a pending ticket was not booked: nothing sold, and where the
    money went back (``paid_with``: the payer's role, as ``return_funds`` treated it)."""
    with in_locale(buyer.locale):
        serial = f"<b>{format_serial(ticket.serial)}</b>"
        amount = _money(ticket.total, ticket.currency, catalog, buyer)
        if paid_with == UserRole.PLAYER:
            back = _("{amount} went back to your balance.").format(amount=amount)
        elif paid_with == UserRole.SELLER:
            back = _("{amount} went back to your credit.").format(amount=amount)
        else:
            back = ""
        head = _("❌ The lottery system did not book ticket {serial}: nothing was sold.").format(
            serial=serial
        )
        return f"{head} {back}".strip()
