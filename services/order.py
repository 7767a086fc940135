"""An order in the making: the open ticket a seller builds over several chat messages.

Customers send one play per message and Telegram splits a long paste, so while a preview is
open a new message adds to its ticket, and an edit re-reads the message it changes. The order
keeps the messages themselves (text, when each was read, the lottery remembered then) in FSM
data (SQL or Redis: it survives a restart), not their wagers: re-reading a message at the time
it was read gives the same draws, and an edit is read again like a new message. Lines that name
no lottery take the lottery and draw of the ticket's line above them, as a header line does
within one message (``parse_message``'s ``context``); the first message's take the remembered
lottery. Line numbers are the order's: its messages' lines one after the other, the way
Corregir gives them back (``services.correction``); the person is told a line of an order of
several messages by its message and its line there (``services.line_places``).

Each change mints a new draft (and reference, the booking's idempotency key): a confirm of an
older preview cannot sell a ticket the person no longer sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.plays import PlayError, Wager, parse_message
from lottery.schedule import next_open_draw
from providers.base import Provider
from services.draft import NO_ORIGINS, LineOrigins
from services.line_places import LinePlaces, message_lines
from services.sales import Preview, not_sold_here, preview_wagers, sells_for_others, split_customer
from storage.models import User

#: sold orders remembered per chat, so an edit after the sale can say which ticket it was: the
#: last few (a typo is seen soon after); each is read and written with every update of the
#: chat's FSM data, and ten of them cost a sale 5 % more CPU (bench/sale_cpu.py)
SOLD_KEPT = 3


@dataclass(frozen=True)
class Source:
    """One message of the order."""

    message_id: int
    text: str
    at: datetime  # when it was read: "the next draw" is the next one then
    remembered: str | None  # the user's last lottery then

    def to_data(self) -> list[Any]:
        return [self.message_id, self.text, self.at.isoformat(), self.remembered]

    @classmethod
    def from_data(cls, data: list[Any]) -> Source:
        return cls(int(data[0]), str(data[1]), datetime.fromisoformat(data[2]), data[3])


@dataclass(frozen=True)
class Order:
    sources: tuple[Source, ...]
    #: closed draws the person chose to move to their lottery's next draw (lottery, from, to)
    moves: tuple[tuple[str, datetime, datetime], ...] = ()
    #: after Corregir the next message is the whole order again, not an addition
    replace_next: bool = False

    def to_data(self) -> dict[str, Any]:
        return {
            "sources": [s.to_data() for s in self.sources],
            "moves": [[lot, a.isoformat(), b.isoformat()] for lot, a, b in self.moves],
            "replace_next": self.replace_next,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Order:
        return cls(
            sources=tuple(Source.from_data(s) for s in data.get("sources", ())),
            moves=tuple((lot, datetime.fromisoformat(a), datetime.fromisoformat(b))
                        for lot, a, b in data.get("moves", ())),
            replace_next=bool(data.get("replace_next")),
        )

    def add(self, source: Source) -> Order:
        if self.replace_next:
            return Order((source,))
        return replace(self, sources=(*self.sources, source))

    def places(self) -> LinePlaces:
        """Where each order line is in the person's messages."""
        return LinePlaces.of_texts(s.text for s in self.sources)

    def holds(self, message_id: int) -> bool:
        return any(s.message_id == message_id for s in self.sources)

    def edit(self, message_id: int, text: str, at: datetime) -> Order:
        """The order with that message's new text, read again at ``at`` (an edit says what the
        person means now, as a new message would)."""
        return replace(self, sources=tuple(
            replace(s, text=text, at=at) if s.message_id == message_id else s
            for s in self.sources
        ))

    def moved(self, draws: list[tuple[str, datetime]], catalog: Catalog, now: datetime
              ) -> tuple[Order, list[tuple[str, datetime, datetime]]]:
        """Closed ``draws`` moved to their lottery's next open draw (those that have one)."""
        moves = list(self.moves)
        done = []
        for lottery, at in draws:
            nxt = next_open_draw(catalog, lottery, now)
            if nxt is not None and nxt.at != at:
                moves = [(lot, a, nxt.at if (lot, b) == (lottery, at) else b)
                         for lot, a, b in moves]
                moves.append((lottery, at, nxt.at))
                done.append((lottery, at, nxt.at))
        return replace(self, moves=tuple(moves)), done


@dataclass
class Reading:
    """The order read: its wagers and errors on the order's line numbers."""

    wagers: list[Wager] = field(default_factory=list)
    errors: list[PlayError] = field(default_factory=list)
    customer: str | None = None
    origins: LineOrigins = NO_ORIGINS
    #: each order line as written, and the message it came from
    lines: list[str] = field(default_factory=list)
    #: the number of wagers and errors each message gave (the last one: what a message added)
    per_source: list[tuple[int, int]] = field(default_factory=list)


def read_order(order: Order, catalog: Catalog, user: User, market: Catalog | None = None
               ) -> Reading:
    out = Reading()
    remembered: set[int] = set()
    borrowed: set[int] = set()
    remembered_lottery = None
    context: list[tuple[str, list[datetime]]] | None = None
    open_draws: tuple[tuple[str, datetime], ...] = ()
    moves = {(lot, a): b.astimezone(catalog.lottery(lot).timezone) for lot, a, b in order.moves}
    for source in order.sources:
        text = source.text
        if sells_for_others(user):
            text, customer = split_customer(text)
            out.customer = customer or out.customer
        offset = len(out.lines)
        out.lines.extend(message_lines(source.text))
        parsed = parse_message(text, catalog, source.at,
                               default_lottery=None if context else source.remembered,
                               context=context)
        lines = {n + offset for n in parsed.default_lines}
        if context:
            borrowed |= lines
            open_draws = tuple((lot, at) for lot, ats in context for at in ats)
        elif lines:
            remembered |= lines
            remembered_lottery = source.remembered
        wagers = parsed.wagers
        if offset or moves:  # a message after the first, or draws moved: not the usual sale
            wagers = [w._replace(line=w.line + offset, draw=moves.get((w.lottery, w.draw),
                                                                       w.draw)) for w in wagers]
        out.wagers.extend(wagers)
        for error in parsed.errors:
            error = not_sold_here(error, catalog, market)
            out.errors.append(replace(error, line=error.line + offset) if offset else error)
        out.per_source.append((len(wagers), len(parsed.errors)))
        if parsed.wagers:
            context = _last_line_draws(parsed.wagers)
    out.origins = LineOrigins(
        frozenset(remembered), remembered_lottery, frozenset(borrowed), open_draws,
        tuple((n, out.lines[n - 1].strip()) for n in sorted(remembered)) if out.errors else (),
    )
    return out


def _last_line_draws(wagers: list[Wager]) -> list[tuple[str, list[datetime]]]:
    """The draws of the message's last line with plays, lottery by lottery, in order."""
    last = max(w.line for w in wagers)
    draws: dict[str, list[datetime]] = {}
    for w in wagers:
        if w.line == last and w.draw not in draws.setdefault(w.lottery, []):
            draws[w.lottery].append(w.draw)
    return list(draws.items())


async def preview_order(
    session: AsyncSession, *, provider: Provider, catalog: Catalog, user: User, order: Order,
    now: datetime, market: Catalog | None = None,
) -> tuple[Preview, Reading]:
    """What confirming the whole order would sell now (a new draft, a new reference)."""
    reading = read_order(order, catalog, user, market)
    preview = await preview_wagers(
        session, provider=provider, catalog=catalog, user=user, wagers=reading.wagers, now=now,
        errors=tuple(reading.errors), customer=reading.customer,
        default_lottery=reading.origins.remembered_lottery, origins=reading.origins,
        places=order.places(),
    )
    return preview, reading
