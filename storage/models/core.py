"""People, draws, tickets and the bot's own bookkeeping."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, _created, _str_enum, _updated
from storage.types import BigIntId, JSONDoc, UTCDateTime, utcnow


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


class User(Base):
    """A Telegram user: player (balance), seller (credit limit) or admin."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
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
    #: What a seller owes the banca (negative: the banca owes them), capped by ``credit_limit``:
    #: the sum of their ``seller`` ledger account.
    credit_used: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
    #: A player's seller (they joined through the seller's invitation), else NULL.
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
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
    #: The game's payout multiplier when it was sold: a later change applies to later tickets
    #: only. NULL on tickets sold before it was stored (settled at the catalog's).
    payout: Mapped[int | None] = mapped_column(Integer)
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
    """aiogram FSM state and data for one storage key (see :mod:`bot.fsm_storage`)."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    updated_at: Mapped[datetime] = _updated()


#: Tables whose rows may never be updated or deleted (enforced by triggers in the migrations).
APPEND_ONLY_TABLES = ("activity_log", "draw_results", "ledger_entries")


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
