"""The banca's draws file: lotteries, draws and plays (and jackpot betcards) that a provider's
document gives no way to ask for, or that its server did not answer in a readable shape.

One JSON format for every provider (``docs/providers.md`` has an example per provider); the
adapter reads it again each time it reloads its catalog, so the banca edits it without a restart::

    {"lotteries": [
        {"name": "Triple Zulia", "key": "Z", "close_minutes": 5,
         "games": ["triple", "terminal", "triple_sign", "terminal_sign"],
         "draws": [{"time": "12:45", "ids": {"A": "ZAA", "C": "ZAC"}},
                   {"time": "16:45", "date": "2024-10-23", "ids": {"A": 23311}}]}],
     "betcards": [...]}

``key`` is the provider's id for the product (soportex: the product letter; banklot: the product
id), ``ids`` the provider's id for each part of a draw: ``A`` the triple (or the animal), ``B``
the second triple, ``C`` the astral sign, ``D`` the double A+B (soportex: the sorteo code;
banklot: the event id). A draw without ``date`` is every day's; with one, only that day's.
``betcards`` (jackpot) are described in ``providers/jackpot/models.py``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from providers.base import ProviderUnavailable

GAMES = ("triple", "terminal", "triple_sign", "terminal_sign", "triple_ab", "terminal_ab",
         "animal")
PARTS = ("A", "B", "C", "D")


@dataclass(frozen=True)
class FileDraw:
    time: time
    #: part (A, B, C, D) → the provider's id for it
    ids: Mapping[str, str]
    day: date | None = None


@dataclass(frozen=True)
class FileLottery:
    name: str
    key: str
    games: tuple[str, ...]
    draws: tuple[FileDraw, ...]
    close_minutes: int | None = None

    @property
    def animal(self) -> bool:
        return "animal" in self.games


@dataclass(frozen=True)
class DrawsFile:
    lotteries: tuple[FileLottery, ...]
    betcards: tuple[Mapping[str, Any], ...]


def load_draws_file(path: str | Path | None) -> DrawsFile | None:
    """The file at ``path`` (None when no file is configured); ``ProviderUnavailable`` names
    what is wrong in it, so the log tells the banca which line to fix."""
    if not path:
        return None
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProviderUnavailable(f"draws file {path}: cannot read ({exc.strerror})") from None
    except ValueError as exc:
        raise ProviderUnavailable(f"draws file {path}: not JSON ({exc})") from None
    try:
        return parse_draws(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProviderUnavailable(f"draws file {path}: {exc}") from None


def parse_draws(raw: Any) -> DrawsFile:
    if not isinstance(raw, Mapping):
        raise ValueError("expected an object with 'lotteries' and/or 'betcards'")
    lotteries = tuple(_lottery(i, item) for i, item in enumerate(raw.get("lotteries") or []))
    betcards = raw.get("betcards") or []
    if not isinstance(betcards, list) or not all(isinstance(b, Mapping) for b in betcards):
        raise ValueError("'betcards' must be a list of objects")
    return DrawsFile(lotteries, tuple(betcards))


def _lottery(index: int, item: Any) -> FileLottery:
    where = f"lotteries[{index}]"
    if not isinstance(item, Mapping) or not item.get("name"):
        raise ValueError(f"{where}: needs a 'name'")
    games = tuple(str(g) for g in item.get("games") or ())
    unknown = [g for g in games if g not in GAMES]
    if not games or unknown:
        raise ValueError(f"{where}: 'games' must list some of {', '.join(GAMES)}")
    draws = tuple(_draw(f"{where}.draws[{i}]", d) for i, d in enumerate(item.get("draws") or []))
    if not draws:
        raise ValueError(f"{where}: needs 'draws'")
    close = item.get("close_minutes")
    return FileLottery(name=str(item["name"]), key=str(item.get("key") or item["name"]),
                       games=games, draws=draws,
                       close_minutes=None if close is None else int(close))


def _draw(where: str, item: Any) -> FileDraw:
    if not isinstance(item, Mapping):
        raise ValueError(f"{where}: expected an object")
    try:
        hour = time.fromisoformat(str(item["time"]))
    except (KeyError, ValueError):
        raise ValueError(f"{where}: 'time' must be HH:MM") from None
    ids = item.get("ids")
    if not isinstance(ids, Mapping) or not ids or any(str(k).upper() not in PARTS for k in ids):
        raise ValueError(f"{where}: 'ids' must map parts A, B, C, D to the provider's ids")
    day = item.get("date")
    try:
        when = None if day is None else date.fromisoformat(str(day))
    except ValueError:
        raise ValueError(f"{where}: 'date' must be YYYY-MM-DD") from None
    return FileDraw(hour.replace(second=0, microsecond=0),
                    {str(k).upper(): str(v) for k, v in ids.items()}, when)
