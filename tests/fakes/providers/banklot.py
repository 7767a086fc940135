"""Simulator of banklot's documents, Grupo Banklot REST (the English and Spanish texts of one API).

Literal from the seeds: the paths and methods (``/user/ticket`` to view and ``/user/ticket/`` to
list are different URLs), ``POST /auth/login`` answering ``x_auth_token`` and the ``x-auth-token``
header on every other call, the request and answer fields, integer amounts, ``created_at`` as a
Unix timestamp, ``p_event_time`` as ``"12:00 pm"``, the status inside the JSON body (201 view, 202
last, 409 "events are not open. closed events: [18859]", 400 "no rows in result set", 401 "ticket
already rejected by user", 200 "not a winner"). Assumptions shared with ``providers.banklot`` are
written in ``providers/banklot/__init__.py``: business answers come with HTTP 200 and their status
in the body, while a missing or expired token is a real HTTP 401 from the auth layer.
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from PIL import Image

from .banklot_state import GAMES, Event, Product, Ticket, World
from .faults import CARACAS
from .server import Route, SimulatorServer, ok_json
from .world import PAYOUTS

NO_ROWS = "no rows in result set"


class BanklotSimulator(SimulatorServer):
    def __init__(self, *, email: str = "taquilla@banklot.net", password: str = "s3cret-pass",
                 clock: Callable[[], datetime] | None = None, tz: ZoneInfo = CARACAS,
                 products: tuple[Product, ...] | None = None) -> None:
        super().__init__(clock=clock)
        self.email, self.password = email, password
        self.tz = tz
        self.world = World(tz) if products is None else World(tz, products)
        self.tokens: set[str] = set()
        self.issued: list[str] = []
        self.logins = 0

    # -- what tests look at ----------------------------------------------------------------
    @property
    def tickets(self) -> list[Ticket]:
        return list(self.world.tickets)

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def event(self, product_id: int, hour: str, list_id: int | None = 1,
              day: date | None = None) -> Event:
        day = day or self.clock().astimezone(self.tz).date()
        return next(e for e in self.world.events_on(day) if e.product.id == product_id
                    and e.hour == hour and e.list_id == list_id)

    def set_result(self, event: Event, main_result: str) -> None:
        event.result = main_result
        self.world.grade(event)

    # -- routes ----------------------------------------------------------------------------
    def routes(self) -> Iterable[Route]:
        return [
            ("POST", "/auth/login", "login", self._login),
            ("GET", "/auth/logout", "logout", self._authed(self._logout)),
            ("POST", "/user/ticket", "view", self._authed(self._view)),
            ("GET", "/user/ticket/image/{uuid}", "image", self._authed(self._image)),
            ("POST", "/user/ticket/last", "last", self._authed(self._last)),
            ("POST", "/user/ticket/", "list", self._authed(self._list)),
            ("POST", "/user/ticket/pay", "pay", self._authed(self._pay)),
            ("POST", "/user/ticket/copy", "copy", self._authed(self._copy)),
            ("POST", "/user/ticket/cancel", "cancel", self._authed(self._cancel)),
            ("POST", "/user/ticket/revert", "revert", self._authed(self._revert)),
            ("POST", "/user/ticket/create", "create", self._authed(self._create)),
            ("POST", "/gaming/get-data", "get-data", self._authed(self._get_data)),
            ("POST", "/gaming/reports", "reports", self._authed(self._reports)),
            ("POST", "/gaming/result/0", "results", self._authed(self._results)),
            ("POST", "/gaming/inventory/template", "template", self._authed(self._template)),
            ("GET", "/gaming/time", "time", self._authed(self._time)),
            ("POST", "/gaming/events/search/kiosk", "kiosk", self._authed(self._kiosk)),
            ("POST", "/gaming/products/search", "products", self._authed(self._products)),
        ]

    async def on_expired_token(self, op: str, request: web.Request, body: Any) -> None:
        self.expire_tokens()
        return None

    async def on_business_refusal(self, op: str, request: web.Request, body: Any,
                                  handler: Any) -> web.StreamResponse:
        """The seed's business 401 (revert's example), sent with HTTP 401 too; nothing booked."""
        return web.json_response({"status": 401, "error": "ticket already rejected by user"},
                                 status=401)

    def _authed(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        async def check(request: web.Request, body: Any) -> web.StreamResponse:
            if request.headers.get("x-auth-token") not in self.tokens:
                return web.json_response({"status": 401, "error": "invalid or expired jwt"},
                                         status=401)
            if request.method == "POST" and request.content_type != "application/json":
                # every operation of the seeds lists "Content-Type: application/json"
                return ok_json({"status": 400, "error": "content-type must be application/json"})
            return await handler(request, body if isinstance(body, dict) else {})

        return check

    async def _login(self, request: web.Request, body: Any) -> web.Response:
        body = body if isinstance(body, dict) else {}
        if body.get("email") != self.email or body.get("password") != self.password:
            return web.json_response({"status": 401, "error": "invalid credentials"}, status=401)
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        self.issued.append(token)
        self.logins += 1
        return ok_json({"status": 200, "response": {"x_auth_token": token}})

    async def _logout(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        self.tokens.discard(request.headers.get("x-auth-token", ""))
        return ok_json({"status": 200, "response": "logged out"})

    # -- queries ---------------------------------------------------------------------------
    async def _view(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        ticket = self.world.find(body.get("ticket_number"), body.get("date"))
        if ticket is None:
            return ok_json({"status": 400, "error": NO_ROWS})
        return ok_json({"status": 201, "response": self.world.view(ticket)})

    async def _image(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        ticket = next((t for t in self.world.tickets if t.uuid == request.match_info["uuid"]),
                      None)
        if ticket is None:
            return ok_json({"status": 404, "error": NO_ROWS})
        buffer = io.BytesIO()
        Image.new("L", (8 + ticket.number % 8, 16), 255).save(buffer, "PNG")
        return web.Response(body=buffer.getvalue(), content_type="image/png")

    async def _last(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        if not self.world.tickets:
            return ok_json({"status": 400, "error": NO_ROWS})
        return ok_json({"status": 202, "response": self.world.view(self.world.tickets[-1])})

    async def _list(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        filters = body.get("filter") or {}
        span = _span(filters.get("between_created_at"))
        if span is None:
            return ok_json({"status": 400, "error": "between_created_at is required"})
        status = filters.get("status")
        chosen = [t for t in self.world.tickets if span[0] <= t.created <= span[1]
                  and (status is None or t.status == status)]
        descending = any(o.get("value") == "desc" for o in body.get("order_by") or []
                         if isinstance(o, dict)) or (body.get("sort") or {}).get("created_at") == -1
        chosen.sort(key=lambda t: t.created, reverse=descending)
        return ok_json({"status": 200, "response": [self.world.summary(t) for t in chosen]})

    async def _get_data(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        w = self.world
        game_data = [{"amount_multiple": w.amount_multiple, "commission": 10, "game_id": game_id,
                      "max_bet": w.max_bet, "max_permutations": 6, "max_sequence_size": 10,
                      "max_sequences": 2, "min_bet": w.min_bet, "product_id": p.id,
                      "ticket_max_wagers": w.ticket_max_wagers}
                     for p in w.products for game_id in _product_games(p)]
        return ok_json({"status": 200, "response": {
            "entity_id": 213, "name": "test-1", "status": "active",
            "games": sorted({p.category for p in w.products}),
            "entity_data": {"address1": "", "address2": "", "city": "", "municipality": 1,
                            "rif": "1234", "seconds_to_cancel": w.seconds_to_cancel, "state": 3,
                            "ticket_expiration_days": 3, "ticket_footer": "123",
                            "ticket_header": "123", "time_zone": self.tz.key},
            "game_data": game_data}})

    async def _template(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        return ok_json({"status": 200, "response": [
            {"game_id": g, "wager": n, "code": n} for g, n in self.world.valid_plays()]})

    async def _time(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        return ok_json({"status": 200, "response": {"timestamp": int(self.clock().timestamp())}})

    async def _kiosk(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        filters = body.get("filter") or {}
        span = _span(filters.get("between_created_at"))
        if span is None:
            return ok_json({"status": 400, "error": "between_created_at is required"})
        now = self.clock()
        found = [self.world.event_json(e, now) for e in self._events_in(span)
                 if e.product.category == filters.get("game_category", e.product.category)]
        found = [e for e in found if filters.get("status") in (None, e["status"])]
        if not found:
            return ok_json({"status": 201, "total": 0})
        return ok_json({"status": 201, "total": len(found), "response": found})

    async def _products(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        now = self.clock()
        day = now.astimezone(self.tz).date()
        out = []
        for p in self.world.products:
            upcoming = [e for d in (day, day + timedelta(days=1)) for e in self.world.events_on(d)
                        if e.product is p and e.list_id in (1, None) and now < e.closes][:2]
            data = [{"event_date": upcoming[0].day.isoformat(), "event_id": upcoming[0].id,
                     "event_time": f"{upcoming[0].hour}:00",
                     "next_event_date": (upcoming[1] if len(upcoming) > 1 else upcoming[0]
                                         ).day.isoformat(),
                     "next_event_time": f"{upcoming[1].hour}:00" if len(upcoming) > 1 else None}
                    ] if upcoming else []
            out.append({"id": p.id, "name": p.name, "lottery": p.lottery,
                        "lottery_id": p.lottery_id, "status": "active", "quota": p.quota,
                        "game_category": p.category, "lottery_status": "active", "data": data})
        return ok_json({"status": 201, "response": out})

    async def _results(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        span = _span((body.get("filter") or {}).get("between_created_at"))
        if span is None:
            return ok_json({"status": 400, "error": "between_created_at is required"})
        now = self.clock()
        done = [e for e in self._events_in(span) if e.result is not None]
        done.sort(key=lambda e: e.at, reverse=True)
        return ok_json({"status": 200, "response": [self.world.event_json(e, now) for e in done]})

    async def _reports(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        span = _span(body.get("between_timestamp"))
        if span is None:
            return ok_json({"status": 400, "error": "between_timestamp is required"})
        category = body.get("category")
        sale = prize = 0
        for t in self.world.tickets:
            if not span[0] <= t.created <= span[1] or t.status == "canceled":
                continue
            for w in t.wagers:
                event = self.world.event(w["event_id"])
                if event is not None and category in (None, event.product.category):
                    sale += w["amount"]
                    if w["status"] in ("winner", "paid"):
                        prize += int(w["amount"] * _payout(w["game_id"]))
        agency = sale // 10
        return ok_json({"status": 200, "total": {"agency": agency, "balance": sale - prize - agency,
                                                 "parent_balance": 0, "prize": prize,
                                                 "sale": sale}})

    # -- actions ---------------------------------------------------------------------------
    async def _create(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        wagers = (body.get("ticket") or {}).get("wagers")
        if not isinstance(wagers, list) or not wagers:
            return ok_json({"status": 400, "error": "ticket has no wagers"})
        error = self._check_wagers(wagers)
        if error is not None:
            return error
        clean = [{k: w[k] for k in ("amount", "event_id", "game_id", "wager")} for w in wagers]
        ticket = self.world.new_ticket(clean, self.clock())
        return ok_json({"status": 201, "response": {**self.world.view(ticket),
                                                    "ticket_uuid": ticket.uuid}})

    def _check_wagers(self, wagers: list[Any]) -> web.Response | None:
        w, now = self.world, self.clock()
        if len(wagers) > w.ticket_max_wagers:
            return ok_json({"status": 400, "error": "too many wagers"})
        events: list[Event] = []
        for item in wagers:
            event = w.event(item.get("event_id")) if isinstance(item, dict) else None
            if event is None:
                return ok_json({"status": 400, "error": NO_ROWS})
            events.append(event)
        closed = sorted({e.id for e in events if now >= e.closes})
        if closed:
            return ok_json({"status": 409, "error": f"events are not open. closed events: "
                                                     f"[{' '.join(map(str, closed))}]"})
        pending: dict[tuple[int, str], int] = {}
        for item, event in zip(wagers, events, strict=True):
            game_id, wager, amount = item.get("game_id"), str(item.get("wager")), item.get("amount")
            if game_id not in event.games() or not w.valid(game_id, wager):
                return ok_json({"status": 400, "error": f"invalid wager: {wager}"})
            if not isinstance(amount, int) or isinstance(amount, bool) \
                    or not w.min_bet <= amount <= w.max_bet or amount % w.amount_multiple:
                return ok_json({"status": 400, "error": f"invalid amount: {amount}"})
            key = (event.id, wager)
            pending[key] = pending.get(key, 0) + amount
            if w.sold_on(*key) + pending[key] > event.product.quota:
                return ok_json({"status": 400, "error": f"quota exceeded: {wager}"})
        return None

    async def _cancel(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        return self._void(body, window=True)

    async def _revert(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        return self._void(body, window=False)

    def _void(self, body: dict[str, Any], *, window: bool) -> web.Response:
        ticket = self.world.find(body.get("ticket_number"))
        if ticket is None:
            return ok_json({"status": 400, "error": NO_ROWS})
        if ticket.status == "canceled":
            # the seed's body; sent with HTTP 401 too, as a server that mirrors it would
            return web.json_response({"status": 401, "error": "ticket already rejected by user"},
                                     status=401)
        now = self.clock()
        if window and now.timestamp() - ticket.created > self.world.seconds_to_cancel:
            return ok_json({"status": 400, "error": "time to cancel has expired"})
        if ticket.status != "sold" or any(
                now >= e.closes for e in (self.world.event(w["event_id"]) for w in ticket.wagers)
                if e is not None):
            return ok_json({"status": 400, "error": "ticket cannot be canceled"})
        ticket.status = "canceled"
        for wager in ticket.wagers:
            wager["status"] = "canceled"
        return ok_json({"status": 200, "response": {"ticket_number": ticket.number,
                                                    "status": "canceled"}})

    async def _pay(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        ticket = self.world.find(body.get("ticket_number"), body.get("date"))
        if ticket is None:
            return ok_json({"status": 400, "error": NO_ROWS})
        if body.get("pin_number") != ticket.pin:
            return ok_json({"status": 400, "error": "invalid pin"})
        if ticket.status == "paid":
            return ok_json({"status": 400, "error": "ticket already paid"})
        if ticket.status != "winner":
            return ok_json({"status": 200, "error": "not a winner"})
        ticket.status = "paid"
        for wager in ticket.wagers:
            wager["status"] = "paid" if wager["status"] == "winner" else wager["status"]
        return ok_json({"status": 200, "response": {"ticket_number": ticket.number,
                                                    "prize": ticket.prize, "status": "paid"}})

    async def _copy(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        old = self.world.find(body.get("ticket_number"), body.get("date"))
        if old is None:
            return ok_json({"status": 400, "error": NO_ROWS})
        now = self.clock()
        moved = []
        for wager in old.wagers:
            was = self.world.event(wager["event_id"])
            assert was is not None
            day = now.astimezone(self.tz).date()
            nxt = next((e for d in (day, day + timedelta(days=1)) for e in self.world.events_on(d)
                        if e.product is was.product and e.hour == was.hour
                        and e.list_id == was.list_id and now < e.closes), None)
            if nxt is None:
                return ok_json({"status": 409, "error": f"events are not open. closed events: "
                                                         f"[{was.id}]"})
            moved.append({"amount": wager["amount"], "event_id": nxt.id,
                          "game_id": wager["game_id"], "old_event_id": was.id,
                          "wager": wager["wager"]})
        ticket = self.world.new_ticket([{k: v for k, v in m.items() if k != "old_event_id"}
                                        for m in moved], now)
        ticket.copied_from = old.number
        return ok_json({"status": 201, "response": {
            "ticket_uuid": ticket.uuid, "ticket_number": ticket.number,
            "num_wagers": len(moved), "wagers": moved}})

    def _events_in(self, span: tuple[int, int]) -> list[Event]:
        first = datetime.fromtimestamp(span[0], self.tz).date()
        last = datetime.fromtimestamp(span[1], self.tz).date()
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)][:62]
        return [e for d in days for e in self.world.events_on(d)
                if span[0] <= e.at.timestamp() <= span[1]]


def _product_games(product: Product) -> list[int]:
    if not product.lists:
        return [5]
    return [g for g in (1, 2, 3, 4) if (1 if g < 3 else 3) in product.lists]


def _payout(game_id: int) -> int:
    return int(PAYOUTS[GAMES[game_id]])


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _span(raw: Any) -> tuple[int, int] | None:
    """``between_*`` as Unix seconds, from ISO UTC stamps (``...000Z``) or plain dates."""
    if not isinstance(raw, list) or len(raw) != 2:
        return None
    try:
        ends = [datetime.fromisoformat(str(v)) for v in raw]
    except ValueError:
        return None
    ends = [e if e.tzinfo else e.replace(tzinfo=UTC) for e in ends]
    if _ISO.fullmatch(str(raw[1])):
        ends[1] = ends[1] + timedelta(days=1, microseconds=-1)
    return int(ends[0].timestamp()), int(ends[1].timestamp())
