"""Simulator of soportex's document, soportex "API Chance v3.0": ``POST /monitor/<operation>`` with
JSON.

Literal from the seed: the URLs, ``token`` and ``ticket`` (the caller's id) in the body, ``jugadas``
of ``codigo``/``numero``/``monto`` with amounts as strings (``"5.00"``), the answer fields
``respuesta``/``mensaje``/``statusTicket``/``serialTicket``/``totalTicket``, registrarticket all or
nothing and registrarticketparcial with the valid plays, the number formats, errors -1…-4, and the
empty token as test mode. Where the seed is silent this simulator and ``providers.soportex`` share
the assumptions written in ``providers/soportex/__init__.py`` (answer codes, sorteos and simbolos
shapes, statuses, resultados with an empty ``sorteo``, ventas lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from .faults import CARACAS
from .server import Route, SimulatorServer, ok_json
from .world import ANIMAL_HOURS, ANIMALS, PAYOUTS, SIGN_CODES, SIGNS, at, local_day, money, wins

HORARIOS = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TOPES = {"triple": Decimal(100), "terminal": Decimal(400), "triple_sign": Decimal(20),
         "terminal_sign": Decimal(100), "triple_ab": Decimal(10), "terminal_ab": Decimal(20),
         "animal": Decimal(300)}
_MONTO = re.compile(r"\d+\.\d{2}")


@dataclass(frozen=True)
class Product:
    letter: str
    name: str
    tipo: str  # "triple" | "animalito"
    hours: tuple[str, ...]
    sorteos: str  # sorteo letters: A, B (triples), C (astral, with sign), D (doble A+B)


DEFAULT_PRODUCTS = (
    Product("Z", "TRIPLE ZULIA", "triple", ("12:45", "16:45", "19:05"), "ABC"),
    Product("M", "TRIPLE ZAMORANO", "triple", ("10:00", "12:00", "14:00", "16:00", "19:00"), "AC"),
    Product("H", "TRIPLE CHANCE", "triple", ("13:00", "16:30", "19:00"), "ABCD"),
    Product("D", "TRIPLE DORADO", "triple", ("14:00", "18:00"), "A"),
    Product("L", "LOTTO ACTIVO", "animalito", ANIMAL_HOURS, "A"),
)


@dataclass
class Sorteo:
    codigo: str
    product: Product
    horario: str
    hora: str
    sorteo: str


@dataclass
class SimTicket:
    ticket: str
    serial: str
    jugadas: list[dict[str, Any]]
    created: datetime
    test: bool
    status: str = "0"  # 0 vigente, 1 reversado, 2 premiado, 3 pagado, 4 no premiado
    games: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((Decimal(j["monto"]) for j in self.jugadas), Decimal("0.00"))

    @property
    def premio(self) -> Decimal:
        return sum((j.get("_premio", Decimal(0)) for j in self.jugadas), Decimal("0.00"))


class SoportexSimulator(SimulatorServer):
    def __init__(self, *, token: str = "12345678", products: Iterable[Product] = DEFAULT_PRODUCTS,
                 clock: Callable[[], datetime] | None = None, tz: ZoneInfo = CARACAS,
                 close_minutes: int = 5, min_monto: Decimal = Decimal("1.00"),
                 max_monto: Decimal = Decimal("1000.00")) -> None:
        super().__init__(clock=clock)
        self.token = token
        self.tz = tz
        self.close_minutes = close_minutes
        self.min_monto, self.max_monto = min_monto, max_monto
        self.sorteos = {s.codigo: s for s in _sorteos(products)}
        self.results: dict[tuple[date, str], str] = {}
        self._tickets: dict[tuple[bool, str], SimTicket] = {}
        self._serial = 10000000
        self._jugada_id = 0

    # -- what tests look at ----------------------------------------------------------------
    @property
    def tickets(self) -> list[SimTicket]:
        """Tickets booked with the real token (test-mode tickets are not sales)."""
        return [t for t in self._tickets.values() if not t.test]

    @property
    def test_tickets(self) -> list[SimTicket]:
        return [t for t in self._tickets.values() if t.test]

    def booked(self, ticket: str) -> int:
        return sum(1 for t in self.tickets if t.ticket == ticket)

    def code(self, product_letter: str, hora: str, sorteo: str = "A") -> str:
        return next(c for c, s in self.sorteos.items() if s.product.letter == product_letter
                    and s.hora == hora and s.sorteo == sorteo)

    def set_result(self, codigo: str, numero: str, day: date | None = None) -> None:
        """Publish a draw's result and grade the tickets that played it."""
        day = day or local_day(self.clock(), self.tz)
        self.results[(day, codigo)] = numero
        for ticket in self._tickets.values():
            if ticket.status != "0" or local_day(ticket.created, self.tz) != day:
                continue
            for jugada, game in zip(ticket.jugadas, ticket.games, strict=True):
                if jugada["codigo"] == codigo and wins(game, jugada["_numero"], numero):
                    jugada["_premio"] = Decimal(jugada["monto"]) * PAYOUTS[game]
            if all((day, j["codigo"]) in self.results for j in ticket.jugadas):
                ticket.status = "2" if ticket.premio else "4"

    # -- routes ----------------------------------------------------------------------------
    def routes(self) -> Iterable[Route]:
        for name in ("registrarticket", "registrarticketparcial", "reversarticket",
                     "consultarticket", "ventas", "resultados", "sorteos", "simbolos"):
            yield "POST", f"/monitor/{name}", name, getattr(self, f"_{name}")

    async def on_expired_token(self, op: str, request: web.Request, body: Any
                               ) -> web.StreamResponse | None:
        return ok_json({"respuesta": "2", "mensaje": "token no valido"})

    async def on_business_refusal(self, op: str, request: web.Request, body: Any,
                                  handler: Any) -> web.StreamResponse:
        """The issue's example: the error code as the top-level respuesta; nothing booked."""
        return ok_json({"respuesta": "-2", "mensaje": "numero no es valido"})

    def _mode(self, body: Any) -> bool | None:
        """True for test mode (empty token), False for the real token, None when refused."""
        token = body.get("token") if isinstance(body, dict) else None
        if token == "":
            return True
        return False if token == self.token else None

    async def _registrarticket(self, request: web.Request, body: Any) -> web.Response:
        return self._register(body, partial=False)

    async def _registrarticketparcial(self, request: web.Request, body: Any) -> web.Response:
        return self._register(body, partial=True)

    def _register(self, body: Any, *, partial: bool) -> web.Response:
        test = self._mode(body)
        if test is None:
            return ok_json({"respuesta": "2", "mensaje": "token no valido"})
        ticket_id, jugadas = body.get("ticket"), body.get("jugadas")
        if not isinstance(ticket_id, str) or not ticket_id or not isinstance(jugadas, list) \
                or not jugadas:
            return ok_json({"respuesta": "9", "mensaje": "solicitud no valida"})
        if (test, ticket_id) in self._tickets:
            return ok_json({"respuesta": "3", "mensaje": "ticket ya registrado"})
        now = self.clock()
        checked = self._check(jugadas, now)
        good = [c for c in checked if c[0] == "0"]
        if not good or (not partial and len(good) < len(checked)):
            out = [{"id": code, **_public(j)} for code, j, _ in checked]
            return ok_json({"respuesta": "1", "mensaje": "ticket no procesado", "statusTicket": "",
                            "serialTicket": "", "totalTicket": "0.00", "jugadas": out})
        self._serial += 1
        ticket = SimTicket(ticket_id, str(self._serial), [], now, test)
        out = []
        for code, jugada, game in checked:
            if code == "0":
                self._jugada_id += 1
                code = "0" if test else str(self._jugada_id)
                ticket.jugadas.append(jugada)
                ticket.games.append(game)
            out.append({"id": code, **_public(jugada)})
        self._tickets[(test, ticket_id)] = ticket
        return ok_json({"respuesta": "0", "mensaje": "ticket procesado", "statusTicket": "0",
                        "serialTicket": ticket.serial, "totalTicket": money(ticket.total),
                        "jugadas": out})

    def _check(self, jugadas: list[Any], now: datetime) -> list[tuple[str, dict[str, Any], str]]:
        """Per jugada: its code ("0" or -1…-4), the jugada as stored, its game."""
        day = local_day(now, self.tz)
        pending: dict[tuple[str, str], Decimal] = {}
        checked = []
        for raw in jugadas:
            item = raw if isinstance(raw, dict) else {}
            jugada = {k: str(item.get(k, "")) for k in ("codigo", "numero", "monto")}
            sorteo = self.sorteos.get(jugada["codigo"])
            if sorteo is None or now >= self._closes(sorteo, day):
                checked.append(("-1", jugada, ""))
                continue
            game, numero = _classify(sorteo, jugada["numero"])
            if game is None:
                checked.append(("-2", jugada, ""))
                continue
            monto = _monto(jugada["monto"])
            if monto is None or not self.min_monto <= monto <= self.max_monto:
                checked.append(("-3", jugada, game))
                continue
            key = (sorteo.codigo, numero)
            sold = self._sold(day, key) + pending.get(key, Decimal(0)) + monto
            if sold > TOPES[game]:
                checked.append(("-4", jugada, game))
                continue
            pending[key] = pending.get(key, Decimal(0)) + monto
            checked.append(("0", {**jugada, "_numero": numero}, game))
        return checked

    def _sold(self, day: date, key: tuple[str, str]) -> Decimal:
        return sum((Decimal(j["monto"]) for t in self._tickets.values()
                    if t.status != "1" and local_day(t.created, self.tz) == day
                    for j in t.jugadas if (j["codigo"], j["_numero"]) == key), Decimal(0))

    def _closes(self, sorteo: Sorteo, day: date) -> datetime:
        return at(day, sorteo.hora, self.tz) - timedelta(minutes=self.close_minutes)

    async def _reversarticket(self, request: web.Request, body: Any) -> web.Response:
        test = self._mode(body)
        if test is None:
            return ok_json({"respuesta": "2", "mensaje": "token no valido"})
        ticket = self._tickets.get((test, str(body.get("ticket", ""))))
        if ticket is None:
            return ok_json({"respuesta": "4", "mensaje": "ticket no existe"})
        now, day = self.clock(), local_day(ticket.created, self.tz)
        if ticket.status != "0" or any(now >= self._closes(self.sorteos[j["codigo"]], day)
                                       for j in ticket.jugadas):
            return ok_json({"respuesta": "5", "mensaje": "ticket no se puede reversar"})
        ticket.status = "1"
        return ok_json({**self._ticket_fields(ticket), "respuesta": "0",
                        "mensaje": "ticket reversado"})

    async def _consultarticket(self, request: web.Request, body: Any) -> web.Response:
        test = self._mode(body)
        if test is None:
            return ok_json({"respuesta": "2", "mensaje": "token no valido"})
        ticket = self._tickets.get((test, str(body.get("ticket", ""))))
        if ticket is None:
            return ok_json({"respuesta": "4", "mensaje": "ticket no existe"})
        return ok_json({**self._ticket_fields(ticket), "respuesta": "0",
                        "mensaje": "ticket encontrado"})

    def _ticket_fields(self, ticket: SimTicket) -> dict[str, Any]:
        return {
            "statusTicket": ticket.status, "serialTicket": ticket.serial,
            "totalTicket": money(ticket.total), "premioTicket": money(ticket.premio),
            "fechaTicket": ticket.created.astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S"),
            "jugadas": [{"id": "0" if ticket.test else str(i), **_public(j)}
                        for i, j in enumerate(ticket.jugadas, start=1)],
        }

    async def _ventas(self, request: web.Request, body: Any) -> web.Response:
        if self._mode(body) is None:
            return ok_json({"respuesta": "2", "mensaje": "token no valido"})
        try:
            since, until = date.fromisoformat(body["desde"]), date.fromisoformat(body["hasta"])
        except (KeyError, TypeError, ValueError):
            return ok_json({"respuesta": "9", "mensaje": "solicitud no valida"})
        lines: dict[tuple[str, str], list[Decimal]] = {}
        for ticket in self.tickets:
            day = local_day(ticket.created, self.tz)
            if not since <= day <= until:
                continue
            for jugada in ticket.jugadas:
                product = self.sorteos[jugada["codigo"]].product
                line = lines.setdefault((day.isoformat(), product.letter), [Decimal(0)] * 3)
                line[1 if ticket.status == "1" else 0] += Decimal(jugada["monto"])
                line[2] += jugada.get("_premio", Decimal(0))
        names = {s.product.letter: s.product.name for s in self.sorteos.values()}
        return ok_json({"respuesta": "0", "mensaje": "ok", "ventas": [
            {"fecha": day, "producto": letter, "nombreProducto": names[letter],
             "venta": money(v[0]), "anulado": money(v[1]), "premios": money(v[2])}
            for (day, letter), v in sorted(lines.items())]})

    async def _resultados(self, request: web.Request, body: Any) -> web.Response:
        try:
            day = date.fromisoformat(body["fecha"])
        except (KeyError, TypeError, ValueError):
            return ok_json({"respuesta": "9", "mensaje": "solicitud no valida"})
        wanted = str(body.get("sorteo") or "")
        return ok_json({"respuesta": "0", "mensaje": "ok", "resultados": [
            {"codigo": code, "numero": numero} for (d, code), numero in sorted(self.results.items())
            if d == day and wanted in ("", code)]})

    async def _sorteos(self, request: web.Request, body: Any) -> web.Response:
        now = self.clock()
        day = local_day(now, self.tz)
        return ok_json({"respuesta": "0", "mensaje": "ok", "fecha": day.isoformat(), "sorteos": [
            {"codigo": s.codigo, "producto": s.product.letter, "nombreProducto": s.product.name,
             "tipo": s.product.tipo, "horario": s.horario, "hora": s.hora, "sorteo": s.sorteo,
             "estatus": "abierto" if now < self._closes(s, day) else "cerrado"}
            for s in self.sorteos.values()]})

    async def _simbolos(self, request: web.Request, body: Any) -> web.Response:
        signs = [{"grupo": "SIGNOS", "codigo": code, "nombre": sign}
                 for code, sign in SIGN_CODES.items()]
        animals = [{"grupo": "ANIMALITOS", "codigo": n, "nombre": name}
                   for n, name in ANIMALS.items()]
        return ok_json({"respuesta": "0", "mensaje": "ok", "simbolos": signs + animals})


def _sorteos(products: Iterable[Product]) -> Iterable[Sorteo]:
    for product in products:
        for i, hora in enumerate(product.hours):
            for letter in product.sorteos:
                code = f"{product.letter}{HORARIOS[i]}{letter}"
                yield Sorteo(code, product, HORARIOS[i], hora, letter)


def _classify(sorteo: Sorteo, numero: str) -> tuple[str | None, str]:
    if sorteo.product.tipo == "animalito":
        return ("animal", numero) if numero in ANIMALS else (None, numero)
    if sorteo.sorteo in "AB" and re.fullmatch(r"\d{2,3}", numero):
        return ("triple" if len(numero) == 3 else "terminal"), numero
    if sorteo.sorteo == "C":
        match = re.fullmatch(r"(\d{2,3})-([A-Z]{3}|\d{2})", numero)
        if match:
            sign = SIGN_CODES.get(match[2], match[2])
            if sign in SIGNS:
                game = "triple_sign" if len(match[1]) == 3 else "terminal_sign"
                return game, f"{match[1]}-{sign}"
    if sorteo.sorteo == "D":
        if re.fullmatch(r"\d{3}-\d{3}", numero):
            return "triple_ab", numero
        if re.fullmatch(r"\d{2}-\d{2}", numero):
            return "terminal_ab", numero
    return None, numero


def _monto(text: str) -> Decimal | None:
    if not _MONTO.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _public(jugada: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in jugada.items() if not k.startswith("_")}
