"""Leases: which process does a piece of background work now (``jobs.lease``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class Lease(Base):
    """One named lease: its holder (``host:pid:nonce``) until ``expires_at`` (wall clock, UTC).

    The holder renews it well before it expires; another process takes it once it has expired,
    or at once when the holder is a process of the same host that no longer exists."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
