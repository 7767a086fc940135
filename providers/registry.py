"""The one place a provider is built: the house banca, or the remote adapter ``PROVIDER`` names.

Each remote adapter is built from its own typed settings (``providers/<name>/settings.py``, read
from ``SOPORTEX_URL``, ``BANKLOT_EMAIL``… by ``bot/settings.py``) plus the two they share:
``PROVIDER_TIMEOUT`` (seconds a call may take) and ``PROVIDER_CATALOG_TTL`` (seconds a provider's
lotteries and draws are kept before they are asked again).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import Catalog
from lottery.clock import Clock
from lottery.controls import LiveControls
from lottery.ticket_codes import PinHasher
from providers.banklot import BanklotProvider
from providers.banklot.settings import BanklotSettings
from providers.base import Provider
from providers.house import HouseProvider
from providers.http import Journal
from providers.jackpot import JackpotProvider
from providers.jackpot.settings import JackpotSettings
from providers.journal_db import DbJournal
from providers.soportex import SoportexProvider
from providers.soportex.settings import SoportexSettings

PROVIDERS = ("house", "soportex", "banklot", "jackpot")


class ProviderConfig(Protocol):
    """What building a provider reads of the bot's settings (``bot.settings.Settings``)."""

    @property
    def provider(self) -> str: ...
    @property
    def provider_timeout(self) -> float: ...
    @property
    def provider_catalog_ttl(self) -> float: ...
    @property
    def soportex(self) -> SoportexSettings: ...
    @property
    def banklot(self) -> BanklotSettings: ...
    @property
    def jackpot(self) -> JackpotSettings: ...


def make_provider(
    settings: ProviderConfig,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
    pin_hasher: PinHasher,
    clock: Clock,
    journal: Journal | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    controls: LiveControls | None = None,
) -> Provider:
    """The provider ``settings.provider`` names. ``catalog`` is the market's base catalog (names,
    aliases, animals, payouts a remote provider does not list). Banklot and jackpot tickets are
    journalled in the database unless ``journal`` says otherwise, so that they are still found
    by reference after a restart (see ``providers.http.exactly_once``); soportex's ticket numbers
are journalled the same way. A missing required
    setting raises ``ValueError`` naming it (``bot.settings.load_settings`` checks first)."""
    name = settings.provider
    if name == "house":
        return HouseProvider(sessionmaker, catalog, pin_hasher=pin_hasher, clock=clock,
                             controls=controls)
    timeout = settings.provider_timeout
    catalog_ttl = timedelta(seconds=settings.provider_catalog_ttl)
    journal = journal or DbJournal(sessionmaker, name)
    if name == "soportex":
        return SoportexProvider.from_settings(settings.soportex, timeout=timeout,
                                              catalog_ttl=catalog_ttl, clock=clock,
                                              catalog=catalog, journal=journal,
                                              transport=transport)
    if name == "banklot":
        return BanklotProvider.from_settings(settings.banklot, timeout=timeout,
                                             catalog_ttl=catalog_ttl, clock=clock,
                                             catalog=catalog, journal=journal,
                                             transport=transport)
    if name == "jackpot":
        return JackpotProvider.from_settings(settings.jackpot, timeout=timeout, clock=clock,
                                             catalog=catalog, journal=journal,
                                             transport=transport)
    raise ValueError(f"unknown provider {name!r}; expected one of {', '.join(PROVIDERS)}")
