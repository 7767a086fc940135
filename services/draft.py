"""A sale between preview and confirm, stored in FSM data (SQL or Redis) so it survives restarts.

The reference is minted at preview time and is the idempotency key of the booking: confirming the
same draft twice, from a double tap or after a restart, can only ever book one ticket.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from lottery.catalog import Catalog
from lottery.plays import Wager


def new_reference() -> str:
    """16 hex characters: short enough for callback data (64 bytes), 64 bits of randomness."""
    return secrets.token_hex(8)


@dataclass(frozen=True)
class SaleDraft:
    reference: str
    wagers: tuple[Wager, ...]
    currency: str
    customer_name: str | None = None

    @property
    def total(self) -> Decimal:
        return sum((w.amount for w in self.wagers), Decimal("0.00"))

    def to_data(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "currency": self.currency,
            "customer_name": self.customer_name,
            "wagers": [
                [w.lottery, w.draw.isoformat(), w.game, w.number, w.sign, str(w.amount), w.line]
                for w in self.wagers
            ],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any], catalog: Catalog) -> SaleDraft:
        """Draw times come back in their lottery's zone (ISO text keeps only the offset)."""

        def draw_at(lottery: str, text: str) -> datetime:
            return datetime.fromisoformat(text).astimezone(catalog.lottery(lottery).timezone)

        return cls(
            reference=data["reference"],
            currency=data["currency"],
            customer_name=data.get("customer_name"),
            wagers=tuple(
                Wager(lot, draw_at(lot, draw), game, number, sign, Decimal(amount), line)
                for lot, draw, game, number, sign, amount, line in data["wagers"]
            ),
        )


@dataclass(frozen=True)
class LineOrigins:
    """Where an order's lines that named no lottery took it from, so the preview says so.

    ``remembered``: lines read on the user's last lottery (``remembered_lottery``);
    ``borrowed``: lines read on the open ticket's lottery and draw (``open_draws``, the draws of
    the ticket's line above them). Line numbers are the order's (``services.order``).
    """

    remembered: frozenset[int] = frozenset()
    remembered_lottery: str | None = None
    borrowed: frozenset[int] = frozenset()
    open_draws: tuple[tuple[str, datetime], ...] = ()
    #: the remembered lines as written, for an example that names another lottery
    remembered_texts: tuple[tuple[int, str], ...] = ()


NO_ORIGINS = LineOrigins()
"""Every line named its lottery."""
