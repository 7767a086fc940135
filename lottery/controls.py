"""The banca's controls, as rules: which tope, block, seller limit, suspension or payout applies.

The rows come from the database (``storage.repositories.controls``); this module only reads them,
so the preview, the booking, /sorteos and /riesgo answer the same question the same way. Pure:
no I/O, no clock ("now" is passed in).

Layers of the tope per number and draw, the most specific wins (a draw before a number before a
game before a lottery before every lottery), then the catalog's tope of the game. A block
("quemar") refuses a number whatever the tope.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType

from lottery.catalog import Catalog, Lottery


class Kind(enum.StrEnum):
    TOPE = "tope"  # amount: minor units per number and draw
    BLOCK = "block"  # a number not sold (for a draw, a day, or until unblocked)
    SELLER_TICKET = "seller_ticket"  # amount: a seller's largest ticket
    SELLER_NUMBER = "seller_number"  # amount: a seller's most per number and draw
    SUSPEND = "suspend"  # a lottery or a draw sells nothing; reason shown to buyers
    CLOSE_EARLY = "close_early"  # a draw closed before its time (reopen ends it)
    CLOSE_MINUTES = "close_minutes"  # amount: minutes before each draw when sales close
    PAYOUT = "payout"  # amount: a game's multiplier in a lottery (or all)
    GAME_OFF = "game_off"  # a game not sold in a lottery
    ALERT_CHAT = "alert_chat"  # amount: the chat that gets the banca's alerts
    ALERT_TICKET = "alert_ticket"  # amount: a ticket above it is alerted
    ALERT_EXPOSURE = "alert_exposure"  # amount: percent of the draw's worst case


@dataclass(frozen=True, slots=True)
class Control:
    id: int
    kind: Kind
    lottery: str | None = None
    game: str | None = None
    number: str | None = None
    draw_at: datetime | None = None
    day: date | None = None
    user_id: int | None = None
    amount: int | None = None
    reason: str | None = None

    def covers(self, lottery: str, draw_at: datetime, day: date) -> bool:
        """Whether the control's lottery, draw and day scope include that draw."""
        return (self.lottery in (None, lottery) and self.draw_at in (None, draw_at)
                and self.day in (None, day))

    @property
    def specificity(self) -> tuple[int, int]:
        """Draw/day, number, game, lottery: the more of them named, the stronger; then newest."""
        score = ((self.draw_at is not None or self.day is not None) * 8
                 + (self.number is not None) * 4 + (self.game is not None) * 2
                 + (self.lottery is not None))
        return score, self.id


@dataclass(frozen=True)
class Controls:
    """Every control in force, as read at ``version`` (a change makes a new version)."""

    version: tuple[int, int] = (0, 0)
    items: tuple[Control, ...] = ()

    def of(self, *kinds: Kind) -> list[Control]:
        return [c for c in self.items if c.kind in kinds]

    def tope(self, lottery: str, game: str, number: str, draw_at: datetime, day: date
             ) -> Control | None:
        """The tope control that applies to that number of that draw (None: the catalog's)."""
        found = [c for c in self.of(Kind.TOPE) if c.covers(lottery, draw_at, day)
                 and c.game in (None, game) and c.number in (None, number)]
        return max(found, key=lambda c: c.specificity, default=None)

    def block(self, lottery: str, number: str, draw_at: datetime, day: date) -> Control | None:
        return next((c for c in self.of(Kind.BLOCK)
                     if c.number == number and c.covers(lottery, draw_at, day)), None)

    def suspension(self, lottery: str, draw_at: datetime, day: date) -> Control | None:
        return next((c for c in self.of(Kind.SUSPEND) if c.covers(lottery, draw_at, day)), None)

    def closed_early(self, lottery: str, draw_at: datetime) -> Control | None:
        return next((c for c in self.of(Kind.CLOSE_EARLY)
                     if c.lottery == lottery and c.draw_at == draw_at), None)

    def seller_limit(self, kind: Kind, user_id: int | None) -> int | None:
        if user_id is None:
            return None
        found = [c for c in self.of(kind) if c.user_id == user_id]
        return max(found, key=lambda c: c.id).amount if found else None

    def setting(self, kind: Kind) -> int | None:
        """A banca-wide number (the alert chat, an alert threshold), the newest one."""
        found = self.of(kind)
        if not found:
            return None
        return max(found, key=lambda c: c.id).amount


def effective_catalog(base: Catalog, controls: Controls) -> Catalog:
    """``base`` with the lottery-wide overrides applied: payouts, minutes before close, games
    not sold, and the draws suspended or closed early (``Lottery.stopped``: the parser's next
    draw skips them). Everything reading a catalog (parser, schedule, settlement at sale) sees
    them."""
    overrides = controls.of(Kind.PAYOUT, Kind.CLOSE_MINUTES, Kind.GAME_OFF) + [
        c for c in controls.of(Kind.SUSPEND, Kind.CLOSE_EARLY) if c.draw_at is not None]
    if not overrides:
        return base
    lotteries = tuple(_lottery(lot, overrides) for lot in base.lotteries)
    return replace(base, lotteries=lotteries,
                   _by_id=MappingProxyType({lot.id: lot for lot in lotteries}), derived={})


def _lottery(lottery: Lottery, overrides: Iterable[Control]) -> Lottery:
    mine = sorted((c for c in overrides if c.lottery in (None, lottery.id)),
                  key=lambda c: c.specificity)  # the specific one last: it wins
    if not mine:
        return lottery
    payouts = dict(lottery.payouts)
    close = lottery.close_minutes
    off: set[str] = set()
    stopped: set[datetime] = set()
    for c in mine:
        if c.kind is Kind.PAYOUT and c.game is not None and c.amount is not None:
            payouts[c.game] = Decimal(c.amount)
        elif c.kind is Kind.CLOSE_MINUTES and c.amount is not None:
            close = int(c.amount)
        elif c.kind is Kind.GAME_OFF and c.game is not None:
            off.add(c.game)
        elif c.kind in (Kind.SUSPEND, Kind.CLOSE_EARLY) and c.draw_at is not None:
            stopped.add(c.draw_at)
    return replace(lottery, payouts=MappingProxyType(payouts), close_minutes=close,
                   games=tuple(g for g in lottery.games if g not in off),
                   stopped=frozenset(stopped))


class LiveControls:
    """The controls this process last read, and the catalog they make: refreshed from the
    database (one small query for the version) by ``storage.repositories.controls.refresh``."""

    def __init__(self, base: Catalog) -> None:
        self.base = base
        self.controls = Controls()
        self.catalog = base

    def update(self, controls: Controls) -> None:
        self.controls = controls
        self.catalog = effective_catalog(self.base, controls)
