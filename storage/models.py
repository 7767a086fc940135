"""The database schema, as SQLAlchemy 2.0 declarative models.

Conventions:
- Money is an integer amount of minor units (``BigInteger``, e.g. 550 = 5.50 VES) next to an ISO
  4217 currency code column of the same row (wager amounts use their ticket's currency).
- Timestamps are UTC and time-zone aware (:class:`storage.types.UTCDateTime`).
- Enumerations are stored as short strings with a CHECK constraint (portable, readable in SQL).
- Constraint names come from ``NAMING_CONVENTION`` so Alembic migrations are deterministic.
- Every change here needs a migration in ``storage/migrations/versions``; a test compares both.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import BigIntId, JSONDoc, UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _str_enum(cls: type[enum.Enum], name: str) -> Enum:
    """A non-native enum: VARCHAR + CHECK constraint, storing the members' *values*."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class UserRole(enum.StrEnum):
    PLAYER = "player"
    SELLER = "seller"
    ADMIN = "admin"


class DrawStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    RESULTED = "resulted"


class TicketStatus(enum.StrEnum):
    PENDING = "pending"  # reserved locally, booking with the provider not confirmed yet
    SOLD = "sold"
    REJECTED = "rejected"  # the provider refused the booking; nothing was sold
    VOID = "void"  # anulado
    WINNER = "winner"  # ganador
    LOSER = "loser"  # perdedor
    PAID = "paid"  # pagado
    EXPIRED = "expired"  # vencido: a winner not collected in time


class PaidHow(enum.StrEnum):
    BALANCE = "balance"
    CASH = "cash"


class WagerOutcome(enum.StrEnum):
    PENDING = "pending"
    WON = "won"
    LOST = "lost"
    VOID = "void"


def _created() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=utcnow, nullable=False)


def _updated() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)


class User(Base):
    """A Telegram user: player (balance), seller (credit limit) or admin."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        CheckConstraint("credit_used >= 0", name="credit_used_not_negative"),
        CheckConstraint("credit_limit >= 0", name="credit_limit_not_negative"),
        Index(None, "role"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    role: Mapped[UserRole] = mapped_column(
        _str_enum(UserRole, "user_role"), default=UserRole.PLAYER, server_default="player"
    )
    locale: Mapped[str] = mapped_column(String(8), default="es", server_default="es")
    first_name: Mapped[str | None] = mapped_column(String(128))
    last_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    currency: Mapped[str] = mapped_column(String(3))
    balance: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
    credit_limit: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
    credit_used: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
    #: Seller commission in basis points (1000 = 10 %); NULL = the market's default.
    commission_bp: Mapped[int | None] = mapped_column(Integer)
    last_lottery_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()


class Draw(Base):
    """A sorteo: one lottery at one instant. Created ahead of time by a job, idempotently."""

    __tablename__ = "draws"
    __table_args__ = (
        UniqueConstraint("lottery_id", "draw_at"),
        Index(None, "status", "draw_at"),
        Index(None, "local_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lottery_id: Mapped[str] = mapped_column(String(32))
    draw_at: Mapped[datetime] = mapped_column(UTCDateTime())
    local_date: Mapped[date] = mapped_column(Date)
    local_time: Mapped[time] = mapped_column(Time)
    tz: Mapped[str] = mapped_column(String(64))
    status: Mapped[DrawStatus] = mapped_column(
        _str_enum(DrawStatus, "draw_status"), default=DrawStatus.OPEN, server_default="open"
    )
    reventado: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()

    results: Mapped[list[DrawResult]] = relationship(
        back_populates="draw", order_by="DrawResult.revision", lazy="raise"
    )


class DrawResult(Base):
    """One revision of a draw's result. Append-only: a correction is a new, higher revision."""

    __tablename__ = "draw_results"
    __table_args__ = (
        UniqueConstraint("draw_id", "revision"),
        CheckConstraint("revision >= 1", name="revision_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id"))
    revision: Mapped[int] = mapped_column(Integer)
    values: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    #: Who typed it in; NULL when fetched from a provider (see ``source``).
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())

    draw: Mapped[Draw] = relationship(back_populates="results", lazy="raise")


class Ticket(Base):
    """A sold (or being sold) ticket: one or more wagers, paid as one total."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("provider", "provider_ticket_id"),
        CheckConstraint("total >= 0", name="total_not_negative"),
        CheckConstraint("pin_failures >= 0", name="pin_failures_not_negative"),
        Index(None, "buyer_id", "created_at"),
        Index(None, "seller_id", "created_at"),
        Index(None, "status"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    #: Our idempotency reference, sent to the provider: one reference books at most one ticket.
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    pin_hash: Mapped[str] = mapped_column(String(255))
    provider: Mapped[str] = mapped_column(String(32))
    provider_ticket_id: Mapped[str | None] = mapped_column(String(64))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    customer_name: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[TicketStatus] = mapped_column(
        _str_enum(TicketStatus, "ticket_status"),
        default=TicketStatus.PENDING,
        server_default="pending",
    )
    total: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cancel_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    prize: Mapped[int | None] = mapped_column(BigInteger)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_how: Mapped[PaidHow | None] = mapped_column(_str_enum(PaidHow, "paid_how"))
    pin_failures: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = _updated()

    wagers: Mapped[list[Wager]] = relationship(
        back_populates="ticket",
        order_by="Wager.position",
        cascade="all, delete-orphan",
        lazy="raise",
    )


class Wager(Base):
    """One play on a ticket: a number (and sign) on one draw of one game, for an amount."""

    __tablename__ = "wagers"
    __table_args__ = (
        UniqueConstraint("ticket_id", "position"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index(None, "draw_id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tickets.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    lottery_id: Mapped[str] = mapped_column(String(32))
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id"))
    game: Mapped[str] = mapped_column(String(32))
    #: a lottery number, or a jackpot ticket's whole selection (``event:outcome@odds,…``)
    number: Mapped[str] = mapped_column(String(1024))
    sign: Mapped[str | None] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    prize: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[WagerOutcome] = mapped_column(
        _str_enum(WagerOutcome, "wager_outcome"),
        default=WagerOutcome.PENDING,
        server_default="pending",
    )
    provider_wager_id: Mapped[str | None] = mapped_column(String(64))

    ticket: Mapped[Ticket] = relationship(back_populates="wagers", lazy="raise")
    #: Loaded with the ticket's wagers by the ticket getters (people read a draw by its time).
    draw: Mapped[Draw] = relationship(lazy="raise")


class NumberSales(Base):
    """Running sold total per number of a draw, for the per-number cap (*tope*).

    ``sign`` is ``''`` (not NULL) for plays without a sign, so it can be part of the key.
    """

    __tablename__ = "number_sales"
    __table_args__ = (CheckConstraint("total >= 0", name="total_not_negative"),)

    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id"), primary_key=True)
    game: Mapped[str] = mapped_column(String(32), primary_key=True)
    number: Mapped[str] = mapped_column(String(16), primary_key=True)
    sign: Mapped[str] = mapped_column(String(16), primary_key=True)
    total: Mapped[int] = mapped_column(BigInteger)


class Subscription(Base):
    """A user wants the results of a lottery pushed to them."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index(None, "lottery_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    lottery_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = _created()


class ActivityLog(Base):
    """Append-only audit trail (UPDATE/DELETE are refused by database triggers).

    ``actor_id`` is deliberately not a foreign key: refused attempts by unknown Telegram users
    are worth logging too.
    """

    __tablename__ = "activity_log"
    __table_args__ = (
        Index(None, "at"),
        Index(None, "actor_id", "at"),
        Index(None, "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc)


class ProcessedUpdate(Base):
    """Telegram ``update_id`` values already handled, so a redelivered update is skipped."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class FsmRecord(Base):
    """aiogram FSM state and data for one storage key (see :mod:`storage.fsm`)."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    updated_at: Mapped[datetime] = _updated()


#: Tables whose rows may never be updated or deleted (enforced by triggers in the migrations).
APPEND_ONLY_TABLES = ("activity_log", "draw_results")


class HouseBookingState(enum.StrEnum):
    """The house banca's view of a ticket it booked (the values of ``TicketState``)."""

    SOLD = "sold"
    VOID = "void"
    WINNER = "winner"
    LOSER = "loser"
    PAID = "paid"
    EXPIRED = "expired"


class HouseBooking(Base):
    """A ticket booked by the house provider (the bot *is* the banca), keyed by our reference.

    This is the provider's own ledger, apart from ``tickets`` (the bot's view of any provider's
    sale): ``serial`` is the provider ticket id the bot shows. ``wagers`` is a JSON list of
    ``{lottery, draw_id, draw_at, day, game, number, sign, amount, line, sold, rejection}``;
    amounts are minor units of ``currency``. ``first_draw_date``/``last_draw_date`` (lottery-local
    dates) let reports find the bookings of a period without reading every JSON document.
    """

    __tablename__ = "house_bookings"
    __table_args__ = (
        CheckConstraint("total > 0", name="total_positive"),
        Index(None, "first_draw_date"),
        Index(None, "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    serial: Mapped[str] = mapped_column(String(16), unique=True)
    #: ``scrypt$n$r$p$salt$hash``; the clear PIN is shown to the buyer once and never stored.
    pin_hash: Mapped[str] = mapped_column(String(255))
    state: Mapped[HouseBookingState] = mapped_column(
        _str_enum(HouseBookingState, "house_booking_state"),
        default=HouseBookingState.SOLD,
        server_default="sold",
    )
    total: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    customer_name: Mapped[str | None] = mapped_column(String(128))
    #: Who sold it (Telegram user id); not a foreign key, like ``activity_log.actor_id``.
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    wagers: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)
    first_draw_date: Mapped[date] = mapped_column(Date)
    last_draw_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cancel_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voided_by: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = _updated()


class BroadcastKind(enum.StrEnum):
    RESULTS = "results"
    ANNOUNCEMENT = "announcement"  # an admin's /difundir
    WINNER = "winner"  # one personal text per chat


class BroadcastStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker; the Bot API call may be under way
    SENT = "sent"
    FAILED = "failed"  # Telegram refused it (400...); never retried
    BLOCKED = "blocked"  # 403: the user blocked the bot (they are unsubscribed)
    UNKNOWN = "unknown"  # the call may or may not have reached Telegram: never resent
    CANCELLED = "cancelled"


class Broadcast(Base):
    """One message for many chats, queued so it survives restarts (see ``services.broadcast``).

    ``image`` holds the picture to upload once; after the first upload ``image_file_id`` is
    Telegram's id for it and every later chat gets that id instead of the bytes. ``key`` makes
    enqueuing idempotent (e.g. one results broadcast per lottery and day). ``created_by`` is a
    Telegram user id, not a foreign key, like ``activity_log.actor_id``.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (
        CheckConstraint("total >= 0", name="total_not_negative"),
        Index(None, "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    key: Mapped[str | None] = mapped_column(String(128), unique=True)
    kind: Mapped[BroadcastKind] = mapped_column(_str_enum(BroadcastKind, "broadcast_kind"))
    status: Mapped[BroadcastStatus] = mapped_column(
        _str_enum(BroadcastStatus, "broadcast_status"),
        default=BroadcastStatus.QUEUED,
        server_default="queued",
    )
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    image_file_id: Mapped[str | None] = mapped_column(String(255))
    #: Who it is for, as shown to the admin: ``{"lottery_id": …}``, ``{"all": true}``...
    audience: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    paid: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    total: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_locale: Mapped[str | None] = mapped_column(String(8))
    #: Last progress edit: the worker that moves it forward owns the next edit.
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = _created()
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: HTML (parse_mode=HTML); a delivery's own ``text`` replaces it (winner notifications).
    #: Declared last: the attribute would hide ``sqlalchemy.text`` from the lines below it.
    text: Mapped[str | None] = mapped_column(Text)


class BroadcastDelivery(Base):
    """One chat of a broadcast. The unique (broadcast, chat) pair is the "never twice" rule."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "chat_id"),
        Index(None, "broadcast_id", "state"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("broadcasts.id", ondelete="CASCADE")
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[DeliveryState] = mapped_column(
        _str_enum(DeliveryState, "delivery_state"),
        default=DeliveryState.PENDING,
        server_default="pending",
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Telegram's message id once sent.
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    #: A personal text for this chat only (winner notifications); declared last, as above.
    text: Mapped[str | None] = mapped_column(Text)


class ProviderJournalEntry(Base):
    """A create sent to a remote provider, kept so a restart still finds its ticket (the
    persistent ``providers.http.exactly_once.Journal``; see ``storage.journal``).

    ``content`` is what identifies the ticket at the provider (adapter-specific JSON) and
    ``sent_at`` when it was sent; both are NULL for a reference that only claimed a ticket.
    ``provider_id`` is the provider's ticket the reference claimed: unique per provider, so one
    provider ticket never answers for two references, even across worker processes.
    """

    __tablename__ = "provider_journal"
    __table_args__ = (UniqueConstraint("provider", "provider_id"),)

    reference: Mapped[str] = mapped_column(String(64), primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    content: Mapped[Any | None] = mapped_column(JSONDoc, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    provider_id: Mapped[str | None] = mapped_column(String(64))
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc, nullable=True)


class OutboxState(enum.StrEnum):
    PENDING = "pending"  # not delivered yet: due again at ``due_at``
    SENT = "sent"
    FAILED = "failed"  # Telegram refused it for good (400): kept, logged, never resent


class OutboxMessage(Base):
    """A message that must reach its person (a ticket with its PIN, money news), written in the
    transaction that decided it and sent after the commit, at least once (``services.outbox``).

    A ticket row (``ticket_id``) is drawn when it is sent, with ``pin``; a text row carries its
    HTML. Both are dropped once delivered: a PIN stays in the database only while it is owed.
    ``due_at`` is when it may next be tried: a sender pushes it ahead while it sends (its lease)
    and after a failure (the backoff). ``key`` makes queuing idempotent.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index(None, "state", "due_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    key: Mapped[str | None] = mapped_column(String(128), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    ticket_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tickets.id"))
    pin: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[OutboxState] = mapped_column(
        _str_enum(OutboxState, "outbox_state"),
        default=OutboxState.PENDING,
        server_default="pending",
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    #: HTML (parse_mode=HTML); declared last, as in ``Broadcast``.
    text: Mapped[str | None] = mapped_column(Text)
