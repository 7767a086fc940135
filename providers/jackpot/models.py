"""Jackpot betcards, a priced selection (``Quote``), and how a selection rides in a ``Wager``.

The Provider protocol sells ``Wager``s, so a jackpot selection is one wager: ``lottery`` = the
betcard code, ``game`` = "jackpot", ``draw`` = when the betcard closes, ``amount`` = the price, and
``number`` = the picks with the odds the player was shown, ``"101:1011@2.10,102:1022@3.20"``
(event id, bet id, odds). Keeping the shown odds is what makes ``odds_diff`` mean something: the
operator refuses the ticket when its odds moved further than that since the player chose.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lottery.plays import Wager

GAME = "jackpot"
CENT = Decimal("0.01")
_PICK = re.compile(r"(\d+):(\d+)@(\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Bet:
    id: int
    name: str
    odds: Decimal


@dataclass(frozen=True)
class JackpotEvent:
    id: int
    name: str
    starts_at: datetime | None
    bets: tuple[Bet, ...]

    def bet(self, bet_id: int) -> Bet | None:
        return next((b for b in self.bets if b.id == bet_id), None)


@dataclass(frozen=True)
class Betcard:
    code: str
    name: str
    open: bool
    closes_at: datetime
    price: Decimal  # the price of one line; a ticket costs a multiple of it
    prize: Decimal
    bonus_prizes: tuple[Decimal, ...]
    wht: Decimal
    ext: Decimal
    ext_type: str
    events: tuple[JackpotEvent, ...]

    def event(self, event_id: int) -> JackpotEvent | None:
        return next((e for e in self.events if e.id == event_id), None)


@dataclass(frozen=True)
class Pick:
    event_id: int
    bet_id: int
    odds: Decimal


@dataclass(frozen=True)
class Quote:
    """What the player is shown before buying; taxes are estimates until the ticket answers."""

    betcard: Betcard
    picks: tuple[Pick, ...]
    price: Decimal
    currency: str
    odds: Decimal
    stake: Decimal
    ext_amount: Decimal
    gross_payout: Decimal
    wht_amount: Decimal
    net_payout: Decimal


def quote(betcard: Betcard, choices: Mapping[int, int], price: Decimal | None, currency: str
          ) -> Quote | str:
    """A priced selection, or why it cannot be one (a short English reason)."""
    price = betcard.price if price is None else price
    if price < betcard.price or price % betcard.price or price != price.quantize(CENT):
        return f"the price must be a multiple of {betcard.price}"
    if sorted(choices) != sorted(e.id for e in betcard.events):
        return "choose one outcome for every event of the betcard"
    picks = []
    odds = Decimal(1)
    for event in betcard.events:
        bet = event.bet(choices[event.id])
        if bet is None:
            return f"no such outcome for event {event.id}"
        picks.append(Pick(event.id, bet.id, bet.odds))
        odds *= bet.odds
    ext = (price * betcard.ext / 100).quantize(CENT, ROUND_HALF_UP) \
        if betcard.ext_type == "price" else Decimal("0.00")
    stake = price - ext
    wht = (max(Decimal(0), betcard.prize - stake) * betcard.wht / 100).quantize(CENT, ROUND_HALF_UP)
    return Quote(betcard, tuple(picks), price, currency, odds.quantize(CENT), stake, ext,
                 betcard.prize, wht, betcard.prize - wht)


def wager_for(q: Quote) -> Wager:
    number = ",".join(f"{p.event_id}:{p.bet_id}@{p.odds.quantize(CENT)}" for p in q.picks)
    return Wager(q.betcard.code, q.betcard.closes_at, GAME, number, None, q.price)


def picks_of(wager: Wager) -> tuple[Pick, ...] | None:
    """The picks a jackpot wager carries, or None when it is not one."""
    if wager.game != GAME:
        return None
    parts = wager.number.split(",")
    matched = [_PICK.fullmatch(p) for p in parts]
    if not parts or not all(matched):
        return None
    return tuple(Pick(int(m[1]), int(m[2]), Decimal(m[3])) for m in matched if m)


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def from_cents(raw: Any) -> Decimal:
    return (Decimal(int(raw or 0)) / 100).quantize(CENT)


def units(raw: Any) -> Decimal:
    """An amount the banca wrote in its draws file, in the currency's units (``"2.00"``)."""
    return Decimal(str(raw or 0)).quantize(CENT)


def betcard_from(item: Mapping[str, Any], parse_time: Any, money: Any = from_cents) -> Betcard:
    """A betcard as the operator lists it (money in cents) or as the banca's draws file writes
    it (``money=units``)."""
    events = tuple(JackpotEvent(
        int(e["id"]), str(e.get("name", "")), parse_time(e["starts"]) if e.get("starts") else None,
        tuple(Bet(int(b["id"]), str(b.get("name", "")), Decimal(str(b["odds"])))
              for b in e.get("bets") or [])) for e in item.get("events") or [])
    return Betcard(
        code=str(item["code"]), name=str(item.get("name", item["code"])),
        open=str(item.get("status", "open")) == "open", closes_at=parse_time(item["closes"]),
        price=money(item.get("price", 0)), prize=money(item.get("prize", 0)),
        bonus_prizes=tuple(money(p) for p in item.get("bonus_prizes") or []),
        wht=Decimal(str(item.get("wht", 0))), ext=Decimal(str(item.get("ext", 0))),
        ext_type=str(item.get("ext_type", "price")), events=events,
    )
