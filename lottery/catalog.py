"""The lottery catalog: which lotteries a market sells, their games, draws, limits and payouts.

A catalog is read once from JSON (the format of ``corpus/catalog-*.json``) into frozen objects, so
every part of the bot (parser, schedule, sales, limits) reads the same validated data. Catalogs and
lotteries compare by identity: they are loaded once and shared, and identity makes them cheap keys
for the per-catalog lookup tables the parser builds.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DATA_DIR = Path(__file__).resolve().parent / "data"
MARKETS = ("ve", "cr")
GAMES = (
    "triple", "terminal", "triple_sign", "terminal_sign", "triple_ab", "terminal_ab",
    "animal", "tripleta", "tiempo", "reventado",
)
ALL_DAYS = frozenset(range(1, 8))


class CatalogError(ValueError):
    """The catalog file is not a valid catalog; the message says where."""


def fold_name(text: str) -> str:
    """Lower case, no accents, single spaces: how names are matched (``Táchira`` = ``tachira``)."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(bare.lower().split())


@dataclass(frozen=True)
class Limits:
    """Per-ticket limits that sales enforce (the parser ignores them)."""

    min_bet: Decimal | None = None
    max_bet: Decimal | None = None
    amount_step: Decimal | None = None
    max_wagers: int | None = None
    max_series: int = 100


@dataclass(frozen=True, eq=False)
class Lottery:
    id: str
    name: str
    aliases: tuple[str, ...]
    games: tuple[str, ...]
    times: tuple[time, ...]
    timezone: ZoneInfo
    close_minutes: int
    days: frozenset[int] = ALL_DAYS
    digits: int | None = None
    animal_set: str | None = None
    animals: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    payouts: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    tope: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    #: Draws the banca suspended or closed early (``lottery.controls.effective_catalog``): the
    #: next draw a line falls on skips them; a line naming one is refused with the reason.
    stopped: frozenset[datetime] = frozenset()
    _animal_by_name: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )

    def has_game(self, game: str) -> bool:
        return game in self.games

    def draws_on_weekday(self, isoweekday: int) -> bool:
        return isoweekday in self.days

    def animal_number(self, written: str) -> str | None:
        """The animal's number for a name (any case/accents) or a number (``05`` → ``5``)."""
        key = fold_name(written)
        if key in self.animals:
            return key
        if len(key) == 2 and key[0] == "0" and key[1:] in self.animals:
            return key[1:]
        return self._animal_by_name.get(key)

    def animal_names(self, number: str) -> tuple[str, ...]:
        return self.animals.get(number, ())

    def animal_label(self, number: str) -> str:
        """A name to show for an animal: the accented spelling when the catalog has one."""
        names = self.animals.get(number, ())
        if not names:
            return number
        return next((n for n in names if not n.isascii()), names[0])


@dataclass(frozen=True, eq=False)
class Catalog:
    market: str
    timezone: ZoneInfo
    currency: str
    locale: str
    close_minutes: int
    lotteries: tuple[Lottery, ...]
    cancel_seconds: int = 0
    ticket_expiration_days: int = 0
    commission_percent: Decimal = Decimal(0)
    tope: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    limits: Limits = field(default_factory=Limits)
    payouts: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    animal_sets: Mapping[str, Mapping[str, tuple[str, ...]]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    _by_id: Mapping[str, Lottery] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )
    #: Lookup tables other modules derive from the catalog once (e.g. the parser's vocabulary),
    #: keyed by the module that builds them. Not part of what the catalog says.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def lottery(self, lottery_id: str) -> Lottery:
        """The lottery with this catalog id, for ids the code took from this catalog (a parsed
        wager, a draw row of this market); ``KeyError`` when there is none, which is a bug."""
        return self._by_id[lottery_id]

    def get_lottery(self, name: str) -> Lottery | None:
        """The lottery ``name`` names, or None: for ids that may not be this catalog's (a stored
        ticket, another provider's catalog) and for what people type (``/resultados Táchira``):
        an id, or any alias with case and accents ignored."""
        found = self._by_id.get(name)
        if found is not None:
            return found
        key = fold_name(name)
        return next((lot for lot in self.lotteries if key == lot.id or key in lot.aliases), None)

    @property
    def lottery_ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)


def bundled_catalog_path(market: str) -> Path:
    """The catalog shipped with the package for a market (``"ve"`` or ``"cr"``)."""
    key = market.lower()
    if key not in MARKETS:
        raise CatalogError(f"unknown market {market!r}; expected one of {', '.join(MARKETS)}")
    return DATA_DIR / f"catalog-{key}.json"


def load_catalog(path: str | Path) -> Catalog:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read catalog: {exc}") from exc
    return catalog_from_dict(raw)


def catalog_from_dict(data: Mapping[str, Any]) -> Catalog:
    if not isinstance(data, Mapping):
        raise CatalogError("catalog: expected a JSON object")
    tz = _zone(data.get("timezone"), "timezone")
    close = _int(data.get("close_minutes", 0), "close_minutes")
    payouts = _decimal_map(data.get("payouts", {}), "payouts")
    tope = _decimal_map(data.get("tope", {}), "tope")
    sets = _animal_sets(data.get("animal_sets", {}))
    raw_lotteries = data.get("lotteries")
    if not isinstance(raw_lotteries, list) or not raw_lotteries:
        raise CatalogError("lotteries: expected a non-empty list")
    lotteries = tuple(
        _lottery(item, i, tz=tz, close=close, payouts=payouts, tope=tope, sets=sets)
        for i, item in enumerate(raw_lotteries)
    )
    by_id: dict[str, Lottery] = {}
    alias_owner: dict[str, str] = {}
    for lot in lotteries:
        if lot.id in by_id:
            raise CatalogError(f"lotteries: duplicate id {lot.id!r}")
        by_id[lot.id] = lot
        for alias in lot.aliases:
            owner = alias_owner.setdefault(alias, lot.id)
            if owner != lot.id:
                raise CatalogError(f"alias {alias!r} names both {owner!r} and {lot.id!r}")
    return Catalog(
        market=str(data.get("market", "")),
        timezone=tz,
        currency=str(data.get("currency", "")),
        locale=str(data.get("locale", "es")),
        close_minutes=close,
        lotteries=lotteries,
        cancel_seconds=_int(data.get("cancel_seconds", 0), "cancel_seconds"),
        ticket_expiration_days=_int(data.get("ticket_expiration_days", 0),
                                    "ticket_expiration_days"),
        commission_percent=_decimal(data.get("commission_percent", 0), "commission_percent"),
        tope=tope,
        limits=_limits(data.get("limits", {})),
        payouts=payouts,
        animal_sets=MappingProxyType(sets),
        _by_id=MappingProxyType(by_id),
    )


def _lottery(
    item: Any, index: int, *, tz: ZoneInfo, close: int, payouts: Mapping[str, Decimal],
    tope: Mapping[str, Decimal], sets: Mapping[str, Mapping[str, tuple[str, ...]]],
) -> Lottery:
    where = f"lotteries[{index}]"
    if not isinstance(item, Mapping):
        raise CatalogError(f"{where}: expected an object")
    lottery_id = item.get("id")
    if not isinstance(lottery_id, str) or not lottery_id:
        raise CatalogError(f"{where}.id: expected a non-empty string")
    where = f"lottery {lottery_id!r}"
    aliases = tuple(dict.fromkeys(fold_name(a) for a in _strings(item.get("aliases", []), where)))
    if not aliases:
        aliases = (fold_name(lottery_id),)
    games = tuple(_strings(item.get("games", []), f"{where}.games"))
    unknown = [g for g in games if g not in GAMES]
    if unknown:
        raise CatalogError(f"{where}.games: unknown game(s) {', '.join(unknown)}")
    times = tuple(sorted({_time(t, f"{where}.times") for t in item.get("times", [])}))
    days_raw = item.get("days")
    days = ALL_DAYS if days_raw is None else frozenset(_int(d, f"{where}.days") for d in days_raw)
    if not days <= ALL_DAYS:
        raise CatalogError(f"{where}.days: ISO weekdays go from 1 (Monday) to 7")
    digits = item.get("digits")
    if digits is not None:
        digits = _int(digits, f"{where}.digits")
    if "tiempo" in games and not digits:
        raise CatalogError(f"{where}: a tiempo lottery needs 'digits'")
    set_name = item.get("animals")
    animals: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    if set_name is not None:
        if set_name not in sets:
            raise CatalogError(f"{where}.animals: no animal set {set_name!r}")
        animals = sets[set_name]
    elif "animal" in games or "tripleta" in games:
        raise CatalogError(f"{where}: an animal lottery needs 'animals'")
    by_name = {fold_name(name): number for number, names in animals.items() for name in names}
    merged = dict(payouts)
    merged.update(_decimal_map(item.get("payouts", {}), f"{where}.payouts"))
    merged_tope = dict(tope)
    merged_tope.update(_decimal_map(item.get("tope", {}), f"{where}.tope"))
    return Lottery(
        id=lottery_id,
        name=str(item.get("name", lottery_id)),
        aliases=aliases,
        games=games,
        times=times,
        timezone=_zone(item["timezone"], f"{where}.timezone") if "timezone" in item else tz,
        close_minutes=_int(item.get("close_minutes", close), f"{where}.close_minutes"),
        days=days,
        digits=digits,
        animal_set=set_name,
        animals=animals,
        payouts=MappingProxyType(merged),
        tope=MappingProxyType(merged_tope),
        _animal_by_name=MappingProxyType(by_name),
    )


def _animal_sets(raw: Any) -> dict[str, Mapping[str, tuple[str, ...]]]:
    if not isinstance(raw, Mapping):
        raise CatalogError("animal_sets: expected an object")
    sets: dict[str, Mapping[str, tuple[str, ...]]] = {}
    for name, members in raw.items():
        if not isinstance(members, Mapping):
            raise CatalogError(f"animal_sets.{name}: expected an object")
        sets[name] = MappingProxyType({
            str(number): tuple(_strings(names, f"animal_sets.{name}.{number}"))
            for number, names in members.items()
        })
    return sets


def _limits(raw: Any) -> Limits:
    if not isinstance(raw, Mapping):
        raise CatalogError("limits: expected an object")

    def amount(key: str) -> Decimal | None:
        return None if raw.get(key) is None else _decimal(raw[key], f"limits.{key}")

    return Limits(
        min_bet=amount("min_bet"),
        max_bet=amount("max_bet"),
        amount_step=amount("amount_step"),
        max_wagers=None if raw.get("max_wagers") is None
        else _int(raw["max_wagers"], "limits.max_wagers"),
        max_series=_int(raw.get("max_series", 100), "limits.max_series"),
    )


def _strings(raw: Any, where: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        raise CatalogError(f"{where}: expected a list of strings")
    return raw


def _zone(raw: Any, where: str) -> ZoneInfo:
    try:
        return ZoneInfo(str(raw))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CatalogError(f"{where}: unknown time zone {raw!r}") from exc


def _time(raw: Any, where: str) -> time:
    try:
        hour, minute = str(raw).split(":")
        return time(int(hour), int(minute))
    except ValueError as exc:
        raise CatalogError(f"{where}: expected HH:MM, got {raw!r}") from exc


def _int(raw: Any, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise CatalogError(f"{where}: expected an integer, got {raw!r}")
    try:
        return int(raw)
    except ValueError as exc:
        raise CatalogError(f"{where}: expected an integer, got {raw!r}") from exc


def _decimal(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | str | float):
        raise CatalogError(f"{where}: expected a number, got {raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise CatalogError(f"{where}: expected a number, got {raw!r}") from exc
    if not value.is_finite():
        raise CatalogError(f"{where}: expected a finite number, got {raw!r}")
    return value


def _decimal_map(raw: Any, where: str) -> Mapping[str, Decimal]:
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{where}: expected an object")
    return MappingProxyType({str(k): _decimal(v, f"{where}.{k}") for k, v in raw.items()})
