"""A sold ticket as people read it: the view both renderers share, and its Telegram text.

``TicketView`` is a snapshot built by the services from the stored ticket; nothing here reads the
database, the clock or global settings. Money and dates come out in the reader's language with the
market's number style (es → es_VE / es_CR, en → en) and always on the lottery's clock: a Caracas
ticket read in English still says Caracas time, because that is when the draw happens.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from lottery.i18n import _, in_locale
from lottery.ticket_codes import format_serial
from presentation import formatting
from presentation.labels import game_name, sign_name, state_name

STATES = ("sold", "void", "winner", "loser", "paid", "expired", "pending", "rejected")


@dataclass(frozen=True, kw_only=True)
class TicketLine:
    """One wager: ``sign`` is a sign code (``ARI``), ``animal`` the animal's display name."""

    lottery_name: str
    draw_at: datetime
    game: str
    number: str
    sign: str | None = None
    amount: Decimal
    prize: Decimal | None = None
    animal: str | None = None

    def __post_init__(self) -> None:
        _require_aware(self.draw_at, "draw_at")


@dataclass(frozen=True, kw_only=True)
class TicketView:
    """Everything a ticket shows. ``pin`` only on the buyer's first copy; ``provider_ref`` for
    tickets booked with a remote provider; ``timezone`` is the lottery's."""

    brand: str
    serial: str
    pin: str | None = None
    issued_at: datetime
    timezone: ZoneInfo
    currency: str
    market_locale: str
    seller_name: str | None = None
    customer_name: str | None = None
    state: str = "sold"
    lines: tuple[TicketLine, ...]
    total: Decimal
    cancel_deadline: datetime | None = None
    provider_ref: str | None = None
    #: a copy asked for again (/ultimo, Reimprimir): the picture says so, not only its caption
    reprint: bool = False

    def __post_init__(self) -> None:
        _require_aware(self.issued_at, "issued_at")
        if self.cancel_deadline is not None:
            _require_aware(self.cancel_deadline, "cancel_deadline")
        if self.state not in STATES:
            raise ValueError(f"unknown ticket state {self.state!r}")


@dataclass(frozen=True)
class DrawGroup:
    """The wagers of one lottery's one draw: one header, then a line each."""

    lottery_name: str
    draw_at: datetime
    lines: tuple[TicketLine, ...]


def group_lines(ticket: TicketView) -> tuple[DrawGroup, ...]:
    """Groups by lottery and draw, earliest draw first; wagers keep the order they were written."""
    groups: dict[tuple[str, datetime], list[TicketLine]] = {}
    for line in ticket.lines:
        groups.setdefault((line.lottery_name, line.draw_at), []).append(line)
    ordered = sorted(enumerate(groups.items()), key=lambda item: (item[1][0][1], item[0]))
    return tuple(DrawGroup(name, at, tuple(lines)) for _i, ((name, at), lines) in ordered)


#: Translate in a language for the duration only (labels read the context locale).
in_language = in_locale


class Formatter:
    """Money, dates and names of one ticket for one reader; shared by the text and the image.

    Figures come from the reader's ``presentation.formatting.Formatter`` on the ticket's own
    currency and clock. Use inside ``in_language(language)`` so names come out in the
    reader's language.
    """

    def __init__(self, ticket: TicketView, language: str) -> None:
        self.ticket = ticket
        self.figures = formatting.Formatter.of(
            language, ticket.market_locale, ticket.currency, ticket.timezone
        )

    def money(self, amount: Decimal) -> str:
        return self.figures.money(amount)

    def when(self, moment: datetime, *, year: bool = False) -> str:
        return self.figures.day_time(moment, year=year)

    def clock(self, moment: datetime) -> str:
        return self.figures.clock(moment)

    def draw_header(self, group: DrawGroup) -> str:
        return f"{group.lottery_name} · {self.when(group.draw_at)}"

    def wager(self, line: TicketLine) -> tuple[str, str]:
        """``("123", "Aries")`` / ``("5", "León")``: the number and what goes with it."""
        extra = line.animal or (sign_name(line.sign) if line.sign else "")
        return line.number, extra

    def game(self, line: TicketLine) -> str:
        return game_name(line.game)

    def deadline(self) -> str | None:
        """When the ticket can still be cancelled: the time alone on the day of the sale."""
        deadline = self.ticket.cancel_deadline
        if deadline is None or self.ticket.state != "sold" or deadline <= self.ticket.issued_at:
            return None  # a ticket that could never be cancelled (a jackpot's) says nothing
        tz = self.ticket.timezone
        same_day = deadline.astimezone(tz).date() == self.ticket.issued_at.astimezone(tz).date()
        moment = self.clock(deadline) if same_day else self.when(deadline)
        # No final period: Spanish times already end in one ("9:33 a. m.").
        return _("You can cancel until {time}").format(time=moment)

    def state(self) -> str:
        return state_name(self.ticket.state)


def render_ticket_text(ticket: TicketView, language: str) -> str:
    """The ticket as a compact Telegram HTML message, short lines for a phone."""
    with in_language(language):
        return "\n".join(_text_lines(ticket, Formatter(ticket, language)))


def _text_lines(ticket: TicketView, fmt: Formatter) -> Iterator[str]:
    esc = html.escape
    yield f"🎟 <b>{esc(ticket.brand)}</b>"
    if ticket.state != "sold":
        yield "<b>" + esc(_("State: {state}").format(state=fmt.state().upper())) + "</b>"
    yield esc(_("Serial: {serial}")).format(
        serial=f"<code>{esc(format_serial(ticket.serial))}</code>"
    )
    yield esc(_("Date: {when}").format(when=fmt.when(ticket.issued_at, year=True)))
    if ticket.customer_name:
        yield esc(_("Customer: {name}").format(name=ticket.customer_name))
    if ticket.seller_name:
        yield esc(_("Seller: {name}").format(name=ticket.seller_name))
    if ticket.provider_ref:
        yield esc(_("Provider ref.: {ref}")).format(ref=f"<code>{esc(ticket.provider_ref)}</code>")
    for group in group_lines(ticket):
        yield ""
        yield f"<b>{esc(group.lottery_name)}</b> · {esc(fmt.when(group.draw_at))}"
        for line in group.lines:
            number, extra = fmt.wager(line)
            label = f"<b>{esc(number)}</b>" + (f" {esc(extra)}" if extra else "")
            yield f"{label} · {esc(fmt.game(line))} · {esc(fmt.money(line.amount))}"
            if line.prize:
                yield "   🏆 " + esc(_("Prize: {amount}").format(amount=fmt.money(line.prize)))
    yield ""
    yield "<b>" + esc(_("Total: {amount}").format(amount=fmt.money(ticket.total))) + "</b>"
    if ticket.pin:
        yield esc(_("PIN: {pin}")).format(pin=f"<code>{esc(ticket.pin)}</code>")
        yield esc(_("Keep your PIN: you need it to collect a prize."))
    deadline = fmt.deadline()
    if deadline:
        yield esc(deadline)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
