"""The banca's controls set from the chat, stored on top of the bundled catalog.

One row per control (a tope, a blocked number, a seller's limit, a suspension, a payout…), with
its scope in columns (NULL: every lottery / game / number / draw). A row is never edited: a new
value is a new row and the old one is ended (``ended_at``), so what was in force when is kept, and
the activity log has the before and after of every change.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class BancaControl(Base):
    __tablename__ = "banca_controls"
    __table_args__ = (Index(None, "ended_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: ``lottery.controls.Kind``
    kind: Mapped[str] = mapped_column(String(24))
    lottery_id: Mapped[str | None] = mapped_column(String(32))
    game: Mapped[str | None] = mapped_column(String(32))
    number: Mapped[str | None] = mapped_column(String(16))
    draw_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: a lottery-local day (a number blocked for a day)
    day: Mapped[date | None] = mapped_column(Date)
    #: a seller's own limit; an alert's chat
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    #: minor units (topes, limits), minutes (close), a multiplier (payout), a percent (alerts)
    amount: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by: Mapped[int | None] = mapped_column(BigInteger)


class SellerNumberSales(Base):
    """Running total per seller and number of a draw: the seller's own tope, reserved with the
    same single conditional statement as ``NumberSales``."""

    __tablename__ = "seller_number_sales"

    seller_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    draw_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    game: Mapped[str] = mapped_column(String(32), primary_key=True)
    number: Mapped[str] = mapped_column(String(16), primary_key=True)
    sign: Mapped[str] = mapped_column(String(16), primary_key=True)
    total: Mapped[int] = mapped_column(BigInteger)
