"""Selling jackpot tickets (PROVIDER=jackpot, seed 003): betcard → one outcome per event → price
→ summary with payouts and taxes → the standard sale path.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from html import escape
from types import MappingProxyType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog, Lottery
from lottery.i18n import _, gettext, ngettext
from lottery.labels import format_day_time
from lottery.money import Money, format_locale, format_money
from lottery.plays import Wager
from lottery.plays.amounts import AmountError, parse_amount
from lottery.ticket_codes import PinHasher, format_serial
from providers.base import ErrorCode, Provider, ProviderError
from providers.jackpot import Betcard, JackpotEvent, JackpotProvider, Quote, wager_for
from providers.jackpot.models import GAME
from services.draft import SaleDraft, new_reference
from services.sales import Outcome, SaleResult, available_funds, confirm_sale
from storage.models import Ticket, TicketStatus, User, UserRole

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


def _locale(catalog: Catalog, user: User) -> str:
    return format_locale(user.locale, catalog.locale)


def money(amount: Decimal, currency: str, catalog: Catalog, user: User) -> str:
    return format_money(Money(amount, currency), _locale(catalog, user))


def odds_text(odds: Decimal, catalog: Catalog, user: User) -> str:
    from babel.numbers import format_decimal

    return format_decimal(odds, format="#,##0.00", locale=_locale(catalog, user))


def percent_text(value: Decimal, catalog: Catalog, user: User) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.##", locale=_locale(catalog, user)) + " %"


def when_text(moment: datetime, catalog: Catalog, user: User) -> str:
    """On the catalog's clock (the market's), whoever reads it."""
    return format_day_time(moment, catalog.timezone, _locale(catalog, user))


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
        raise JackpotError(_(
            "The price must be a multiple of one line, {line}: for example {example}."
        ).format(line=money(card.price, currency, catalog, user),
                 example=money(card.price * 2, currency, catalog, user)))
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


# -- what the chat says -----------------------------------------------------------------------


def not_available() -> str:
    return _("Jackpot tickets are not sold with this bot's lottery system.")


def card_details(card: Betcard, catalog: Catalog, user: User) -> str:
    count = len(card.events)
    return ngettext("closes {when} · {count} event", "closes {when} · {count} events",
                    count).format(when=when_text(card.closes_at, catalog, user), count=count)


def card_button(card: Betcard, catalog: Catalog, user: User) -> str:
    return f"{card.name} · {card_details(card, catalog, user)}"


def betcards_text(cards: Sequence[Betcard], catalog: Catalog, user: User, currency: str) -> str:
    if not cards:
        return _("There is no jackpot on sale right now. Try again later.")
    lines = [_("🎯 <b>Jackpots on sale</b>"), ""]
    for card in cards:
        lines.append(f"<b>{escape(card.name)}</b>")
        lines.append(escape(card_details(card, catalog, user)))
        lines.append(_("Prize: {prize} · a line costs {price}").format(
            prize=money(card.prize, currency, catalog, user),
            price=money(card.price, currency, catalog, user)))
        lines.append("")
    lines.append(_("Choose one to pick the outcome of each event."))
    return "\n".join(lines)


def _pick_lines(card: Betcard, picking: Picking, catalog: Catalog, user: User) -> list[str]:
    lines = []
    for i, (event_id, bet_id) in enumerate(picking.picks, 1):
        event = card.event(event_id)
        bet = event.bet(bet_id) if event else None
        if event is None or bet is None:
            continue
        lines.append(f"{i}. {escape(event.name)}: <b>{escape(bet.name)}</b> "
                     f"({odds_text(bet.odds, catalog, user)})")
    return lines


def event_text(card: Betcard, picking: Picking, catalog: Catalog, user: User) -> str:
    """The question for the next event, with what was picked so far."""
    event = picking.next_event(card)
    assert event is not None
    lines = [
        f"🎯 <b>{escape(card.name)}</b>",
        _("Event {n} of {total}").format(n=len(picking.picks) + 1, total=len(card.events)),
        "",
        f"<b>{escape(event.name)}</b>",
    ]
    if event.starts_at is not None:
        lines.append(_("Starts {when}").format(when=when_text(event.starts_at, catalog, user)))
    lines += ["", _("Choose the outcome:")]
    picked = _pick_lines(card, picking, catalog, user)
    if picked:
        lines += ["", _("Your picks so far:"), *picked]
    return "\n".join(lines)


def bet_button(name: str, odds: Decimal, catalog: Catalog, user: User) -> str:
    return f"{name} · {odds_text(odds, catalog, user)}"


def price_prompt(card: Betcard, picking: Picking, catalog: Catalog, user: User, currency: str
                 ) -> str:
    return "\n".join([
        f"🎯 <b>{escape(card.name)}</b>",
        "",
        _("Your picks:"),
        *_pick_lines(card, picking, catalog, user),
        "",
        _("How much do you play? One line costs {line}; write a multiple of it (for example "
          "{example}) or choose:").format(
            line=money(card.price, currency, catalog, user),
            example=f"<code>{odds_text(card.price * 2, catalog, user)}</code>"),
    ])


def _figures(summary: Summary, catalog: Catalog, user: User) -> list[str]:
    """Odds, price, taxes and payouts: the same lines on the summary and on the ticket."""
    def m(amount: Decimal) -> str:
        return money(amount, summary.currency, catalog, user)

    lines = [
        _("Total odds: {odds}").format(odds=odds_text(summary.odds, catalog, user)),
        _("Price: {amount}").format(amount=m(summary.price)),
    ]
    if summary.ext_amount:
        lines.append(_("Excise tax ({rate}): {amount}").format(
            rate=percent_text(summary.ext, catalog, user), amount=m(summary.ext_amount)))
    return [
        *lines,
        _("Stake: {amount}").format(amount=m(summary.stake)),
        _("Gross payout: {amount}").format(amount=m(summary.gross_payout)),
        _("Withholding tax ({rate}): {amount}").format(
            rate=percent_text(summary.wht, catalog, user), amount=m(summary.wht_amount)),
        "<b>" + _("Net payout: {amount}").format(amount=m(summary.net_payout)) + "</b>",
    ]


def summary_text(summary: Summary, catalog: Catalog, user: User, *,
                 before: Summary | None = None, short: Decimal | None = None) -> str:
    """The summary: every pick and its odds, price, stake, payouts and taxes."""
    def m(amount: Decimal) -> str:
        return money(amount, summary.currency, catalog, user)

    old = {p.event_id: p.odds for p in before.lines} if before else {}
    parts = []
    if before is not None:
        parts += [_("⚠️ <b>The odds changed</b> since you chose. Nothing was sold; these are "
                    "the new odds:"), ""]
    parts += [
        _("🧾 <b>Jackpot ticket</b> — nothing has been sold yet"),
        _("<b>{name}</b> · closes {when}").format(
            name=escape(summary.name), when=when_text(summary.closes_at, catalog, user)),
        "",
    ]
    for i, line in enumerate(summary.lines, 1):
        shown = odds_text(line.odds, catalog, user)
        if line.event_id in old and old[line.event_id] != line.odds:
            shown = f"<s>{odds_text(old[line.event_id], catalog, user)}</s> → <b>{shown}</b>"
        parts.append(f"{i}. {escape(line.event)}: <b>{escape(line.bet)}</b> ({shown})")
    parts += ["", *_figures(summary, catalog, user)]
    if wrong_currency(user, summary):
        parts += ["", _("💰 This jackpot is sold in {currency} and your account is in {mine}: "
                        "it cannot be paid from it.").format(currency=summary.currency,
                                                             mine=user.currency)]
    elif short is not None:
        parts += ["", (_("💰 Not enough balance: you are {missing} short. Ask for a top-up.")
                       if user.role == UserRole.PLAYER else
                       _("💰 Not enough credit: you are {missing} short. Ask the banca to raise "
                         "your limit.")).format(missing=m(short))]
    else:
        parts += ["", _("Press <b>Confirm</b> to buy it.")]
    return "\n".join(parts)


def can_confirm(user: User, summary: Summary) -> bool:
    return not wrong_currency(user, summary) and shortfall(user, summary) is None


def ticket_text(ticket: Ticket, pin: str | None, summary: Summary, catalog: Catalog,
                user: User) -> str:
    """The sold ticket: serial, PIN, picks, what was paid and what it pays."""
    def m(amount: Decimal) -> str:
        return money(amount, summary.currency, catalog, user)

    parts = [
        _("✅ <b>Jackpot ticket sold</b>"),
        escape(_("Serial: {serial}")).format(
            serial=f"<code>{format_serial(ticket.serial)}</code>"),
        _("<b>{name}</b> · closes {when}").format(
            name=escape(summary.name), when=when_text(summary.closes_at, catalog, user)),
    ]
    if ticket.provider_ticket_id:
        parts.append(escape(_("Provider ref.: {ref}")).format(
            ref=f"<code>{escape(ticket.provider_ticket_id)}</code>"))
    parts.append("")
    parts += [f"{i}. {escape(p.event)}: <b>{escape(p.bet)}</b> ({odds_text(p.odds, catalog, user)})"
              for i, p in enumerate(summary.lines, 1)]
    parts += ["", *_figures(summary, catalog, user)]
    if pin:
        parts += ["", escape(_("PIN: {pin}")).format(pin=f"<code>{escape(pin)}</code>"),
                  escape(_("Keep your PIN: you need it to collect a prize."))]
    return "\n".join(parts)


def closed_text(summary_name: str, closes_at: datetime | None, catalog: Catalog, user: User
                ) -> str:
    if closes_at is None:
        return "❌ " + _("Nothing was sold: the jackpot {name} is no longer on sale.").format(
            name=f"<b>{escape(summary_name)}</b>")
    return "❌ " + _("Nothing was sold: the jackpot {name} closed at {when}.").format(
        name=f"<b>{escape(summary_name)}</b>", when=when_text(closes_at, catalog, user))


def refusal_text(sale: JackpotSale, summary: Summary, catalog: Catalog, user: User) -> str:
    """Why nothing was sold, in the player's words."""
    code = sale.code
    if code is ErrorCode.CLOSED_DRAW:
        return closed_text(summary.name, summary.closes_at, catalog, user) + "\n" + _(
            "/jackpot shows the jackpots on sale.")
    if code is ErrorCode.INSUFFICIENT_FUNDS:
        return "❌ " + (_("Not enough balance for this ticket. Nothing was sold; ask for a top-up.")
                       if user.role == UserRole.PLAYER else
                       _("Not enough credit for this ticket. Nothing was sold."))
    if code is ErrorCode.UNAVAILABLE:
        return "❌ " + _("The lottery system is not answering right now. Nothing was sold; "
                        "try again in a moment.")
    if code is ErrorCode.INVALID_AMOUNT:
        return "❌ " + _("Nothing was sold: the operator refused the price.")
    if code is ErrorCode.INVALID_NUMBER:
        return "❌ " + _("Nothing was sold: the betcard changed. Choose your picks again with "
                        "/jackpot.")
    if code is ErrorCode.ODDS_CHANGED:
        return "❌ " + _("Nothing was sold: the odds changed. Choose your picks again with "
                        "/jackpot.")
    return "❌ " + _("Nothing was sold: the operator refused the ticket.")


def provider_error_text(exc: ProviderError) -> str:
    if exc.code is ErrorCode.UNAVAILABLE:
        return "❌ " + _("The lottery system is not answering right now. Nothing was sold; "
                        "try again in a moment.")
    if exc.code is ErrorCode.CLOSED_DRAW:
        return "❌ " + _("That jackpot is no longer on sale. /jackpot shows the ones that are.")
    if exc.code is ErrorCode.INVALID_AMOUNT:
        return "❌ " + _("The operator does not accept that price.")
    return "❌ " + _("The betcard changed while you were choosing. Choose your picks again with "
                    "/jackpot.")


def stale_text(ticket: Ticket | None) -> str:
    if ticket is not None and ticket.status is not TicketStatus.REJECTED:
        return _("This jackpot was already sold as ticket {serial}.").format(
            serial=format_serial(ticket.serial))
    return _("This jackpot summary is no longer current. /jackpot starts again.")
