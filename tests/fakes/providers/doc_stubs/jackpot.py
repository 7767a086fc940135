"""Seed 003 (the jackpot operator's ``POST /be/tickets``) and nothing else.

Documented: the one operation, its request fields and types, its answer fields, the statuses
200 / 400 / 403 / 422, ``odds_diff`` and the error text "Ticket odds changed". Not documented,
and chosen here as plainly as the document allows: no way to list betcards or tickets (every
other path is 404); the 400 body carries the text in one of several shapes (``error_shape``);
403 and 422 answer ``{"detail": <the document's words>}``; ``stake`` is the price and there is
no tax; ``approved`` is what ``approve`` says.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from aiohttp import web

from tests.fakes.providers.server import Route, SimulatorServer, ok_json

ODDS_CHANGED = "Ticket odds changed"
#: the 400 body's shape: the document shows none
ERROR_SHAPES = {
    "detail string": lambda text: {"detail": text},
    "error": lambda text: {"error": text},
    "message with a code": lambda text: {"code": 400, "message": text},
    "list of errors": lambda text: {"errors": [{"msg": text}]},
    "detail object": lambda text: {"detail": {"code": "ODDS_CHANGED", "message": text}},
}
#: the request fields and their types, from the document's table
FIELDS: dict[str, tuple[type, ...]] = {
    "operator": (str,), "token": (str,), "price": (int,), "currency": (str,),
    "source": (str,), "type": (str,), "odds_diff": (int, float), "events": (list,),
    "betcard_code": (str,), "prize": (int,), "bonus_prizes": (list,),
}


class JackpotDocStub(SimulatorServer):
    def __init__(self, *, operator: str, token: str, odds: dict[tuple[int, int], str],
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.operator, self.token = operator, token
        #: (event id, bet id) → the odds now
        self.odds = {key: Decimal(value) for key, value in odds.items()}
        self.approve = True
        self.error_shape = "detail string"
        self.tickets: list[dict[str, Any]] = []

    def routes(self) -> Iterable[Route]:
        return [("POST", "/be/tickets", "create", self._create)]

    def approved(self) -> list[dict[str, Any]]:
        return [t for t in self.tickets if t["approved"]]

    async def _create(self, request: web.Request, body: Any) -> web.Response:
        if not _valid(body):
            return web.json_response({"detail": "Validation Error"}, status=422)
        if body["operator"] != self.operator or body["token"] != self.token:
            return web.json_response(
                {"detail": "Forbidden. You do not have access for such request"}, status=403)
        tolerance = Decimal(str(body["odds_diff"]))
        product = Decimal(1)
        for event in body["events"]:
            now = self.odds.get((event["id"], event["bet"]))
            if now is None or abs(now - Decimal(str(event["odds"]))) > tolerance:
                return web.json_response(ERROR_SHAPES[self.error_shape](ODDS_CHANGED),
                                         status=400)
            product *= now
        stamp = self.clock().astimezone().strftime("%Y-%m-%dT%H:%M:%S.%f")
        ticket = {
            "id": f"t-{len(self.tickets) + 1}", "code": f"JP{len(self.tickets) + 1:06d}",
            "price": body["price"], "stake": body["price"], "currency": body["currency"],
            "gross_payout": body["prize"], "net_payout": body["prize"], "wht_amount": 0,
            "wht": 0.0, "ext_amount": 0, "ext": 0.0, "ext_type": "price", "status": "open",
            "result": "pending", "approved": self.approve, "source": body["source"],
            "type": "jackpot", "atag": body.get("atag"), "user_id": "u-1", "created": stamp,
            "operator_time_created": stamp, "updated": stamp, "operator_time_updated": stamp,
            "odds": float(product.quantize(Decimal("0.01"))),
            "betcard_code": body["betcard_code"], "prize": body["prize"],
            "bonus_prizes": body["bonus_prizes"],
        }
        self.tickets.append(ticket)
        return ok_json(ticket)


def _valid(body: Any) -> bool:
    if not isinstance(body, dict) or body.get("type") != "jackpot":
        return False
    if any(not isinstance(body.get(k), types) or isinstance(body.get(k), bool)
           for k, types in FIELDS.items()):
        return False
    return len(body["currency"]) == 3 and all(
        isinstance(e, dict) and isinstance(e.get("id"), int) and isinstance(e.get("bet"), int)
        and isinstance(e.get("odds"), int | float) for e in body["events"])
