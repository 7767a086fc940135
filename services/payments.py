"""Winners and payment: checking a ticket (/premio), paying a prize once with the ticket's PIN
(/pagar), prizes that expire, and the notice each winning buyer gets.

The banca's rules, as this module applies them:

- Who collects, and how. The buyer (a player) collects their own ticket: the prize is credited to
  their balance. A seller or an admin presenting a customer's serial and PIN pays it in cash over
  the counter: recorded as ``cash`` with them as ``paid_by``. A seller pays the tickets they sold
  and the ones players bought themselves in the chat; another seller's sale is paid by that
  seller (whose till took the money) or an admin. A player cannot collect someone else's ticket:
  they must take it to a seller. The caller's role is checked before the PIN, so nobody can try
  PINs (or lock) on tickets they may not collect.
- Paid once: ``winner → paid`` is one conditional UPDATE; of two concurrent payments exactly one
  moves the row, the other reads "already paid on …".
- PIN: a PIN is compared only in an attempt the database counted first: one conditional UPDATE
  takes one of five attempts while the ticket is a winner, not locked and under the count, so a
  burst from many chats gets at most five PINs compared. A wrong PIN stays counted; the fifth
  locks the ticket's payment for 15 minutes, during which even the right PIN is refused. A right
  PIN gives its attempt back and pays; once a lock is over the count starts again, so a
  forgetful owner gets five fresh tries.
- Expiry: a prize can be collected until the end of the day (in the lottery's zone) that is
  ``ticket_expiration_days`` after the ticket's last draw. Past that, paying refuses it and marks
  the ticket ``expired``; ``expire_prizes`` does the same for every such winner (a job).
- Remote providers that offer ``pay`` are asked first (their books are the truth for their
  tickets): a refusal is shown and nothing is recorded. For the house provider (and remote ones
  without a pay operation) the booth's own records are the truth.
- Every payment (``TICKET_PAY``), wrong PIN (``PIN_WRONG``), lock (``PIN_LOCK``) and expiry
  (``TICKET_EXPIRE``) is logged with its actor.

Paying may ask a remote provider, so it owns its transactions (``bot/middlewares/db.py``): it
commits before that call (no transaction is held across it), after a payment (durable before the
answer: the provider may have paid already), and after a counted wrong PIN. A PIN attempt is
counted, compared and settled in one transaction (the ticket's row stays locked until it ends),
so no other attempt sees it half done; a wrong one stays counted whatever the rest of the update
does. Anything else (an expiry found on the way, /premio's) is committed by the unit of work.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.money import Money
from lottery.ticket_codes import PinHasher, normalize_serial
from presentation.formatting import Formatter
from providers.base import BooksInTransaction, Capability, ErrorCode, Provider, ProviderError
from storage.models import Draw, PaidHow, Reason, Ticket, TicketStatus, User, UserRole, Wager
from storage.repositories import activity
from storage.repositories import tickets as tickets_repo
from storage.repositories import users as users_repo
from storage.repositories.ledger import Entry

#: ``ticket_expiration_days`` when the catalog gives none (the loader reads a missing key as 0).
DEFAULT_EXPIRATION_DAYS = 3
MAX_PIN_FAILURES = 5
PIN_LOCK = timedelta(minutes=15)

log = logging.getLogger(__name__)


class Refusal(enum.StrEnum):
    """Why a payment did not happen."""

    NOT_FOUND = "not_found"  # no ticket with that serial
    NOT_YOURS = "not_yours"  # a player presenting someone else's ticket
    OTHER_SELLER = "other_seller"  # a seller presenting another seller's sale
    UNCONFIRMED = "unconfirmed"  # the booking is not confirmed yet (pending)
    NOT_SOLD = "not_sold"  # the provider refused the booking (rejected)
    VOID = "void"  # anulado
    WAITING = "waiting"  # sold: results still to come
    LOSER = "loser"
    ALREADY_PAID = "already_paid"
    EXPIRED = "expired"
    LOCKED = "locked"  # too many wrong PINs: locked until ``locked_until``
    WRONG_PIN = "wrong_pin"  # counted; ``locked_until`` set when this one locked it
    PROVIDER = "provider"  # the remote provider refused (``provider_code``)


_STATUS_REFUSAL = {
    TicketStatus.PENDING: Refusal.UNCONFIRMED,
    TicketStatus.REJECTED: Refusal.NOT_SOLD,
    TicketStatus.VOID: Refusal.VOID,
    TicketStatus.SOLD: Refusal.WAITING,
    TicketStatus.LOSER: Refusal.LOSER,
    TicketStatus.PAID: Refusal.ALREADY_PAID,
    TicketStatus.EXPIRED: Refusal.EXPIRED,
}


@dataclass(frozen=True)
class Deadline:
    """Until when a prize can be collected: all of ``last_day`` in the zone of the ticket's last
    draw; ``ends_at`` (the next local midnight) is the first instant it cannot."""

    last_day: date
    ends_at: datetime


@dataclass(frozen=True)
class Payment:
    ticket: Ticket | None
    refusal: Refusal | None = None  # None: paid now
    how: PaidHow | None = None
    prize: Money | None = None
    balance: Money | None = None  # the player's balance after the credit
    attempts_left: int | None = None  # after a wrong PIN
    locked_until: datetime | None = None
    deadline: Deadline | None = None
    provider_code: ErrorCode | None = None

    @property
    def paid(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class TicketCheck:
    ticket: Ticket | None
    prize: Money | None = None  # winners, paid and expired tickets
    deadline: Deadline | None = None


def expiration_days(catalog: Catalog) -> int:
    return catalog.ticket_expiration_days or DEFAULT_EXPIRATION_DAYS


def collect_deadline(ticket: Ticket, catalog: Catalog) -> Deadline | None:
    """End of the local day ``ticket_expiration_days`` after the ticket's last draw (wagers and
    their draws loaded); None for a ticket without wagers."""
    draws = [w.draw for w in ticket.wagers]
    if not draws:
        return None
    last = max(draws, key=lambda d: d.draw_at)
    last_day = last.local_date + timedelta(days=expiration_days(catalog))
    ends_at = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=ZoneInfo(last.tz))
    return Deadline(last_day, ends_at)


def ticket_prize(ticket: Ticket) -> Money | None:
    if ticket.prize is None or ticket.status not in (
        TicketStatus.WINNER, TicketStatus.PAID, TicketStatus.EXPIRED
    ):
        return None
    return Money.from_minor(ticket.prize, ticket.currency)


def collects_how(user: User, ticket: Ticket) -> PaidHow | Refusal:
    """How this person may collect this ticket, or why they may not (see the module doc)."""
    if user.role == UserRole.ADMIN:
        return PaidHow.CASH
    if user.role == UserRole.SELLER:
        if ticket.seller_id in (None, user.id):
            return PaidHow.CASH
        return Refusal.OTHER_SELLER
    if ticket.buyer_id == user.id:
        return PaidHow.BALANCE
    return Refusal.NOT_YOURS


async def _expire_if_due(
    session: AsyncSession, ticket: Ticket, deadline: Deadline | None, *, now: datetime,
    actor_id: int | None,
) -> bool:
    """A winner past its deadline becomes ``expired`` (logged); True when this call moved it."""
    if ticket.status is not TicketStatus.WINNER or deadline is None or now < deadline.ends_at:
        return False
    moved = await tickets_repo.set_ticket_status(
        session, ticket.id, TicketStatus.EXPIRED, only_from=[TicketStatus.WINNER])
    if moved:
        await activity.log_activity(
            session, "TICKET_EXPIRE", actor_id=actor_id, target_type="TICKET",
            target_id=ticket.serial, at=now,
            details={"prize": ticket.prize, "currency": ticket.currency,
                     "deadline": deadline.ends_at.isoformat()})
    return moved


async def check_ticket(
    session: AsyncSession, catalog: Catalog, serial: str, *, now: datetime,
    actor_id: int | None = None,
) -> TicketCheck:
    """What /premio shows; a winner found past its deadline is marked expired on the way."""
    key = normalize_serial(serial)
    ticket = await tickets_repo.get_ticket_by_serial(session, key) if key else None
    if ticket is None:
        return TicketCheck(None)
    deadline = collect_deadline(ticket, catalog)
    if await _expire_if_due(session, ticket, deadline, now=now, actor_id=actor_id):
        ticket = await _reload(session, ticket.id)
    return TicketCheck(ticket, ticket_prize(ticket), deadline)


async def _reload(session: AsyncSession, ticket_id: int) -> Ticket:
    fresh = await tickets_repo.get_ticket(session, ticket_id)
    assert fresh is not None
    return fresh


def _remote_pays(provider: Provider, ticket: Ticket) -> bool:
    """Ask the provider only for its own tickets, and only when its API can pay."""
    return Capability.PAYS in provider.capabilities and ticket.provider == provider.name


async def _pay_remotely(
    provider: Provider, ticket: Ticket, pin: str, now: datetime
) -> ErrorCode | None:
    """The provider's refusal code, or None once it recorded the payment."""
    try:
        remote = await provider.find_ticket(ticket.reference)
        if remote is None:
            return ErrorCode.NOT_FOUND
        # Positional: not every adapter takes ``actor_id``.
        await provider.pay_ticket(remote, pin, now)
    except ProviderError as exc:
        return exc.code
    return None


#: Tries of an attempt refused although its read then found the ticket neither locked nor moved:
#: the count changed between its UPDATE and its read (PostgreSQL, READ COMMITTED).
_PIN_TRIES = 3


async def _try_pin(
    session: AsyncSession, pins: PinHasher, ticket: Ticket, user: User, pin: str, now: datetime,
    deadline: Deadline | None,
) -> Payment | None:
    """Compare the PIN in an attempt the database counted first; None when it was right (the
    attempt given back, in the caller's still open transaction), else the refusal."""
    for _ in range(_PIN_TRIES):
        attempt = await tickets_repo.reserve_pin_attempt(
            session, ticket.id, now=now, max_failures=MAX_PIN_FAILURES)
        if attempt.reserved:
            break
        if attempt.status is not TicketStatus.WINNER:  # paid or expired meanwhile
            fresh = await _reload(session, ticket.id)
            return Payment(fresh, _STATUS_REFUSAL.get(fresh.status, Refusal.LOSER),
                           prize=ticket_prize(fresh), deadline=deadline)
        if attempt.locked_until is not None and now < attempt.locked_until:
            return Payment(ticket, Refusal.LOCKED, locked_until=attempt.locked_until)
    else:
        raise RuntimeError(f"no PIN attempt could be counted for ticket {ticket.serial}")
    if pins.verify(pin, ticket.pin_hash):
        await tickets_repo.give_back_pin_attempt(session, ticket.id)
        return None
    return await _count_wrong_pin(session, ticket, user, now, deadline, attempt.failures)


async def _count_wrong_pin(
    session: AsyncSession, ticket: Ticket, user: User, now: datetime, deadline: Deadline | None,
    failures: int,
) -> Payment:
    """The reserved attempt was wrong: it stays counted, and the last one locks payment."""
    await activity.log_activity(
        session, "PIN_WRONG", actor_id=user.id, target_type="TICKET", target_id=ticket.serial,
        at=now, details={"failures": failures})
    locked_until = None
    if failures >= MAX_PIN_FAILURES:
        locked_until = now + PIN_LOCK
        await tickets_repo.lock_pin_payment(session, ticket.id, until=locked_until)
        await activity.log_activity(
            session, "PIN_LOCK", actor_id=user.id, target_type="TICKET",
            target_id=ticket.serial, at=now,
            details={"failures": failures, "locked_until": locked_until.isoformat()})
    await session.commit()  # counted for good, whatever the rest of the update does
    return Payment(ticket, Refusal.WRONG_PIN, attempts_left=max(0, MAX_PIN_FAILURES - failures),
                   locked_until=locked_until, deadline=deadline)


async def pay_ticket(
    session: AsyncSession, *, catalog: Catalog, provider: Provider, pins: PinHasher, user: User,
    serial: str, pin: str, now: datetime,
) -> Payment:
    """Pay a winner ticket once, to whoever may collect it (see the module doc)."""
    key = normalize_serial(serial)
    ticket = await tickets_repo.get_ticket_by_serial(session, key) if key else None
    if ticket is None:
        return Payment(None, Refusal.NOT_FOUND)
    how = collects_how(user, ticket)
    if isinstance(how, Refusal):
        return Payment(ticket, how)
    deadline = collect_deadline(ticket, catalog)
    if await _expire_if_due(session, ticket, deadline, now=now, actor_id=user.id):
        return Payment(await _reload(session, ticket.id), Refusal.EXPIRED,
                       prize=ticket_prize(ticket), deadline=deadline)
    prize = ticket_prize(ticket)
    if ticket.status is not TicketStatus.WINNER or prize is None or not ticket.prize:
        return Payment(ticket, _STATUS_REFUSAL.get(ticket.status, Refusal.LOSER), prize=prize,
                       deadline=deadline)
    refused = await _try_pin(session, pins, ticket, user, pin, now, deadline)
    if refused is not None:
        return refused

    if _remote_pays(provider, ticket):
        await session.commit()  # never hold a transaction across a provider call
        code = await _pay_remotely(provider, ticket, pin, now)
        if code is not None:
            return Payment(ticket, Refusal.PROVIDER, prize=prize, deadline=deadline,
                           provider_code=code)

    if not await tickets_repo.mark_paid(session, ticket.id, paid_by=user.id, how=how, now=now):
        ticket = await _reload(session, ticket.id)
        return Payment(ticket, _STATUS_REFUSAL.get(ticket.status, Refusal.ALREADY_PAID),
                       prize=ticket_prize(ticket), deadline=deadline)
    if isinstance(provider, BooksInTransaction) and ticket.provider == provider.name and not (
        await provider.record_payment_in(session, ticket.reference, now)
    ):
        log.warning("the house ledger holds no payable booking for a paid ticket",
                    extra={"serial": ticket.serial, "reference": ticket.reference})
    balance = None
    if how is PaidHow.BALANCE:
        minor = await users_repo.credit_balance(
            session, user.id, ticket.prize, ticket.currency,
            Entry(Reason.PRIZE, ticket.serial, user.id, now))
        balance = Money.from_minor(minor, ticket.currency)
    elif user.role == UserRole.SELLER:  # paid from the seller's till: they owe the banca less
        await users_repo.release_credit(session, user.id, ticket.prize, ticket.currency,
                                        Entry(Reason.PRIZE_CASH, ticket.serial, user.id, now))
    await activity.log_activity(
        session, "TICKET_PAY", actor_id=user.id, target_type="TICKET", target_id=ticket.serial,
        at=now, details={"prize": ticket.prize, "currency": ticket.currency, "how": str(how),
                         "buyer_id": ticket.buyer_id, "seller_id": ticket.seller_id,
                         "provider": ticket.provider})
    await session.commit()  # paid, maybe at the provider already: durable before the answer
    return Payment(await _reload(session, ticket.id), how=how, prize=prize, balance=balance,
                   deadline=deadline)


# --- the expiry job -----------------------------------------------------------------------------


async def expire_prizes(session: AsyncSession, catalog: Catalog, now: datetime) -> int:
    """Mark every winner past its collection deadline ``expired``; returns how many moved.

    Runs in the caller's unit of work (nothing is committed here). The SQL picks winners whose
    last draw's local date is old enough in any zone less than a day from UTC; the exact
    deadline (end of the local day) is then checked per ticket.
    """
    cutoff = now.astimezone(UTC).date() - timedelta(days=expiration_days(catalog))
    stmt = (
        select(Ticket.id)
        .join(Wager, Wager.ticket_id == Ticket.id)
        .join(Draw, Draw.id == Wager.draw_id)
        .where(Ticket.status == TicketStatus.WINNER)
        .group_by(Ticket.id)
        .having(func.max(Draw.local_date) <= cutoff)
    )
    candidates = list((await session.scalars(stmt)).all())
    moved = 0
    for ticket in await tickets_repo.tickets_with_draws(session, candidates):
        deadline = collect_deadline(ticket, catalog)
        if await _expire_if_due(session, ticket, deadline, now=now, actor_id=None):
            moved += 1
    return moved


# --- winner notices -----------------------------------------------------------------------------



def deadline_text(deadline: Deadline | None, fmt: Formatter) -> str:
    """The last day to collect, as people read it (``jue, 26 nov. 2026``)."""
    return fmt.date(deadline.last_day, year=True) if deadline is not None else ""
