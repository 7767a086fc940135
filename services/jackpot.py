"""Selling jackpot tickets (PROVIDER=jackpot, jackpot's document): betcard → one outcome per event
→ price → summary with payouts and taxes → the standard sale path.

The chat keeps its progress in FSM data (``Picking``, then ``Summary``, both plain JSON) so it
survives a restart. Confirming turns the summary into a ``SaleDraft`` (one wager made by the
adapter's ``wager_for``) and books it with ``services.sales.confirm_sale``: funds, the pending
ticket, exactly-once and the ticket record are the lottery sales' own. The draft's reference is
minted with the summary, so a double tap or a re-delivered update books one ticket.

Where the seed is silent we act as a sportsbook counter does: the player pays the *price* (a
multiple of the betcard's line price; the excise tax comes out of it), sees every pick with its
odds, the gross payout, both taxes and the net payout before paying, and a move of the odds
beyond the operator's tolerance is shown and must be accepted again.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from html import escape
from types import MappingProxyType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog, Lottery
from lottery.i18n import _, gettext
from lottery.plays import Wager
from lottery.plays.amounts import AmountError, parse_amount
from lottery.ticket_codes import PinHasher
from presentation.formatting import Formatter
from providers.base import ErrorCode, Provider, ProviderError
from providers.jackpot import Betcard, JackpotEvent, JackpotProvider, Quote, wager_for
from providers.jackpot.models import GAME
from services.draft import SaleDraft, new_reference
from services.sales import Outcome, SaleResult, available_funds, confirm_sale
from storage.models import TicketStatus, User, UserRole

#: quick price buttons, in lines of the betcard's line price
QUICK_LINES = (1, 2, 5, 10)
#: what may surround an amount the player writes: "5", "x5", "Bs 5", "5 bs", "$5", "5 usd"
_UNITS = re.compile(r"^(?:x|bs\.?|\$|₡|usd|ves|crc)?\s*(?P<amount>[0-9][0-9.,]*)\s*"
                    r"(?:bs\.?|\$|usd|ves|crc|colones|bol[ií]vares|d[oó]lares)?$")


class JackpotError(Exception):
    """Something the player must be told (already translated, Telegram HTML)."""


def jackpot_of(provider: Provider) -> JackpotProvider | None:
    """The jackpot adapter behind the bot, or None when the bot sells through another one."""
    return provider if isinstance(provider, JackpotProvider) else None


def is_open(card: Betcard, now: datetime) -> bool:
    return card.open and now < card.closes_at


async def open_betcards(provider: JackpotProvider, now: datetime) -> list[Betcard]:
    """Betcards still on sale at ``now``, the soonest to close first."""
    cards = [c for c in await provider.betcards() if is_open(c, now) and c.events]
    return sorted(cards, key=lambda c: (c.closes_at, c.name))


# -- the selection in progress --------------------------------------------------------------


@dataclass(frozen=True)
class Picking:
    """The outcomes chosen so far, in the betcard's event order (event id, bet id)."""

    code: str
    picks: tuple[tuple[int, int], ...] = ()

    def next_event(self, card: Betcard) -> JackpotEvent | None:
        return card.events[len(self.picks)] if len(self.picks) < len(card.events) else None

    def choose(self, card: Betcard, event_id: int, bet_id: int) -> Picking | None:
        """With this pick added; None when it does not answer the current question."""
        event = self.next_event(card)
        if event is None or event.id != event_id or event.bet(bet_id) is None:
            return None
        return Picking(self.code, (*self.picks, (event_id, bet_id)))

    def back(self) -> Picking:
        return Picking(self.code, self.picks[:-1])

    def complete(self, card: Betcard) -> bool:
        return len(self.picks) == len(card.events)

    def to_data(self) -> dict[str, Any]:
        return {"code": self.code, "picks": [list(p) for p in self.picks]}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Picking:
        return cls(str(data["code"]), tuple((int(e), int(b)) for e, b in data["picks"]))


def read_price(text: str, card: Betcard, catalog: Catalog, user: User, currency: str
               ) -> Decimal | None:
    """The price the player wrote; None when the text is not an amount at all (maybe plays).

    Raises ``JackpotError`` for an amount that cannot be a ticket price."""
    match = _UNITS.match(text.strip().lower())
    if match is None:
        return None
    try:
        price = parse_amount(match["amount"])
    except AmountError as exc:
        raise JackpotError(gettext(exc.msgid).format(text=escape(text.strip()))) from None
    if price < card.price or price % card.price:
        fmt = Formatter.for_reader(user.locale, catalog)
        raise JackpotError(_(
            "The price must be a multiple of one line, {line}: for example {example}."
        ).format(line=fmt.money(card.price, currency),
                 example=fmt.money(card.price * 2, currency)))
    return price


def quick_prices(card: Betcard) -> list[tuple[int, Decimal]]:
    return [(n, card.price * n) for n in QUICK_LINES]


# -- the summary the player confirms ---------------------------------------------------------


@dataclass(frozen=True)
class PickLine:
    event_id: int
    event: str
    bet_id: int
    bet: str
    odds: Decimal


@dataclass(frozen=True)
class Summary:
    """A priced selection as shown to the player; its ``reference`` books it at most once."""

    reference: str
    code: str
    name: str
    closes_at: datetime
    currency: str
    number: str  # the wager's number, as ``wager_for`` wrote it (picks with the shown odds)
    price: Decimal
    stake: Decimal
    ext: Decimal
    ext_amount: Decimal
    gross_payout: Decimal
    wht: Decimal
    wht_amount: Decimal
    net_payout: Decimal
    odds: Decimal
    lines: tuple[PickLine, ...]

    @classmethod
    def from_quote(cls, q: Quote, reference: str | None = None) -> Summary:
        card = q.betcard
        lines = []
        for pick in q.picks:
            event = card.event(pick.event_id)
            bet = event.bet(pick.bet_id) if event else None
            lines.append(PickLine(pick.event_id, event.name if event else str(pick.event_id),
                                  pick.bet_id, bet.name if bet else str(pick.bet_id), pick.odds))
        return cls(
            reference=reference or new_reference(), code=card.code, name=card.name,
            closes_at=card.closes_at, currency=q.currency, number=wager_for(q).number,
            price=q.price, stake=q.stake, ext=card.ext if q.ext_amount else Decimal(0),
            ext_amount=q.ext_amount, gross_payout=q.gross_payout, wht=card.wht,
            wht_amount=q.wht_amount, net_payout=q.net_payout, odds=q.odds, lines=tuple(lines),
        )

    @property
    def choices(self) -> dict[int, int]:
        return {p.event_id: p.bet_id for p in self.lines}

    def wager(self) -> Wager:
        return Wager(self.code, self.closes_at, GAME, self.number, None, self.price)

    def draft(self) -> SaleDraft:
        return SaleDraft(self.reference, (self.wager(),), self.currency)

    _MONEY = ("price", "stake", "ext", "ext_amount", "gross_payout", "wht", "wht_amount",
              "net_payout", "odds")

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "reference": self.reference, "code": self.code, "name": self.name,
            "closes_at": self.closes_at.isoformat(), "currency": self.currency,
            "number": self.number,
            "lines": [[p.event_id, p.event, p.bet_id, p.bet, str(p.odds)] for p in self.lines],
        }
        data.update({k: str(getattr(self, k)) for k in self._MONEY})
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Summary:
        return cls(
            reference=str(data["reference"]), code=str(data["code"]), name=str(data["name"]),
            closes_at=datetime.fromisoformat(data["closes_at"]), currency=str(data["currency"]),
            number=str(data["number"]),
            lines=tuple(PickLine(int(e), str(en), int(b), str(bn), Decimal(o))
                        for e, en, b, bn, o in data["lines"]),
            **{k: Decimal(data[k]) for k in cls._MONEY},
        )


async def price_selection(provider: JackpotProvider, picking: Picking, price: Decimal,
                          now: datetime) -> Summary:
    """Today's odds and payouts for the picks; ``ProviderError`` when the betcard cannot be
    sold (closed, changed) or the price is wrong."""
    card = await provider.betcard(picking.code)
    if card is None or not is_open(card, now):
        raise ProviderError(ErrorCode.CLOSED_DRAW, "betcard not open")
    return Summary.from_quote(await provider.price(picking.code, dict(picking.picks), price))


def shortfall(user: User, summary: Summary) -> Decimal | None:
    """What the buyer lacks to pay the price (None: they can pay, or sell on the banca's
    account)."""
    funds = available_funds(user)
    if funds is None or summary.price <= funds:
        return None
    return summary.price - funds


def wrong_currency(user: User, summary: Summary) -> bool:
    """The operator prices in one currency; a wallet in another cannot pay for it."""
    return user.role != UserRole.ADMIN and user.currency != summary.currency


def sale_catalog(catalog: Catalog, summary: Summary) -> Catalog:
    """The market's catalog plus the betcard as a lottery, so the standard sale path can file
    the ticket under a draw (the betcard at its closing time). Jackpot tickets cannot be
    cancelled (the operator has no cancel), hence ``cancel_seconds`` 0."""
    card = Lottery(id=summary.code, name=summary.name, aliases=(), games=(GAME,), times=(),
                   timezone=catalog.timezone, close_minutes=0)
    lotteries = (*(lot for lot in catalog.lotteries if lot.id != card.id), card)
    return replace(catalog, lotteries=lotteries, cancel_seconds=0, derived={},
                   _by_id=MappingProxyType({lot.id: lot for lot in lotteries}))


class Result(enum.StrEnum):
    SOLD = "sold"
    ALREADY_SOLD = "already_sold"
    PENDING = "pending"
    STALE = "stale"  # the summary's reference was refused before: nothing to confirm
    REFUSED = "refused"
    ODDS_CHANGED = "odds_changed"


@dataclass(frozen=True)
class JackpotSale:
    result: Result
    sale: SaleResult | None = None
    code: ErrorCode | None = None
    requote: Summary | None = None  # odds changed: the same picks, priced again


async def confirm(
    session: AsyncSession, *, provider: JackpotProvider, catalog: Catalog, user: User,
    summary: Summary, now: datetime, pins: PinHasher,
) -> JackpotSale:
    """Book the summary exactly once through the standard sale path."""
    try:
        sold = await confirm_sale(session, provider=provider,
                                  catalog=sale_catalog(catalog, summary), user=user,
                                  draft=summary.draft(), now=now, pins=pins)
    except ProviderError as exc:  # validation could not reach the operator: nothing was taken
        return JackpotSale(Result.REFUSED, code=exc.code)
    if sold.outcome is Outcome.SOLD:
        return JackpotSale(Result.SOLD, sold)
    if sold.outcome is Outcome.PENDING:
        return JackpotSale(Result.PENDING, sold)
    if sold.outcome is Outcome.ALREADY_SOLD:
        assert sold.ticket is not None
        if sold.ticket.status is TicketStatus.REJECTED:
            return JackpotSale(Result.STALE, sold)
        return JackpotSale(Result.ALREADY_SOLD, sold)
    if sold.code is ErrorCode.ODDS_CHANGED:
        try:
            again = await provider.price(summary.code, summary.choices, summary.price)
        except ProviderError as exc:
            return JackpotSale(Result.REFUSED, sold, code=exc.code)
        return JackpotSale(Result.ODDS_CHANGED, sold, ErrorCode.ODDS_CHANGED,
                           Summary.from_quote(again))
    return JackpotSale(Result.REFUSED, sold, code=sold.code)


def can_confirm(user: User, summary: Summary) -> bool:
    return not wrong_currency(user, summary) and shortfall(user, summary) is None
