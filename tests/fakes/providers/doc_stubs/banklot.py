"""Seeds 001/002 (Grupo Banklot) and nothing else.

The examples (``banklot_examples.json``: the seed's JSON blocks, the cut-off ones closed where
they stop) are answered word for word: get-data, products, results, the kiosk search's
``{"status": 201, "total": 0}``, the view of ticket 32426439 on 2024-10-22, the last ticket
(until this stub sells one), cancel's "no rows in result set", revert's 401 "ticket already
rejected by user" and create's 409 "events are not open". The valid plays continue the
example's ``001``, ``002``… to ``999``. The HTTP status is the body's ``status``.

Not documented, and chosen here as plainly as the seeds allow: login answers
``{"x_auth_token": …}`` (the seed: "extract the x_auth_token value from the JSON response"); a
missing or wrong token is 403 (the seed: "403 - Forbidden - authentication failure"); a POST
without ``Content-Type: application/json`` (which every operation lists) is 400; a sale answers
201 with the ticket in the view's shape plus ``ticket_uuid``; a cancel answers 200 with the
ticket number and its status; the draws it sells are the products example's own events.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.providers.faults import CARACAS
from tests.fakes.providers.server import Route, SimulatorServer

EXAMPLES = json.loads((Path(__file__).with_name("banklot_examples.json")).read_text("utf-8"))


class BanklotDocStub(SimulatorServer):
    def __init__(self, *, email: str, password: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.email, self.password = email, password
        self.token = f"tok-{uuid.uuid4().hex[:8]}"
        self.logins = 0
        #: what the kiosk search answers (``None``: the seed's example)
        self.kiosk: list[dict[str, Any]] | None = None
        self.tickets: dict[int, dict[str, Any]] = {}
        self.voided: set[int] = set()
        self._number = 40000000
        self._events = {item["event_id"]: (product, item)
                        for product in EXAMPLES["products"]["response"]
                        for item in product["data"]}

    def routes(self) -> Iterable[Route]:
        yield "POST", "/auth/login", "login", self._login
        yield "GET", "/auth/logout", "logout", self._authed(self._logout)
        for path, op in (("/user/ticket", "view"), ("/user/ticket/last", "last"),
                         ("/user/ticket/", "list"), ("/gaming/get-data", "get-data"),
                         ("/user/ticket/cancel", "cancel"), ("/user/ticket/revert", "revert"),
                         ("/user/ticket/create", "create"), ("/gaming/result/0", "results"),
                         ("/gaming/inventory/template", "template"),
                         ("/gaming/events/search/kiosk", "kiosk"),
                         ("/gaming/products/search", "products")):
            yield "POST", path, op, self._authed(getattr(self, "_" + op.replace("-", "_")))

    def sold(self) -> list[int]:
        return [n for n in self.tickets if n not in self.voided]

    # -- plumbing --------------------------------------------------------------------------
    def _authed(self, handler: Any) -> Any:
        async def run(request: web.Request, body: Any) -> web.Response:
            if request.headers.get("x-auth-token") != self.token:
                return _answer({"status": 403, "error": "authentication failure"})
            if request.method == "POST" and request.content_type != "application/json":
                return _answer({"status": 400, "error": "Content-Type must be application/json"})
            return await handler(body if isinstance(body, dict) else {})
        return run

    async def _login(self, request: web.Request, body: Any) -> web.Response:
        if not isinstance(body, dict) or (body.get("email"), body.get("password")) != (
                self.email, self.password):
            return _answer({"status": 403, "error": "authentication failure"})
        self.logins += 1
        return web.json_response({"x_auth_token": self.token})

    async def _logout(self, body: dict[str, Any]) -> web.Response:
        return _answer({"status": 200})

    # -- queries ---------------------------------------------------------------------------
    async def _view(self, body: dict[str, Any]) -> web.Response:
        if (body.get("ticket_number"), body.get("date")) == (32426439, "2024-10-22"):
            return _answer(EXAMPLES["view"])
        ticket = self.tickets.get(body.get("ticket_number"))  # type: ignore[arg-type]
        if ticket is None:
            return _answer(EXAMPLES["cancel_no_rows"])
        return _answer({"status": 201, "response": self._view_of(ticket)})

    async def _last(self, body: dict[str, Any]) -> web.Response:
        if not self.tickets:
            return _answer(EXAMPLES["last"])
        return _answer({"status": 202, "response": self._view_of(list(self.tickets.values())[-1])})

    async def _list(self, body: dict[str, Any]) -> web.Response:
        filters = body.get("filter") or {}
        status = filters.get("status")
        out = [{"id": t["ticket_uuid"], "ticket_number": n, "created_at": t["created_at"],
                "user_id": 864, "email": self.email, "status": self._status(n),
                "total": t["amount"], "prize": 0, "entity_id": 213, "parent_id": 212,
                "entity_name": "test-1", "parent_name": "test"}
               for n, t in self.tickets.items()]
        return _answer({"status": 200, "response": [s for s in out
                                                    if status in (None, s["status"])]})

    async def _get_data(self, body: dict[str, Any]) -> web.Response:
        return _answer(EXAMPLES["get_data"])

    async def _results(self, body: dict[str, Any]) -> web.Response:
        return _answer(EXAMPLES["results"])

    async def _template(self, body: dict[str, Any]) -> web.Response:
        return _answer({"status": 200, "response": [
            {"game_id": 1, "wager": f"{n:03d}", "code": f"{n:03d}"} for n in range(1000)]})

    async def _kiosk(self, body: dict[str, Any]) -> web.Response:
        if self.kiosk is None:
            return _answer(EXAMPLES["kiosk"])
        return _answer({"status": 201, "total": len(self.kiosk), "response": self.kiosk})

    async def _products(self, body: dict[str, Any]) -> web.Response:
        return _answer(EXAMPLES["products"])

    # -- actions ---------------------------------------------------------------------------
    async def _create(self, body: dict[str, Any]) -> web.Response:
        wagers = (body.get("ticket") or {}).get("wagers") or []
        now = self.clock()
        closed = sorted({w.get("event_id") for w in wagers
                         if w.get("event_id") not in self._events
                         or now >= self._draw(w["event_id"])})
        if closed:
            return _answer({"status": 409, "error": "events are not open. closed events: "
                                                    f"[{', '.join(map(str, closed))}]"})
        self._number += 1
        self.tickets[self._number] = {
            "ticket_uuid": str(uuid.uuid4()), "ticket_number": self._number,
            "pin_number": 76479163, "created_at": int(now.timestamp()),
            "amount": sum(int(w["amount"]) for w in wagers), "wagers": wagers}
        return _answer({"status": 201, "response": {
            **self._view_of(self.tickets[self._number]),
            "ticket_uuid": self.tickets[self._number]["ticket_uuid"]}})

    async def _cancel(self, body: dict[str, Any]) -> web.Response:
        number = body.get("ticket_number")
        if number not in self.tickets or number in self.voided:
            return _answer(EXAMPLES["cancel_no_rows"])
        self.voided.add(number)  # type: ignore[arg-type]
        return _answer({"status": 200, "response": {"ticket_number": number,
                                                    "status": "canceled"}})

    async def _revert(self, body: dict[str, Any]) -> web.Response:
        number = body.get("ticket_number")
        if number in self.voided:
            return _answer(EXAMPLES["revert_rejected"])
        return await self._cancel(body)

    # -- helpers ---------------------------------------------------------------------------
    def _draw(self, event_id: int) -> datetime:
        item = self._events[event_id][1]
        return datetime.combine(date.fromisoformat(item["event_date"]),
                                time.fromisoformat(item["event_time"]), tzinfo=CARACAS)

    def _status(self, number: int) -> str:
        return "canceled" if number in self.voided else "sold"

    def _view_of(self, ticket: dict[str, Any]) -> dict[str, Any]:
        wagers = []
        for w in ticket["wagers"]:
            product, item = self._events[w["event_id"]]
            hour = datetime.strptime(item["event_time"], "%H:%M:%S").strftime("%I:%M %p").lower()
            wagers.append({"amount": w["amount"], "current_event_id": w["event_id"],
                           "event_id": w["event_id"], "event_name": product["name"],
                           "game_id": w["game_id"], "list_id": None, "p_event_time": hour,
                           "status": "canceled" if ticket["ticket_number"] in self.voided
                           else "sold", "wager": w["wager"]})
        return {"ticket_number": ticket["ticket_number"], "pin_number": ticket["pin_number"],
                "num_wagers": len(wagers), "entity_id": 213, "parent_id": 212,
                "entity_name": "test-1", "parent_name": "test",
                "created_at": ticket["created_at"], "wagers": wagers,
                "amount": ticket["amount"]}


def _answer(body: dict[str, Any]) -> web.Response:
    return web.json_response(body, status=int(body.get("status", 200)))
