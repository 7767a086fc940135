"""The banca's money: the ledger, players' top-up requests and withdrawals.

Every movement of money is one append-only ``ledger_entries`` row; a balance is the sum of its
rows. ``users.balance`` (a player's saldo) and ``users.credit_used`` (what a seller owes the
banca, which their *cupo* caps) are kept equal to their account's sum by the only functions that
move them (``storage.repositories.users``), in the same statement's transaction.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, _str_enum
from storage.types import BigIntId, UTCDateTime


class Account(enum.StrEnum):
    """Whose money a row moves, for the user it names."""

    BALANCE = "balance"  # a player's saldo (mirrored by users.balance)
    SELLER = "seller"  # what a seller owes the banca (mirrored by users.credit_used)
    HELD = "held"  # a player's money held by a withdrawal not yet paid or rejected


class Reason(enum.StrEnum):
    OPENING = "opening"  # the balance carried over when the ledger started
    SALE = "sale"  # a ticket paid from a balance or a seller's cupo
    REFUND = "refund"  # a ticket's money given back (void, provider refusal)
    PRIZE = "prize"  # a prize credited to the buyer's balance
    PRIZE_CASH = "prize_cash"  # a prize a seller paid from their till
    TOP_UP = "top_up"  # money in for a player (admin, approved request)
    TOP_UP_CASH = "top_up_cash"  # a seller took a player's cash and credited their balance
    WITHDRAW_HOLD = "withdraw_hold"
    WITHDRAW_RELEASE = "withdraw_release"  # a rejected withdrawal gives its hold back
    WITHDRAW_PAID = "withdraw_paid"  # the hold left the banca
    COLLECTION = "collection"  # a seller handed the banca cash (owes less)
    PAYOUT = "payout"  # the banca paid a seller (owes more / is owed less)
    ADJUSTMENT = "adjustment"  # anything else (tests, scripts)


class LedgerEntry(Base):
    """One movement: ``amount`` minor units of ``currency`` (signed) on ``user_id``'s ``account``.

    Append-only (UPDATE and DELETE refused by triggers). ``reference`` names what moved it (a
    ticket's serial, a request's number); ``actor_id`` who did, not a foreign key like
    ``activity_log.actor_id``.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        Index(None, "user_id", "account", "id"),
        Index(None, "at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    account: Mapped[Account] = mapped_column(_str_enum(Account, "ledger_account"))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[Reason] = mapped_column(_str_enum(Reason, "ledger_reason"))
    reference: Mapped[str | None] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class RequestState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"  # top-up credited / withdrawal paid
    REJECTED = "rejected"


class TopUpRequest(Base):
    """A player says they paid (pago móvil, transfer, cash): checked and decided once.

    ``decider_id`` is the player's seller when they have one (else NULL: the admins). One
    ``(method, reference)`` may be approved once (a unique index over the approved rows)."""

    __tablename__ = "topup_requests"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index(None, "state", "created_at"),
        Index("uq_topup_requests_approved_reference", "method", "reference", unique=True,
              sqlite_where=text("state = 'approved'"),
              postgresql_where=text("state = 'approved'")),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decider_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    method: Mapped[str] = mapped_column(String(32))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(64))
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    state: Mapped[RequestState] = mapped_column(
        _str_enum(RequestState, "request_state"), default=RequestState.PENDING,
        server_default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Withdrawal(Base):
    """A player takes money out: held at once, then paid (with the payment's reference) or
    rejected (the hold released)."""

    __tablename__ = "withdrawals"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index(None, "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    destination: Mapped[str] = mapped_column(Text)
    state: Mapped[RequestState] = mapped_column(
        _str_enum(RequestState, "request_state"), default=RequestState.PENDING,
        server_default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_reference: Mapped[str | None] = mapped_column(String(64))
