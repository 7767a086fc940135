"""Seed 000 ("API Chance v3.0") and nothing else.

Documented: the request bodies of registrarticket, registrarticketparcial, reversarticket,
consultarticket, ventas and resultados; registrarticket's answer (the example below, verbatim);
the number formats; the jugada error codes -1…-4; the empty token of the test environment; the
URLs of sorteos and simbolos (no body, no answer).

Not documented, and chosen here as plainly as the document allows: a refusal is the top-level
``respuesta`` with the error code and its words as ``mensaje`` (``{"respuesta": "-2",
"mensaje": "numero no es valido"}``); consultarticket and reversarticket answer in
registrarticket's shape; an unknown ticket is ``{"respuesta": "1", "mensaje": "ticket no
existe"}``; resultados is a JSON list of ``{"sorteo", "numero"}``; sorteos and simbolos answer
``{"respuesta": "0", "mensaje": "ok"}`` with nothing the bot could read (the banca's draws file
then lists the codes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from aiohttp import web

from tests.fakes.providers.server import Route, SimulatorServer, ok_json

#: the seed's registrarticket answer, word for word
EXAMPLE_ANSWER = {
    "respuesta": "0",
    "mensaje": "ticket procesado",
    "statusTicket": "0",
    "serialTicket": "12345678",
    "totalTicket": "5.00",
    "jugadas": [{"id": "0", "codigo": "ABC", "numero": "000", "monto": "5.00"}],
}
EXAMPLE_REQUEST = {"token": "12345678", "ticket": "12345678",
                   "jugadas": [{"codigo": "ABC", "numero": "000", "monto": "5.00"}]}
#: "Codigos de error (jugadas)"
ERRORS = {"-1": "sorteo no es valido", "-2": "numero no es valido", "-3": "monto no es valido",
          "-4": "numero agotado"}
#: "Triple + Signo : 123-01 / 123-ARI", "Terminal + Signo : 23-01 / 23-ARI", "Triple A+B :
#: 000-000", "Terminal y Animalito A+B : 00-00", and plain triples, terminals and animals
NUMBER = re.compile(r"\d{2,3}-(\d{2}|[A-Z]{3})|\d{3}-\d{3}|\d{2}-\d{2}|\d{1,3}")
MONTO = re.compile(r"\d+\.\d{2}")


class SoportexDocStub(SimulatorServer):
    def __init__(self, *, token: str, codes: Iterable[str] = ("ABC",), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.token = token
        #: the sorteo codes it sells (the same the banca writes in its draws file)
        self.codes = set(codes)
        #: numbers sold out ("-4 : numero agotado")
        self.agotados: set[str] = set()
        self.tickets: dict[str, dict[str, Any]] = {}
        self.results: dict[tuple[str, str], str] = {}  # (fecha, codigo) -> numero
        self._serial = 12345678

    def routes(self) -> Iterable[Route]:
        for op in ("registrarticket", "registrarticketparcial", "reversarticket",
                   "consultarticket", "resultados", "sorteos", "simbolos"):
            yield "POST", f"/monitor/{op}", op, getattr(self, f"_{op}")

    def sold(self) -> list[dict[str, Any]]:
        return [t for t in self.tickets.values() if t["statusTicket"] == "0"]

    async def _registrarticket(self, request: web.Request, body: Any) -> web.Response:
        return self._register(body, partial=False)

    async def _registrarticketparcial(self, request: web.Request, body: Any) -> web.Response:
        return self._register(body, partial=True)

    def _register(self, body: Any, *, partial: bool) -> web.Response:
        if body == EXAMPLE_REQUEST:
            return ok_json(EXAMPLE_ANSWER)
        jugadas = [{k: str(j.get(k, "")) for k in ("codigo", "numero", "monto")}
                   for j in body.get("jugadas") or [] if isinstance(j, dict)]
        coded = [(self._code(j), j) for j in jugadas]
        good = [j for code, j in coded if code == "0"]
        bad = [code for code, _ in coded if code != "0"]
        if not good or (bad and not partial):
            return ok_json({"respuesta": bad[0] if bad else "-1",
                            "mensaje": ERRORS[bad[0] if bad else "-1"]})
        self._serial += 1
        answer = {"respuesta": "0", "mensaje": "ticket procesado", "statusTicket": "0",
                  "serialTicket": str(self._serial),
                  "totalTicket": f"{sum(Decimal(j['monto']) for j in good):.2f}",
                  "jugadas": [{"id": code if code != "0" else "0", **j} for code, j in coded]}
        if body.get("token") != "":
            self.tickets[str(body.get("ticket"))] = {**answer, "jugadas": [
                {"id": "0", **j} for j in good]}
        return ok_json(answer)

    def _code(self, jugada: dict[str, str]) -> str:
        if jugada["codigo"] not in self.codes:
            return "-1"
        if not NUMBER.fullmatch(jugada["numero"]):
            return "-2"
        if not MONTO.fullmatch(jugada["monto"]):
            return "-3"
        if jugada["numero"].partition("-")[0] in self.agotados:
            return "-4"
        return "0"

    async def _reversarticket(self, request: web.Request, body: Any) -> web.Response:
        ticket = self.tickets.get(str(body.get("ticket")))
        if ticket is None:
            return ok_json({"respuesta": "1", "mensaje": "ticket no existe"})
        ticket["statusTicket"] = "1"
        return ok_json({**ticket, "mensaje": "ticket reversado"})

    async def _consultarticket(self, request: web.Request, body: Any) -> web.Response:
        ticket = self.tickets.get(str(body.get("ticket")))
        if ticket is None:
            return ok_json({"respuesta": "1", "mensaje": "ticket no existe"})
        return ok_json({**ticket, "mensaje": "ticket consultado"})

    async def _resultados(self, request: web.Request, body: Any) -> web.Response:
        fecha, sorteo = str(body.get("fecha")), str(body.get("sorteo") or "")
        return ok_json([{"sorteo": code, "numero": numero}
                        for (day, code), numero in self.results.items()
                        if day == fecha and sorteo in ("", code)])

    async def _sorteos(self, request: web.Request, body: Any) -> web.Response:
        return ok_json({"respuesta": "0", "mensaje": "ok"})

    async def _simbolos(self, request: web.Request, body: Any) -> web.Response:
        return ok_json({"respuesta": "0", "mensaje": "ok"})
