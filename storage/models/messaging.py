"""Queues and journals: broadcasts, the outbox, the provider journal."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, _created, _str_enum
from storage.types import BigIntId, JSONDoc, UTCDateTime


class BroadcastKind(enum.StrEnum):
    RESULTS = "results"
    ANNOUNCEMENT = "announcement"  # an admin's /difundir
    #: one personal text per chat (the banca's alerts); stored as "winner", its first use
    PERSONAL = "winner"


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
    persistent ``providers.http.exactly_once.Journal``; see ``providers.journal_db``).

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
