"""What a settlement tells its winners: one message per buyer, in their language.

Each ticket gets the full story: serial, prize, how and until when to collect, with the
command ready to copy. When that outgrows one Telegram message (a counter where forty
customers won on one draw), the tickets are listed one line each with the how said once;
past even that, the message says how many more there are and where to see them.
"""

from __future__ import annotations

from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.i18n import _, in_locale, ngettext
from lottery.ticket_codes import format_serial
from presentation.formatting import Formatter
from presentation.telegram_text import MAX_TEXT, visible_length
from services.payments import collect_deadline, deadline_text
from services.settlement import SettlementSummary
from storage.models import Ticket, TicketStatus, User
from storage.repositories import tickets as tickets_repo
from storage.repositories import users as users_repo

_PAY = "<code>/pagar SERIAL PIN</code>"


async def winner_notices(
    session: AsyncSession, catalog: Catalog, summary: SettlementSummary
) -> list[tuple[int, str]]:
    """One HTML message per winning buyer of this settlement (tickets it made winners or whose
    prize it changed). Every chat appears once: the outbox sends one text per chat."""
    winning = [w for w in summary.winning_tickets if w.changed]
    if not winning:
        return []
    loaded = await tickets_repo.tickets_with_draws(session, [w.ticket_id for w in winning])
    tickets = [t for t in loaded if t.status is TicketStatus.WINNER]
    buyers = await users_repo.users_by_id(session, {t.buyer_id for t in tickets})
    by_buyer: dict[int, list[Ticket]] = {}
    for ticket in tickets:
        if ticket.buyer_id in buyers:
            by_buyer.setdefault(ticket.buyer_id, []).append(ticket)
    notices = []
    for buyer_id, own in by_buyer.items():
        buyer = buyers[buyer_id]
        with in_locale(buyer.locale):
            notices.append((buyer_id, _notice(own, buyer, catalog)))
    return notices


class _Reader:
    """Money and dates of the buyer's tickets as the buyer reads them."""

    def __init__(self, buyer: User, catalog: Catalog) -> None:
        self.buyer, self.catalog = buyer, catalog
        self.fmt = Formatter.for_reader(buyer.locale, catalog)

    def prize(self, ticket: Ticket) -> str:
        return self.fmt.minor(ticket.prize or 0, ticket.currency)

    def until(self, ticket: Ticket) -> str:
        return deadline_text(collect_deadline(ticket, self.catalog), self.fmt)

    def sold_at_counter(self, ticket: Ticket) -> bool:
        """Sold by this buyer (a seller or an admin) to a customer, who is paid in cash."""
        return ticket.seller_id is not None and ticket.seller_id == self.buyer.id

    def customer(self, ticket: Ticket) -> str:
        return (_("customer {name}").format(name=escape(ticket.customer_name))
                if ticket.customer_name else _("a customer"))


def _notice(own: list[Ticket], buyer: User, catalog: Catalog) -> str:
    reader = _Reader(buyer, catalog)
    full = "\n\n".join(_one(ticket, reader) for ticket in own)
    if visible_length(full) <= MAX_TEXT:
        return full
    counter = [t for t in own if reader.sold_at_counter(t)]
    mine = [t for t in own if not reader.sold_at_counter(t)]
    blocks = [block for block in (counter, mine) if block]
    budget = (MAX_TEXT - 2 * (len(blocks) - 1)) // len(blocks)
    return "\n\n".join(_listed(block, reader, budget) for block in blocks)


def _one(ticket: Ticket, reader: _Reader) -> str:
    serial = format_serial(ticket.serial)
    command = f"<code>/pagar {serial} PIN</code>"
    if reader.sold_at_counter(ticket):
        return _("🏆 Ticket {serial} of {customer} won {prize}.\nWhen the customer brings the "
                 "serial and the PIN, pay it with {command}. Payable until {date}.").format(
            serial=f"<b>{serial}</b>", customer=reader.customer(ticket),
            prize=f"<b>{reader.prize(ticket)}</b>", command=command, date=reader.until(ticket))
    return _("🏆 Your ticket {serial} won {prize}!\nTo collect it, send {command} (the PIN is "
             "on your ticket): the prize goes to your balance. Collect it by {date}.").format(
        serial=f"<b>{serial}</b>", prize=f"<b>{reader.prize(ticket)}</b>", command=command,
        date=reader.until(ticket))


def _listed(tickets: list[Ticket], reader: _Reader, budget: int) -> str:
    """Several tickets of one kind: a head, a line each, the how once; at most ``budget``
    characters shown, the lines that do not fit counted instead."""
    n = len(tickets)
    counter = reader.sold_at_counter(tickets[0])
    dates = {reader.until(t) for t in tickets}
    one_date = dates.pop() if len(dates) == 1 else None
    if counter:
        head = ngettext("🏆 {count} ticket you sold won:", "🏆 {count} tickets you sold won:", n)
        how = _("When a customer brings the serial and the PIN, pay it with {command}.")
        until = _("Payable until {date}.")
    else:
        head = ngettext("🏆 {count} of your tickets won!", "🏆 {count} of your tickets won!", n)
        how = _("To collect, send {command} for each (the PIN is on the ticket): the prize goes "
                "to your balance.")
        until = _("Collect them by {date}.")
    tail = how.format(command=_PAY) + (" " + until.format(date=one_date) if one_date else "")
    lines = []
    for ticket in tickets:
        parts = [f"<b>{format_serial(ticket.serial)}</b>"]
        if counter:
            parts.append(reader.customer(ticket))
        parts.append(f"<b>{reader.prize(ticket)}</b>")
        if one_date is None:
            parts.append(_("until {date}").format(date=reader.until(ticket)))
        lines.append(" · ".join(parts))
    text = _assemble(head.format(count=n), lines, tail)
    while visible_length(text) > budget and lines:
        cut = max(1, len(lines) // 10)
        del lines[-cut:]
        more = ngettext("…and {count} more: /tickets lists them.",
                        "…and {count} more: /tickets lists them.", n - len(lines))
        text = _assemble(head.format(count=n), [*lines, more.format(count=n - len(lines))], tail)
    return text


def _assemble(head: str, lines: list[str], tail: str) -> str:
    return "\n".join([head, *lines, tail])
