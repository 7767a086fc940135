"""A catalog built from what a provider lists, in our catalog format, so the same parser reads it.

The provider decides which lotteries, draw times and plays exist; the base catalog (the market's
bundled one) lends what people type and what the provider does not say: aliases (``zulia``, ``tz``),
animal names, days, payouts and topes. A provider product matches a base lottery when its name,
folded (case and accents ignored), is that lottery's name or one of its aliases (``TRIPLE ZULIA`` →
``zulia``). Products the base does not know keep a slug of their name as id and get their folded
name, and that name without a leading generic word (``triple``, ``lotto``…), as aliases.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from lottery.catalog import Catalog, Lottery, catalog_from_dict, fold_name

_GENERIC_WORDS = ("triple", "lotto", "loteria", "la", "el", "lottery")
_ANIMAL_GAMES = ("animal", "tripleta")


@dataclass(frozen=True)
class RemoteLottery:
    """One product as the provider lists it; ``key`` is the provider's id for it."""

    key: str
    name: str
    games: tuple[str, ...]
    times: tuple[time, ...]
    #: number → names, when the provider lists its animals.
    animals: Mapping[str, tuple[str, ...]] | None = None
    #: valid animal numbers, when the provider lists numbers only (names come from the base).
    animal_numbers: frozenset[str] | None = None
    close_minutes: int | None = None


@dataclass(frozen=True)
class BuiltCatalog:
    catalog: Catalog
    #: provider key → catalog lottery id
    lottery_ids: Mapping[str, str]

    def key_of(self, lottery_id: str) -> str | None:
        return next((k for k, v in self.lottery_ids.items() if v == lottery_id), None)


def build_catalog(
    base: Catalog,
    remote: Sequence[RemoteLottery],
    *,
    timezone: str | None = None,
    cancel_seconds: int | None = None,
    ticket_expiration_days: int | None = None,
    commission_percent: Decimal | None = None,
    limits: Mapping[str, Any] | None = None,
) -> BuiltCatalog:
    """Our catalog for the provider's products (those with no game or time are left out)."""
    used_aliases: set[str] = set()
    used_ids: set[str] = set()
    animal_sets: dict[str, dict[str, list[str]]] = {}
    lotteries: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    matched = {item.key: _match(base, item.name) for item in remote}
    for lot in matched.values():
        if lot is not None:
            used_aliases.update(lot.aliases)
    for item in remote:
        if not item.games or not item.times:
            continue
        known = matched[item.key]
        if known is not None and known.id in used_ids:
            known = None
        entry = _entry(base, item, known, used_ids, used_aliases, animal_sets)
        if entry is None:
            continue
        used_ids.add(entry["id"])
        ids[item.key] = entry["id"]
        lotteries.append(entry)
    data = {
        "market": base.market,
        "timezone": timezone or base.timezone.key,
        "currency": base.currency,
        "locale": base.locale,
        "close_minutes": base.close_minutes,
        "cancel_seconds": base.cancel_seconds if cancel_seconds is None else cancel_seconds,
        "ticket_expiration_days": base.ticket_expiration_days
        if ticket_expiration_days is None else ticket_expiration_days,
        "commission_percent": str(base.commission_percent if commission_percent is None
                                  else commission_percent),
        "tope": _strs(base.tope),
        "payouts": _strs(base.payouts),
        "limits": {**_base_limits(base), **(limits or {})},
        "animal_sets": animal_sets,
        "lotteries": lotteries,
    }
    return BuiltCatalog(catalog_from_dict(data), MappingProxyType(ids))


def _entry(
    base: Catalog, item: RemoteLottery, known: Lottery | None, used_ids: set[str],
    used_aliases: set[str], animal_sets: dict[str, dict[str, list[str]]],
) -> dict[str, Any] | None:
    lottery_id = known.id if known is not None else _slug(item.name, used_ids)
    if known is not None:
        aliases = list(known.aliases)
    else:
        aliases = [a for a in _derived_aliases(item.name) if a not in used_aliases]
        used_aliases.update(aliases)
        aliases = aliases or [lottery_id]
    games = list(item.games)
    entry: dict[str, Any] = {
        "id": lottery_id,
        "name": known.name if known is not None else item.name.title(),
        "aliases": aliases,
        "times": [t.strftime("%H:%M") for t in item.times],
        "close_minutes": item.close_minutes if item.close_minutes is not None
        else (known.close_minutes if known is not None else base.close_minutes),
    }
    if known is not None:
        entry["days"] = sorted(known.days)
        entry["payouts"] = _strs(known.payouts)
        entry["tope"] = _strs(known.tope)
        if known.digits is not None:
            entry["digits"] = known.digits
    if any(g in _ANIMAL_GAMES for g in games):
        animals = _animals(base, item, known)
        if animals:
            animal_sets[lottery_id] = animals
            entry["animals"] = lottery_id
        else:
            games = [g for g in games if g not in _ANIMAL_GAMES]
    if not games:
        return None
    entry["games"] = games
    return entry


def _animals(base: Catalog, item: RemoteLottery, known: Lottery | None) -> dict[str, list[str]]:
    if item.animals is not None:
        lent = known.animals if known is not None else {}
        return {n: list(dict.fromkeys((*lent.get(n, ()), *names)))
                for n, names in item.animals.items()}
    if known is not None and known.animals:
        names: Mapping[str, tuple[str, ...]] = known.animals
    else:
        names = next(iter(base.animal_sets.values()), {})
    numbers = item.animal_numbers if item.animal_numbers is not None else frozenset(names)
    return {n: list(names.get(n, ())) for n in sorted(numbers, key=_animal_order)}


def _match(base: Catalog, name: str) -> Lottery | None:
    folded = fold_name(name)
    for lot in base.lotteries:
        if folded == fold_name(lot.name) or folded in lot.aliases:
            return lot
    return None


def _derived_aliases(name: str) -> list[str]:
    folded = fold_name(name)
    aliases = [folded]
    words = folded.split()
    if len(words) > 1 and words[0] in _GENERIC_WORDS and len(" ".join(words[1:])) >= 4:
        aliases.append(" ".join(words[1:]))
    return aliases


def _slug(name: str, used: set[str]) -> str:
    words = "".join(c if c.isalnum() else " " for c in fold_name(name)).split()
    slug = "_".join(words) or "lottery"
    candidate, n = slug, 2
    while candidate in used:
        candidate, n = f"{slug}_{n}", n + 1
    return candidate


def _animal_order(number: str) -> tuple[int, int]:
    return (0, -1) if number == "00" else (0, int(number)) if number.isdigit() else (1, 0)


def _strs(mapping: Mapping[str, Decimal]) -> dict[str, str]:
    return {k: str(v) for k, v in mapping.items()}


def _base_limits(base: Catalog) -> dict[str, Any]:
    limits = base.limits
    return {
        "min_bet": None if limits.min_bet is None else str(limits.min_bet),
        "max_bet": None if limits.max_bet is None else str(limits.max_bet),
        "amount_step": None if limits.amount_step is None else str(limits.amount_step),
        "max_wagers": limits.max_wagers,
        "max_series": limits.max_series,
    }
