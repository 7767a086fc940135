"""The one interface the bot sells through; each lottery system gets an adapter behind it.

Every create carries our own `reference`: an adapter that cannot tell whether a ticket was booked
(timeout, dropped answer, 5xx) never retries blindly; it asks the provider with
`find_ticket(reference)` and raises `OutcomeUnknown` only when the provider cannot say either, so
the caller keeps the ticket pending for the reconciliation job.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from lottery.catalog import Catalog
from lottery.plays import Wager

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


class ErrorCode(enum.StrEnum):
    # soportex's document: -1 sorteo no es valido; banklot's document: 409 events not open
    CLOSED_DRAW = "closed_draw"
    INVALID_NUMBER = "invalid_number"  # soportex's document: -2
    INVALID_AMOUNT = "invalid_amount"  # soportex's document: -3
    SOLD_OUT = "sold_out"  # soportex's document: -4 numero agotado (tope)
    LIMIT = "limit"  # min/max bet, step, wagers per ticket
    INSUFFICIENT_FUNDS = "insufficient_funds"  # balance or credit
    UNAVAILABLE = "unavailable"  # network, 5xx, bad answer
    NOT_FOUND = "not_found"
    NOT_CANCELLABLE = "not_cancellable"
    NOT_A_WINNER = "not_a_winner"
    ALREADY_PAID = "already_paid"
    WRONG_PIN = "wrong_pin"
    EXPIRED = "expired"
    ODDS_CHANGED = "odds_changed"  # jackpot's document: "Ticket odds changed"
    NOT_APPROVED = "not_approved"  # jackpot's document: a ticket answered with approved: false
    NOT_SUPPORTED = "not_supported"  # the provider's API has no such operation
    BLOCKED = "blocked"  # the banca blocked ("quemó") the number
    SUSPENDED = "suspended"  # the banca suspended the lottery or the draw


@dataclass(frozen=True)
class WagerRejection:
    """Why one wager of a request cannot be sold; `index` is its position in the request."""

    index: int
    code: ErrorCode
    detail: str = ""
    #: ``detail`` is written for the person buying (the house's own messages, in their
    #: language); a remote provider's raw text is for the log, not for the chat.
    readable: bool = False
    #: A tope refusal: the most the number takes on that draw and what of it is still free
    #: (minor units), so the person is told which, and offered to sell what fits.
    cap: int | None = None
    available: int | None = None


class ProviderError(Exception):
    """A definite answer: the operation did not happen, for `code`."""

    def __init__(
        self, code: ErrorCode, detail: str = "", rejections: Sequence[WagerRejection] = ()
    ) -> None:
        super().__init__(f"{code}: {detail}" if detail else str(code))
        self.code = code
        self.detail = detail
        self.rejections = tuple(rejections)


class ProviderUnavailable(ProviderError):
    """The provider could not be reached or answered nonsense; nothing is known to have changed."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(ErrorCode.UNAVAILABLE, detail)


class OutcomeUnknown(ProviderUnavailable):
    """A create may or may not have been booked and the provider cannot say yet."""


class Capability(enum.StrEnum):
    """What an adapter offers besides selling and finding its tickets, declared once on its
    class (``capabilities``): the routers, the commands menu and /help are built from these,
    so no handler or service asks which provider it is talking to."""

    SELLS_PLAYS = "sells_plays"  # lottery plays written in chat, read against its catalog
    SELLS_BETCARDS = "sells_betcards"  # jackpot betcards (/jackpot)
    ENTERS_RESULTS = "enters_results"  # results typed in by the banca's admins (/resultado)
    FEEDS_RESULTS = "feeds_results"  # results fetched from its API after each draw
    CANCELS = "cancels"  # a sold ticket can be voided within its window
    PAYS = "pays"  # its API records a prize's payment: the booth asks it before paying
    REPORTS = "reports"  # it reports its sales over a period


class TicketState(enum.StrEnum):
    SOLD = "sold"
    VOID = "void"
    WINNER = "winner"
    LOSER = "loser"
    PAID = "paid"
    EXPIRED = "expired"


@dataclass(frozen=True)
class TicketRequest:
    reference: str
    wagers: tuple[Wager, ...]
    currency: str
    #: soportex's document: registrarticketparcial: book the valid wagers, report the others.
    partial: bool = False
    customer_name: str | None = None
    #: Who sells (the booth's user id), for the provider's own activity log.
    actor_id: int | None = None


@dataclass(frozen=True)
class BookedWager:
    wager: Wager
    sold: bool = True
    rejection: ErrorCode | None = None
    prize: Decimal | None = None


@dataclass(frozen=True)
class ProviderTicket:
    reference: str
    provider_ticket_id: str
    state: TicketState
    wagers: tuple[BookedWager, ...]
    total: Decimal
    currency: str
    created_at: datetime
    pin: str | None = None
    cancel_deadline: datetime | None = None
    prize: Decimal | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sold_wagers(self) -> tuple[Wager, ...]:
        return tuple(b.wager for b in self.wagers if b.sold)


@dataclass(frozen=True)
class DrawResult:
    """A draw's outcome. `values`: {"number": "123", "sign": "ACU"} for triples; {"animal": "5"};
    {"number": "25", "reventado": "5"} for tiempos with the reventado multiplier."""

    lottery: str
    draw: datetime
    values: dict[str, str]


@dataclass(frozen=True)
class SalesLine:
    day: date
    lottery: str
    sales: Decimal
    cancelled: Decimal
    prizes: Decimal


@dataclass(frozen=True)
class SalesReport:
    currency: str
    lines: tuple[SalesLine, ...]


@runtime_checkable
class Provider(Protocol):
    name: str
    #: what it offers (declared on the adapter's class); see :class:`Capability`
    capabilities: frozenset[Capability]

    async def catalog(self) -> Catalog:
        """Lotteries, draw times and valid plays, in our catalog format (feeds the parser)."""
        ...

    async def validate(self, wagers: Sequence[Wager], now: datetime) -> list[WagerRejection]:
        """What would be refused now, without booking anything."""
        ...

    async def create_ticket(self, request: TicketRequest, now: datetime) -> ProviderTicket:
        """All or nothing unless `request.partial`; raises ProviderError (definite refusal) or
        OutcomeUnknown (keep pending)."""
        ...

    async def find_ticket(self, reference: str) -> ProviderTicket | None:
        """The ticket booked under our reference, or None when the provider has none."""
        ...

    async def cancel_ticket(
        self, ticket: ProviderTicket, now: datetime, *, actor_id: int | None = None
    ) -> ProviderTicket: ...

    async def results(self, day: date, lottery: str | None = None) -> list[DrawResult]: ...

    async def pay_ticket(
        self, ticket: ProviderTicket, pin: str, now: datetime, *, actor_id: int | None = None
    ) -> ProviderTicket: ...

    async def sales_report(self, since: date, until: date) -> SalesReport: ...

    async def close(self) -> None: ...


class ReferenceTaken(Exception):
    """A concurrent create booked this reference first: read that ticket instead."""


@runtime_checkable
class BooksInTransaction(Protocol):
    """A provider on our own database (the house) can book inside the caller's transaction:
    the debit, the booth's ticket and the booking then commit or roll back as one."""

    async def validate_in(
        self, session: AsyncSession, wagers: Sequence[Wager], now: datetime, *,
        actor_id: int | None = None,
    ) -> list[WagerRejection]:
        """Like ``validate``, reading through ``session`` (no connection of its own);
        ``actor_id``: who sells, for their own limits."""
        ...

    async def create_ticket_in(
        self, session: AsyncSession, request: TicketRequest, now: datetime
    ) -> ProviderTicket:
        """Like ``create_ticket`` in ``session``'s transaction; raises ProviderError or
        ReferenceTaken, after which the caller must roll back."""
        ...

    async def record_payment_in(
        self, session: AsyncSession, reference: str, now: datetime
    ) -> bool:
        """The booth paid this ticket's prize; record it in ``session``'s transaction. False
        when the provider holds no payable ticket for the reference."""
        ...
