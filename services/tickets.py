"""A stored ticket as people see it: the text message and the PNG with its signed QR code."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.money import from_minor
from lottery.ticket_codes import normalize_serial
from lottery.ticket_signature import parse_payload, payload_serial, sign, verify
from presentation.labels import animal_name
from presentation.ticket import TicketLine, TicketView, render_ticket_text
from presentation.ticket_image import render_ticket_png
from speed import pictures
from storage.models import Ticket, User
from storage.repositories.tickets import get_ticket_by_reference, get_ticket_by_serial

if TYPE_CHECKING:
    from bot.context import AppContext


def ticket_view(
    ticket: Ticket,
    catalog: Catalog,
    *,
    brand: str,
    pin: str | None = None,
    seller_name: str | None = None,
) -> TicketView:
    lines = []
    for wager in ticket.wagers:
        # A jackpot betcard, or a lottery the provider no longer lists: the ticket still shows.
        lottery = catalog.get_lottery(wager.lottery_id)
        draw = wager.draw.draw_at.astimezone(lottery.timezone if lottery else catalog.timezone)
        lines.append(
            TicketLine(
                lottery_name=lottery.name if lottery else wager.lottery_id,
                draw_at=draw,
                game=wager.game,
                number=wager.number,
                sign=wager.sign,
                amount=from_minor(wager.amount, ticket.currency),
                prize=from_minor(wager.prize, ticket.currency) if wager.prize is not None else None,
                animal=animal_name(lottery.animals, wager.number)
                if lottery and wager.game == "animal"
                else None,
            )
        )
    return TicketView(
        brand=brand,
        serial=ticket.serial,
        pin=pin,
        issued_at=ticket.created_at.astimezone(catalog.timezone),
        timezone=catalog.timezone,
        currency=ticket.currency,
        market_locale=catalog.locale,
        seller_name=seller_name,
        customer_name=ticket.customer_name,
        state=str(ticket.status),
        lines=tuple(lines),
        total=from_minor(ticket.total, ticket.currency),
        cancel_deadline=(
            ticket.cancel_deadline.astimezone(catalog.timezone) if ticket.cancel_deadline else None
        ),
        # the lottery system's own number, when it is not the serial the ticket already shows
        provider_ref=ticket.provider_ticket_id
        if ticket.provider_ticket_id != ticket.serial else None,
    )


def ticket_text(view: TicketView, user: User) -> str:
    return render_ticket_text(view, user.locale)


async def ticket_png(view: TicketView, app: AppContext, user: User) -> bytes:
    """Drawn in the picture process (speed.pictures), away from every other chat."""
    payload = sign(app.ticket_secret, view.serial, view.total, view.currency)
    return await pictures.draw(render_ticket_png, view, user.locale, payload)


class Verification(NamedTuple):
    ticket: Ticket | None
    signed: bool  # the text carried a QR signature
    authentic: bool  # the ticket exists and, when signed, the signature matches


async def verify_ticket(session: AsyncSession, text: str, secret: bytes) -> Verification:
    """`/verificar 7K3M9-Q2PXD` or the QR's text: a serial in our books is genuine; a QR text must
    also carry the signature made with our key over its serial, total and currency. A QR text
    whose signature is not whole (a character short or over) names its ticket all the same, and
    does not verify: it is an altered copy, not an unknown serial."""
    parsed = parse_payload(text)
    claimed = parsed[0] if parsed else payload_serial(text)
    serial = claimed or normalize_serial(text)
    ticket = await get_ticket_by_serial(session, serial) if serial else None
    if ticket is None:
        return Verification(None, claimed is not None, False)
    if claimed is None:
        return Verification(ticket, False, True)
    genuine = parsed is not None and verify(
        secret, text, from_minor(ticket.total, ticket.currency), ticket.currency
    )
    return Verification(ticket, True, genuine)


async def ticket_by_reference(session: AsyncSession, reference: str) -> Ticket | None:
    """The ticket a preview's reference sold, if it sold one."""
    return await get_ticket_by_reference(session, reference)
