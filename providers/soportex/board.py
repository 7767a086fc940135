"""Soportex's sorteos and simbolos of one day as we use them: play codes ``ABC`` both ways.

The document gives only the URLs of ``sorteos`` and ``simbolos``, so their answers are read in
every plausible shape: a JSON list or an object (with or without ``fecha``: without it the board
is today's), fields under their usual names in Spanish or English, a code's parts taken from the
code itself (``A: producto, B: horario, C: sorteo``) when a field is missing; signs by code,
name in any case, or ``01``–``12``. When nothing readable comes back the banca's draws file
(``providers.http.draws_file``) gives the sorteo codes instead.

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
from lottery.plays.vocab import SIGN_CODES, SIGN_NAMES, SIGNS
from providers.base import ErrorCode
from providers.http import RemoteLottery, build_catalog
from providers.http.catalog import BuiltCatalog
from providers.http.draws_file import DrawsFile

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
        if wager.game.endswith("_sign"):  # the document: 123-01 / 123-ARI
            return f"{wager.number}-{wager.sign}" if wager.sign in SIGNS else None
        return wager.number

    def sign(self, text: str) -> str:
        """Our code (``ARI``) for a sign as soportex wrote it (``01``, ``ARI``, ``Aries``)."""
        return sign_code(text) or self.signs.get(text) or text

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
            sign = self.sign(tail)
            game = "triple_sign" if len(number) == 3 else "terminal_sign"
            return Wager(lottery_id, draw, game, number, sign, amount)
        if sorteo.sorteo == "D":
            return Wager(lottery_id, draw, "triple_ab" if len(number) == 3 else "terminal_ab",
                         numero, None, amount)
        return Wager(lottery_id, draw, "triple" if len(number) == 3 else "terminal", numero, None,
                     amount)


_ENGLISH_SIGNS = ("aries", "taurus", "gemini", "cancer", "leo", "virgo", "libra", "scorpio",
                  "sagittarius", "capricorn", "aquarius", "pisces")
_SIGN_WORDS = {**{n: c for n, c in zip(SIGN_NAMES, SIGNS, strict=True)},
               **{n: c for n, c in zip(_ENGLISH_SIGNS, SIGNS, strict=True)},
               **{c.lower(): c for c in SIGNS}}
_FIELDS = {
    "codigo": ("codigo", "code", "cod", "codigoSorteo", "idSorteo", "id"),
    "producto": ("producto", "product", "codigoProducto", "idProducto"),
    "nombre": ("nombreProducto", "nombre", "name", "descripcion", "producto"),
    "tipo": ("tipo", "type", "categoria", "category"),
    "hora": ("hora", "horaSorteo", "time", "hour", "horario"),
    "sorteo": ("sorteo", "letra", "tipoSorteo"),
    "estatus": ("estatus", "status", "estado", "abierto"),
}
_CLOSED = ("cerrado", "closed", "inactivo", "inactive", "false", "0", "no")


def sign_code(text: str) -> str | None:
    """``ARI`` for ``ARI``, ``ari``, ``Aries``, ``ARIES``, ``01`` or ``1``; None otherwise."""
    folded = fold_name(text)
    if folded.isdigit():
        return SIGN_CODES.get(f"{int(folded):02d}")
    return _SIGN_WORDS.get(folded)


def read_board(base: Catalog, sorteos_body: object, simbolos_body: object, today: date
               ) -> Board:
    """The board from the ``sorteos`` and ``simbolos`` answers, in any shape listed above
    (ValueError when no sorteo can be read: the caller falls back to the draws file)."""
    day = today
    if isinstance(sorteos_body, Mapping) and sorteos_body.get("fecha"):
        try:
            day = date.fromisoformat(str(sorteos_body["fecha"])[:10])
        except ValueError:
            day = today
    sorteos = [s for item in items_of(sorteos_body, "sorteos") if (s := _sorteo(item))]
    if not sorteos:
        raise ValueError("sorteos: nothing readable")
    signs, animals = _simbolos(simbolos_body)
    return _board(base, day, sorteos, signs, animals)


def board_from_file(base: Catalog, draws: DrawsFile, today: date, simbolos_body: object = None
                    ) -> Board:
    """Today's board from the banca's draws file (a draw with a ``date`` only on that day)."""
    sorteos = []
    for lottery in draws.lotteries:
        tipo = "animalito" if lottery.animal else "triple"
        for draw in lottery.draws:
            if draw.day not in (None, today):
                continue
            sorteos += [Sorteo(codigo=code, producto=lottery.key, nombre=lottery.name, tipo=tipo,
                               hora=draw.time, sorteo=part, abierto=True)
                        for part, code in draw.ids.items()]
    signs, animals = _simbolos(simbolos_body)
    return _board(base, today, sorteos, signs, animals)


def _board(base: Catalog, day: date, sorteos: list[Sorteo], signs: dict[str, str],
           animals: dict[str, tuple[str, ...]]) -> Board:
    remote = []
    for producto in dict.fromkeys(s.producto for s in sorteos):
        own = [s for s in sorteos if s.producto == producto]
        games = tuple(dict.fromkeys(g for s in own for g in _games(s)))
        times = tuple(sorted({s.hora for s in own if _games(s)}))
        remote.append(RemoteLottery(
            key=producto, name=own[0].nombre, games=games, times=times,
            animals=(animals or None) if own[0].tipo == "animalito" else None,
        ))
    built = build_catalog(base, remote)
    by_key = {}
    for s in sorteos:
        lottery_id = built.lottery_ids.get(s.producto)
        if lottery_id is not None and s.sorteo in ("A", "C", "D"):
            by_key[(lottery_id, s.hora, s.sorteo)] = s
    return Board(day, built, by_key, {s.codigo: s for s in sorteos}, signs)


def items_of(body: object, name: str) -> list[Mapping[str, Any]]:
    """The list an answer carries: itself, its ``name`` key, or its first list of objects."""
    if isinstance(body, Mapping):
        found = body.get(name)
        if not isinstance(found, list):
            found = next((v for v in body.values() if isinstance(v, list)
                          and any(isinstance(i, Mapping) for i in v)), [])
        body = found
    return [i for i in body if isinstance(i, Mapping)] if isinstance(body, list) else []


def _field(item: Mapping[str, Any], name: str) -> str:
    for key in _FIELDS[name]:
        for candidate in (key, key.lower()):
            value = item.get(candidate)
            if value is not None and value != "":
                return str(value)
    return ""


def _hour(item: Mapping[str, Any]) -> time | None:
    for key in _FIELDS["hora"]:
        text = str(item.get(key) or "").strip().upper()
        match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?\s*([AP]\.?M\.?)?", text)
        if match:
            hour, minute = int(match[1]), int(match[2])
            if match[3]:
                hour = hour % 12 + (12 if match[3].startswith("P") else 0)
            if hour < 24 and minute < 60:
                return time(hour, minute)
    return None


def _sorteo(item: Mapping[str, Any]) -> Sorteo | None:
    codigo, hora = _field(item, "codigo"), _hour(item)
    if not codigo or hora is None:
        return None
    producto = _field(item, "producto") or codigo[0]
    letter = _field(item, "sorteo").upper()
    if letter not in ("A", "B", "C", "D"):
        letter = codigo[-1].upper() if len(codigo) == 3 and codigo[-1].upper() in "ABCD" else "A"
    status = next((item[k] for k in _FIELDS["estatus"] if item.get(k) is not None), None)
    abierto = status is None or str(status).strip().lower() not in _CLOSED
    tipo = _field(item, "tipo").lower()
    return Sorteo(codigo=codigo, producto=producto, nombre=_field(item, "nombre") or producto,
                  tipo="animalito" if "animal" in tipo else "triple", hora=hora,
                  sorteo=letter, abierto=abierto)


def _simbolos(body: object) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Provider sign codes → ours (``01`` → ``ARI``), and animal numbers → names."""
    signs: dict[str, str] = {}
    animals: dict[str, tuple[str, ...]] = {}
    for item in items_of(body, "simbolos"):
        group = str(item.get("grupo") or item.get("group") or item.get("tipo") or "").upper()
        code = str(item.get("codigo") or item.get("code") or "")
        name = str(item.get("nombre") or item.get("name") or "")
        ours = sign_code(name) or sign_code(code)
        if group.startswith("SIGN") or (not group.startswith("ANIMAL") and ours):
            if ours and code:
                signs[code] = ours
        elif code and name:
            animals[code] = (fold_name(name),)
    return signs, animals


def _games(sorteo: Sorteo) -> tuple[str, ...]:
    if sorteo.tipo == "animalito":
        return ("animal",) if sorteo.sorteo == "A" else ()
    return GAMES_OF_SORTEO.get(sorteo.sorteo, ())

