"""Which adapter ``PROVIDER`` names, built from settings (the lead adds ``house`` here).

Settings (any case): ``PROVIDER_TIMEOUT`` (seconds, default 10), ``PROVIDER_CATALOG_TTL``
(seconds, default 900);
- soportex: ``SOPORTEX_URL`` (default https://api.loteriasoportex.com), ``SOPORTEX_TOKEN``
  (empty = the provider's test mode);
- banklot: ``BANKLOT_URL`` (default https://staging.loterias24.com), ``BANKLOT_EMAIL``,
  ``BANKLOT_PASSWORD``;
- jackpot: ``JACKPOT_URL``, ``JACKPOT_OPERATOR``, ``JACKPOT_TOKEN``, ``JACKPOT_CURRENCY`` (ISO 4217,
  default the catalog's), ``JACKPOT_ODDS_DIFF`` (default 0), ``JACKPOT_SOURCE`` (default web),
  ``JACKPOT_ATAG``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

import httpx

from lottery.catalog import Catalog
from providers.banklot import BanklotProvider
from providers.base import Provider
from providers.http import Journal, setting
from providers.jackpot import JackpotProvider
from providers.soportex import SoportexProvider

REMOTE_PROVIDERS = ("soportex", "banklot", "jackpot")
#: settings whose values must never be printed (register them with the log redactor)
SECRET_SETTINGS = {
    "soportex": ("SOPORTEX_TOKEN",),
    "banklot": ("BANKLOT_EMAIL", "BANKLOT_PASSWORD"),
    "jackpot": ("JACKPOT_TOKEN",),
}


def make_provider(
    name: str,
    settings_like: Mapping[str, str],
    *,
    clock: Callable[[], datetime],
    catalog: Catalog,
    journal: Journal | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Provider:
    """The adapter for ``name``. ``catalog`` is the market's base catalog (names, aliases,
    animals, payouts the provider does not list); ``journal`` should be persistent in production
    so that banklot and jackpot tickets are still found after a restart (see
    ``providers.http.exactly_once``). A missing required setting raises ``ValueError`` naming it."""
    key = name.strip().lower()
    if key == "soportex":
        return SoportexProvider.from_settings(settings_like, clock=clock, catalog=catalog,
                                              transport=transport)
    if key == "banklot":
        return BanklotProvider.from_settings(settings_like, clock=clock, catalog=catalog,
                                             journal=journal, transport=transport)
    if key == "jackpot":
        return JackpotProvider.from_settings(settings_like, clock=clock, catalog=catalog,
                                             journal=journal, transport=transport)
    raise ValueError(f"unknown provider {name!r}; expected one of {', '.join(REMOTE_PROVIDERS)}")


def secret_values(name: str, settings_like: Mapping[str, str]) -> tuple[str, ...]:
    """The configured secrets of a provider, for ``bot.log.register_secrets``."""
    keys = SECRET_SETTINGS.get(name.strip().lower(), ())
    return tuple(v for k in keys if (v := setting(settings_like, k)))
