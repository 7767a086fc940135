"""Soportex's sorteos and simbolos of one day as we use them: play codes ``ABC`` both ways.

A code names a product (A), a schedule (B) and a sorteo (C). Which of our games a sorteo sells:
sorteo ``A`` of a triple product → ``triple``/``terminal``; ``C`` (astral) → ``triple_sign``/
``terminal_sign``; ``D`` (doble A+B) → ``triple_ab``/``terminal_ab``; ``A`` of an ``animalito``
product → ``animal``. Sorteo ``B`` (the second triple) has no game of ours and is left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from lottery.catalog import Catalog, fold_name
from lottery.plays import Wager
from providers.base import ErrorCode
from providers.http import RemoteLottery, build_catalog
from providers.http.catalog import BuiltCatalog

SORTEO_OF_GAME = {
    "triple": "A", "terminal": "A", "animal": "A",
    "triple_sign": "C", "terminal_sign": "C",
    "triple_ab": "D", "terminal_ab": "D",
}
GAMES_OF_SORTEO = {"A": ("triple", "terminal"), "C": ("triple_sign", "terminal_sign"),
                   "D": ("triple_ab", "terminal_ab")}
#: the error codes per jugada of soportex's document
JUGADA_ERRORS = {"-1": ErrorCode.CLOSED_DRAW, "-2": ErrorCode.INVALID_NUMBER,
                 "-3": ErrorCode.INVALID_AMOUNT, "-4": ErrorCode.SOLD_OUT}
_FORMATS = {
    "triple": re.compile(r"\d{3}"), "terminal": re.compile(r"\d{2}"),
    "triple_ab": re.compile(r"\d{3}-\d{3}"), "terminal_ab": re.compile(r"\d{2}-\d{2}"),
    "triple_sign": re.compile(r"\d{3}"), "terminal_sign": re.compile(r"\d{2}"),
}


@dataclass(frozen=True)
class Sorteo:
    codigo: str
    producto: str
    nombre: str
    tipo: str
    hora: time
    sorteo: str
    abierto: bool


@dataclass(frozen=True)
class Board:
    day: date
    built: BuiltCatalog
    by_key: Mapping[tuple[str, time, str], Sorteo]
    by_code: Mapping[str, Sorteo]
    signs: Mapping[str, str]

    @property
    def catalog(self) -> Catalog:
        return self.built.catalog

    def lottery_of(self, sorteo: Sorteo) -> str | None:
        return self.built.lottery_ids.get(sorteo.producto)

    def sorteo_for(self, wager: Wager) -> Sorteo | None:
        kind = SORTEO_OF_GAME.get(wager.game)
        lottery = self.catalog.get_lottery(wager.lottery)
        if kind is None or lottery is None:
            return None
        local = wager.draw.astimezone(lottery.timezone)
        if local.date() != self.day:
            return None
        return self.by_key.get((wager.lottery, local.time().replace(second=0), kind))

    def numero(self, wager: Wager) -> str | None:
        """The wager's number as soportex's document writes it, or None when it is not one."""
        if wager.game == "animal":
            lottery = self.catalog.get_lottery(wager.lottery)
            return wager.number if lottery and wager.number in lottery.animals else None
        pattern = _FORMATS.get(wager.game)
        if pattern is None or not pattern.fullmatch(wager.number):
            return None
        if wager.game.endswith("_sign"):
            return f"{wager.number}-{wager.sign}" if wager.sign in self.signs.values() else None
        return wager.number

    def wager(self, jugada: Mapping[str, Any], day: date) -> Wager | None:
        """A jugada read back (consultarticket) as our wager; None for a code we do not know."""
        sorteo = self.by_code.get(str(jugada.get("codigo")))
        lottery_id = self.lottery_of(sorteo) if sorteo else None
        if sorteo is None or lottery_id is None:
            return None
        numero, amount = str(jugada.get("numero", "")), Decimal(str(jugada.get("monto", "0")))
        draw = datetime.combine(day, sorteo.hora, tzinfo=self.catalog.lottery(lottery_id).timezone)
        if sorteo.tipo == "animalito":
            return Wager(lottery_id, draw, "animal", numero, None, amount)
        number, _, tail = numero.partition("-")
        if sorteo.sorteo == "C":
            sign = self.signs.get(tail, tail)
            game = "triple_sign" if len(number) == 3 else "terminal_sign"
            return Wager(lottery_id, draw, game, number, sign, amount)
        if sorteo.sorteo == "D":
            return Wager(lottery_id, draw, "triple_ab" if len(number) == 3 else "terminal_ab",
                         numero, None, amount)
        return Wager(lottery_id, draw, "triple" if len(number) == 3 else "terminal", numero, None,
                     amount)


def read_board(base: Catalog, sorteos_body: Mapping[str, Any],
               simbolos_body: Mapping[str, Any]) -> Board:
    """The day's board from the ``sorteos`` and ``simbolos`` answers (KeyError/ValueError when
    they do not have the agreed shape)."""
    day = date.fromisoformat(str(sorteos_body["fecha"]))
    sorteos = [_sorteo(item) for item in sorteos_body["sorteos"]]
    signs: dict[str, str] = {}
    animals: dict[str, tuple[str, ...]] = {}
    for item in simbolos_body.get("simbolos", []):
        group, code, name = (str(item.get(k, "")) for k in ("grupo", "codigo", "nombre"))
        if group.upper() == "SIGNOS":
            signs[code] = name.upper()
        elif group.upper() == "ANIMALITOS":
            animals[code] = (fold_name(name),)
    remote = []
    for producto in dict.fromkeys(s.producto for s in sorteos):
        own = [s for s in sorteos if s.producto == producto]
        games = tuple(dict.fromkeys(g for s in own for g in _games(s)))
        times = tuple(sorted({s.hora for s in own if _games(s)}))
        remote.append(RemoteLottery(
            key=producto, name=own[0].nombre, games=games, times=times,
            animals=animals if own[0].tipo == "animalito" else None,
        ))
    built = build_catalog(base, remote)
    by_key = {}
    for s in sorteos:
        lottery_id = built.lottery_ids.get(s.producto)
        if lottery_id is not None and s.sorteo in ("A", "C", "D"):
            by_key[(lottery_id, s.hora, s.sorteo)] = s
    return Board(day, built, by_key, {s.codigo: s for s in sorteos}, signs)


def _games(sorteo: Sorteo) -> tuple[str, ...]:
    if sorteo.tipo == "animalito":
        return ("animal",) if sorteo.sorteo == "A" else ()
    return GAMES_OF_SORTEO.get(sorteo.sorteo, ())


def _sorteo(item: Mapping[str, Any]) -> Sorteo:
    hour, minute = str(item["hora"]).split(":")[:2]
    return Sorteo(
        codigo=str(item["codigo"]), producto=str(item["producto"]),
        nombre=str(item.get("nombreProducto") or item["producto"]),
        tipo=str(item.get("tipo", "triple")).lower(), hora=time(int(hour), int(minute)),
        sorteo=str(item["sorteo"]).upper(), abierto=str(item.get("estatus", "")) != "cerrado",
    )
