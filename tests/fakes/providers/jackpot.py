"""Simulator of jackpot's document, the jackpot operator API: ``POST /be/tickets`` creates a
jackpot ticket.

Literal from the seed: the request fields (``operator``, ``token``, ``price`` in cents, ISO
4217 ``currency``, ``atag``, ``source``, ``type``: "jackpot", ``odds_diff``, ``events`` of
``id``/``bet``/``odds``, ``betcard_code``, ``prize``, ``bonus_prizes``), the answer fields
(``stake``, ``gross_payout``, ``net_payout``, ``wht``/``wht_amount``,
``ext``/``ext_amount``/``ext_type``, ``status``, ``result``, ``approved``, ``created`` and
``operator_time_created`` as ``2024-01-28T14:33:01.000000``, the product of the odds), and the
statuses 200, 400 (error code in the body; "Ticket odds changed" when an event's odds moved more
than ``odds_diff``), 403 and 422 (validation). What the seed leaves out (listing betcards and
tickets, the error body, the tax arithmetic) follows the assumptions written in
``providers/jackpot/__init__.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from .faults import CARACAS
from .server import Route, SimulatorServer, ok_json

STAMP = "%Y-%m-%dT%H:%M:%S.%f"


@dataclass
class Bet:
    id: int
    name: str
    odds: Decimal


@dataclass
class Event:
    id: int
    name: str
    starts: datetime
    bets: list[Bet]


@dataclass
class Betcard:
    code: str
    name: str
    closes: datetime
    price: int
    prize: int
    bonus_prizes: list[int]
    events: list[Event]
    wht: float = 20.0
    ext: float = 12.5
    ext_type: str = "price"


@dataclass
class Booked:
    ticket: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)


def default_betcards(now: datetime) -> list[Betcard]:
    start = now + timedelta(days=1)
    matches = ("Caracas FC - Deportivo Táchira", "Zamora - Carabobo", "Monagas - Estudiantes")
    events = [Event(101 + i, name, start + timedelta(hours=2 * i), [
        Bet(1000 + 10 * i + 1, "1", Decimal("2.10")), Bet(1000 + 10 * i + 2, "X", Decimal("3.20")),
        Bet(1000 + 10 * i + 3, "2", Decimal("3.50"))]) for i, name in enumerate(matches)]
    return [Betcard("JP3-001", "Jackpot Liga FUTVE", start - timedelta(minutes=5), 100,
                    500_000_00, [50_000_00, 5_000_00], events)]


class JackpotSimulator(SimulatorServer):
    def __init__(self, *, operator: str = "taquilla", token: str = "player-token-0123456789",
                 clock: Callable[[], datetime] | None = None, tz: ZoneInfo = CARACAS,
                 currencies: tuple[str, ...] = ("USD", "VES"), balance: int = 1_000_000_00,
                 betcards: list[Betcard] | None = None) -> None:
        super().__init__(clock=clock)
        self.operator, self.token, self.tz = operator, token, tz
        self.currencies = currencies
        self.balance = balance
        self.betcards = {b.code: b for b in (betcards or default_betcards(self.clock()))}
        self.booked: list[Booked] = []
        self._approve = True
        #: the body of a 400, from (code, message): the seed shows none
        self.error_body: Callable[[str, str], Any] = lambda code, message: {
            "detail": {"code": code, "message": message}}

    @property
    def tickets(self) -> list[dict[str, Any]]:
        """The sales: tickets answered ``approved: false`` are not."""
        return [b.ticket for b in self.booked if b.ticket["approved"]]

    def set_odds(self, event_id: int, bet_id: int, odds: str) -> None:
        for card in self.betcards.values():
            for event in card.events:
                for bet in event.bets:
                    if (event.id, bet.id) == (event_id, bet_id):
                        bet.odds = Decimal(odds)

    def routes(self) -> Iterable[Route]:
        return [("POST", "/be/tickets", "create", self._create),
                ("GET", "/be/tickets", "list", self._list),
                ("GET", "/be/betcards", "betcards", self._betcards)]

    async def on_business_refusal(self, op: str, request: web.Request, body: Any,
                                  handler: Any) -> web.StreamResponse:
        """The ticket is created but answered ``approved: false``."""
        self._approve = False
        try:
            return await handler(request, body)
        finally:
            self._approve = True

    async def on_expired_token(self, op: str, request: web.Request, body: Any
                               ) -> web.StreamResponse | None:
        return web.json_response({"detail": "Forbidden"}, status=403)

    def _bearer_ok(self, request: web.Request) -> bool:
        return (request.headers.get("Authorization") == f"Bearer {self.token}"
                and request.query.get("operator") == self.operator)

    async def _betcards(self, request: web.Request, body: Any) -> web.Response:
        if not self._bearer_ok(request):
            return web.json_response({"detail": "Forbidden"}, status=403)
        now = self.clock()
        return ok_json({"betcards": [_card_json(c, now) for c in self.betcards.values()]})

    async def _list(self, request: web.Request, body: Any) -> web.Response:
        if not self._bearer_ok(request):
            return web.json_response({"detail": "Forbidden"}, status=403)
        newest = sorted(self.booked, key=lambda b: b.ticket["created"], reverse=True)
        return ok_json({"tickets": [{**b.ticket, "events": b.events} for b in newest]})

    async def _create(self, request: web.Request, body: Any) -> web.Response:
        invalid = _validation_errors(body)
        if invalid:
            return web.json_response({"detail": invalid}, status=422)
        if body["operator"] != self.operator or body["token"] != self.token:
            return web.json_response({"detail": "Forbidden"}, status=403)
        card = self.betcards.get(body["betcard_code"])
        now = self.clock()
        refusal = self._refusal(body, card, now)
        if refusal is not None:
            code, message = refusal
            return web.json_response(self.error_body(code, message), status=400)
        assert card is not None
        self.balance -= body["price"]
        ticket = self._ticket(body, card, now)
        self.booked.append(Booked(ticket, [{k: e[k] for k in ("id", "bet", "odds")}
                                           for e in body["events"]]))
        return ok_json(ticket)

    def _refusal(self, body: dict[str, Any], card: Betcard | None, now: datetime
                 ) -> tuple[str, str] | None:
        if card is None:
            return "BETCARD_NOT_FOUND", "Betcard not found"
        if now >= card.closes:
            return "BETCARD_CLOSED", "Betcard is closed"
        if body["currency"] not in self.currencies:
            return "INVALID_CURRENCY", "Invalid currency"
        if body["price"] < card.price or body["price"] % card.price:
            return "INVALID_PRICE", "Invalid price"
        picked = {e["id"]: e for e in body["events"]}
        if sorted(picked) != sorted(e.id for e in card.events) or len(picked) != len(card.events):
            return "INCOMPLETE_BETCARD", "Every event of the betcard needs exactly one bet"
        tolerance = Decimal(str(body["odds_diff"]))
        for event in card.events:
            bet = next((b for b in event.bets if b.id == picked[event.id]["bet"]), None)
            if bet is None:
                return "INVALID_BET", "Invalid bet"
            if abs(bet.odds - Decimal(str(picked[event.id]["odds"]))) > tolerance:
                return "ODDS_CHANGED", "Ticket odds changed"
        if body["prize"] != card.prize or list(body["bonus_prizes"]) != card.bonus_prizes:
            return "PRIZE_CHANGED", "Betcard prize changed"
        if body["price"] > self.balance:
            return "INSUFFICIENT_FUNDS", "Insufficient funds"
        return None

    def _ticket(self, body: dict[str, Any], card: Betcard, now: datetime) -> dict[str, Any]:
        price = body["price"]
        ext_amount = _round(Decimal(price) * Decimal(str(card.ext)) / 100)
        stake = price - ext_amount
        gross = card.prize
        wht_amount = _round(max(Decimal(0), Decimal(gross - stake)) * Decimal(str(card.wht)) / 100)
        odds = Decimal(1)
        for event in card.events:
            odds *= next(b.odds for b in event.bets if b.id == _pick(body, event.id))
        utc = now.astimezone(UTC).strftime(STAMP)
        local = now.astimezone(self.tz).strftime(STAMP)
        return {
            "id": str(uuid.uuid4()), "code": f"JP{len(self.booked) + 1:06d}", "price": price,
            "stake": stake, "currency": body["currency"], "gross_payout": gross,
            "net_payout": gross - wht_amount, "wht_amount": wht_amount, "wht": card.wht,
            "ext_amount": ext_amount, "ext": card.ext, "ext_type": card.ext_type,
            "status": "open", "result": "pending", "approved": self._approve,
            "source": body["source"],
            "type": "jackpot", "atag": body.get("atag"), "user_id": "pam-864", "created": utc,
            "operator_time_created": local, "updated": utc, "operator_time_updated": local,
            "odds": float(odds.quantize(Decimal("0.01"))), "betcard_code": card.code,
            "prize": card.prize, "bonus_prizes": card.bonus_prizes,
        }


def _pick(body: dict[str, Any], event_id: int) -> int:
    return next(e["bet"] for e in body["events"] if e["id"] == event_id)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _card_json(card: Betcard, now: datetime) -> dict[str, Any]:
    return {
        "code": card.code, "name": card.name, "status": "open" if now < card.closes else "closed",
        "closes": card.closes.astimezone(UTC).strftime(STAMP), "price": card.price,
        "prize": card.prize, "bonus_prizes": card.bonus_prizes, "wht": card.wht, "ext": card.ext,
        "ext_type": card.ext_type,
        "events": [{"id": e.id, "name": e.name, "starts": e.starts.astimezone(UTC).strftime(STAMP),
                    "bets": [{"id": b.id, "name": b.name, "odds": float(b.odds)} for b in e.bets]}
                   for e in card.events],
    }


_FIELDS: dict[str, tuple[type, ...]] = {
    "operator": (str,), "token": (str,), "price": (int,), "currency": (str,), "source": (str,),
    "type": (str,), "odds_diff": (int, float), "events": (list,), "betcard_code": (str,),
    "prize": (int,), "bonus_prizes": (list,),
}


def _validation_errors(body: Any) -> list[dict[str, Any]]:
    """FastAPI-style 422 details for a body that is not the seed's shape."""
    if not isinstance(body, dict):
        return [{"loc": ["body"], "msg": "Input should be a valid dictionary", "type": "dict_type"}]
    errors = []
    for name, kinds in _FIELDS.items():
        value = body.get(name)
        if value is None or isinstance(value, bool) or not isinstance(value, kinds):
            errors.append({"loc": ["body", name], "msg": "Field required" if value is None
                           else "Input should be valid", "type": "missing" if value is None
                           else "type_error"})
    if not errors:
        if body["type"] != "jackpot" or len(body["currency"]) != 3:
            errors.append({"loc": ["body", "type" if body["type"] != "jackpot" else "currency"],
                           "msg": "Input should be valid", "type": "value_error"})
        for i, event in enumerate(body["events"]):
            if not isinstance(event, dict) or not all(
                    isinstance(event.get(k), int) and not isinstance(event.get(k), bool)
                    for k in ("id", "bet")) or not isinstance(event.get("odds"), int | float):
                errors.append({"loc": ["body", "events", i], "msg": "Input should be valid",
                               "type": "value_error"})
    return errors
