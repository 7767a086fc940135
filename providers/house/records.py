"""House bookings as stored (JSON wagers, minor units) and as the bot sees them (ProviderTicket).

A booking keeps every wager of the request, sold or not, with the draw row it was booked on,
so the ticket read back later is the one answered at the sale (minus the PIN).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from lottery.catalog import Catalog
from lottery.money import from_minor, to_minor
from lottery.plays import Wager
from providers.base import BookedWager, ErrorCode, ProviderTicket, TicketState
from storage.models import HouseBooking


def wager_doc(
    wager: Wager,
    catalog: Catalog,
    *,
    draw_id: int | None,
    sold: bool,
    rejection: ErrorCode | None = None,
) -> dict[str, Any]:
    lottery = catalog.get_lottery(wager.lottery)
    local = wager.draw.astimezone(lottery.timezone) if lottery else wager.draw
    return {
        "lottery": wager.lottery,
        "draw_id": draw_id,
        "draw_at": local.isoformat(),
        "day": local.date().isoformat(),
        "game": wager.game,
        "number": wager.number,
        "sign": wager.sign,
        "amount": to_minor(wager.amount, catalog.currency),
        "line": wager.line,
        "sold": sold,
        "rejection": None if rejection is None else str(rejection),
    }


def doc_wager(doc: Mapping[str, Any], currency: str) -> Wager:
    return Wager(
        lottery=doc["lottery"],
        draw=datetime.fromisoformat(doc["draw_at"]),
        game=doc["game"],
        number=doc["number"],
        sign=doc["sign"],
        amount=from_minor(int(doc["amount"]), currency),
        line=int(doc.get("line", 0)),
    )


def sold_docs(docs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [d for d in docs if d["sold"]]


def draw_days(docs: Sequence[Mapping[str, Any]]) -> tuple[date, date]:
    """First and last lottery-local day among the sold wagers."""
    days = sorted(date.fromisoformat(d["day"]) for d in sold_docs(docs))
    return days[0], days[-1]


def to_ticket(booking: HouseBooking, *, pin: str | None = None) -> ProviderTicket:
    """The bot's view of a booking; ``pin`` only on the create call (it is stored hashed)."""
    wagers = tuple(
        BookedWager(
            wager=doc_wager(doc, booking.currency),
            sold=bool(doc["sold"]),
            rejection=None if doc["rejection"] is None else ErrorCode(doc["rejection"]),
        )
        for doc in booking.wagers
    )
    return ProviderTicket(
        reference=booking.reference,
        provider_ticket_id=booking.serial,
        state=TicketState(booking.state.value),
        wagers=wagers,
        total=from_minor(booking.total, booking.currency),
        currency=booking.currency,
        created_at=booking.created_at,
        pin=pin,
        cancel_deadline=booking.cancel_deadline,
        extra={
            "serial": booking.serial,
            "draw_ids": sorted({d["draw_id"] for d in sold_docs(booking.wagers)}),
            "voided_at": booking.voided_at,
        },
    )
