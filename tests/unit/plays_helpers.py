"""Test helpers for the plays parser: bundled catalogs, a fixed "now", compact wager strings."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from lottery.catalog import Catalog, bundled_catalog_path, load_catalog
from lottery.plays import ParseResult, Wager, parse_message

#: Monday 23 Nov 2026, 09:30 in Caracas (every Venezuelan draw of the day still open).
NOW_VE = datetime.fromisoformat("2026-11-23T09:30:00-04:00")
#: Same Monday, 11:00 in Costa Rica.
NOW_CR = datetime.fromisoformat("2026-11-23T11:00:00-06:00")


@cache
def catalog(market: str = "ve") -> Catalog:
    return load_catalog(bundled_catalog_path(market))


def parse(text: str, market: str = "ve", now: datetime | str | None = None,
          default_lottery: str | None = None) -> ParseResult:
    if isinstance(now, str):
        now = datetime.fromisoformat(now)
    if now is None:
        now = NOW_VE if market == "ve" else NOW_CR
    return parse_message(text, catalog(market), now, default_lottery=default_lottery)


def compact(wager: Wager) -> str:
    """``zulia 11-23 12:45 triple 123 5.00`` (``123-ARI`` for signs)."""
    number = f"{wager.number}-{wager.sign}" if wager.sign else wager.number
    return (f"{wager.lottery} {wager.draw:%m-%d %H:%M} {wager.game} {number} "
            f"{wager.amount:.2f}")


def wagers(text: str, market: str = "ve", now: datetime | str | None = None) -> list[str]:
    """The message's wagers as sorted compact strings (the order of wagers is not part of it)."""
    return sorted(compact(w) for w in parse(text, market, now).wagers)


def errors(text: str, market: str = "ve", now: datetime | str | None = None
           ) -> list[tuple[int, str]]:
    """The message's errors as (line, code)."""
    return [(e.line, e.code) for e in parse(text, market, now).errors]
