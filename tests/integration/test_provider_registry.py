"""``PROVIDER=house|soportex|banklot|jackpot``: the one ``make_provider`` builds each provider,
every remote adapter from its own typed settings, read from the environment names people set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings, load_settings
from lottery.ticket_codes import PinHasher
from providers.banklot import BanklotProvider
from providers.base import Provider, TicketState
from providers.house import HouseProvider
from providers.jackpot import JackpotProvider
from providers.registry import make_provider
from providers.soportex import SoportexProvider
from storage.db import make_engine, make_sessionmaker
from storage.models import ProviderJournalEntry
from tests.fakes.providers.banklot import BanklotSimulator
from tests.fakes.providers.faults import FakeClock
from tests.fakes.providers.harness import VE, plays_request
from tests.fakes.providers.soportex import SoportexSimulator

ENV = {
    "SOPORTEX_URL": "http://127.0.0.1:9", "SOPORTEX_TOKEN": "sx-secret-1",
    "BANKLOT_URL": "http://127.0.0.1:9", "banklot_email": "taquilla@banklot.net",
    "BANKLOT_PASSWORD": "bk-secret-2",
    "JACKPOT_URL": "http://127.0.0.1:9", "JACKPOT_OPERATOR": "taquilla",
    "JACKPOT_TOKEN": "jp-secret-3", "JACKPOT_CURRENCY": "usd", "JACKPOT_ODDS_DIFF": "0.05",
}
PINS = PinHasher(b"registry-test-secret")


def settings(tmp_path: Path, **env: str) -> Settings:
    """Settings as `taquilla run` reads them, from a `.env` file with these lines."""
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in {**ENV, **env}.items()))
    return load_settings(_env_file=tmp_path / ".env")


@pytest.fixture
async def unused_db(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A sessionmaker the remote adapters are given but, in these tests, never use."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture(autouse=True)
def _no_provider_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("PROVIDER", "PROVIDER_TIMEOUT", *ENV, "BANKLOT_EMAIL", "BANKLOT_URL"):
        monkeypatch.delenv(key.upper(), raising=False)


@pytest.mark.parametrize(("name", "kind"), [("house", HouseProvider),
                                            ("soportex", SoportexProvider),
                                            ("banklot", BanklotProvider),
                                            ("jackpot", JackpotProvider)])
async def test_each_name_builds_its_provider(
    name: str, kind: type, tmp_path: Path, unused_db: async_sessionmaker[AsyncSession]
) -> None:
    provider = make_provider(settings(tmp_path, PROVIDER=name), sessionmaker=unused_db,
                             catalog=VE, pin_hasher=PINS, clock=FakeClock())
    try:
        assert isinstance(provider, kind) and isinstance(provider, Provider)
        assert provider.name == name
    finally:
        await provider.close()


async def test_each_adapter_reads_its_own_settings(
    tmp_path: Path, unused_db: async_sessionmaker[AsyncSession]
) -> None:
    jackpot = make_provider(settings(tmp_path, PROVIDER="jackpot"), sessionmaker=unused_db,
                            catalog=VE, pin_hasher=PINS, clock=FakeClock())
    # SOPORTEX_URL= left empty, as .env.example has it: the provider's own address, not "".
    soportex = make_provider(settings(tmp_path, PROVIDER="soportex", SOPORTEX_URL=""),
                             sessionmaker=unused_db, catalog=VE, pin_hasher=PINS,
                             clock=FakeClock())
    try:
        assert isinstance(jackpot, JackpotProvider) and jackpot.currency == "USD"
        assert "https://api.loteriasoportex.com" in repr(soportex)
    finally:
        await jackpot.close()
        await soportex.close()


def test_a_missing_setting_is_named_by_its_environment_name(
    unused_db: async_sessionmaker[AsyncSession],
) -> None:
    """``load_settings`` refuses it first; built without that check, the adapter still names it."""
    unchecked = Settings(_env_file=None, provider="banklot", banklot_url="http://127.0.0.1:9",
                         banklot_email="a@b.c")
    with pytest.raises(ValueError, match="missing setting BANKLOT_PASSWORD"):
        make_provider(unchecked, sessionmaker=unused_db, catalog=VE, pin_hasher=PINS,
                      clock=FakeClock())


async def test_a_provider_from_settings_sells(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Soportex journals its ticket numbers (the seed's eight digits) in the database."""
    clock = FakeClock()
    async with SoportexSimulator(clock=clock, token="sx-secret-1") as sim:
        provider = make_provider(
            settings(tmp_path, PROVIDER="soportex", SOPORTEX_URL=sim.base_url,
                     PROVIDER_TIMEOUT="0.5"),
            sessionmaker=sessionmaker, catalog=VE, pin_hasher=PINS, clock=clock)
        try:
            request = await plays_request(provider, clock, "ref-1", "zulia 16:45 123 x5")
            ticket = await provider.create_ticket(request, clock.now())
            [booked] = sim.tickets
            assert ticket.state is TicketState.SOLD and len(booked.ticket) == 8
        finally:
            await provider.close()
    async with sessionmaker() as session:
        rows = (await session.scalars(select(ProviderJournalEntry))).all()
    assert [(r.reference, r.provider, r.provider_id) for r in rows] == [
        ("ref-1", "soportex", booked.ticket)]


async def test_a_banklot_sale_is_journalled_in_the_database(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Built for production, banklot remembers its creates where a restart still finds them."""
    clock = FakeClock()
    async with BanklotSimulator(clock=clock, password="bk-secret-2") as sim:
        provider = make_provider(
            settings(tmp_path, PROVIDER="banklot", BANKLOT_URL=sim.base_url,
                     BANKLOT_EMAIL=sim.email, PROVIDER_TIMEOUT="0.5"),
            sessionmaker=sessionmaker, catalog=VE, pin_hasher=PINS, clock=clock)
        try:
            request = await plays_request(provider, clock, "ref-bk-1", "zulia 16:45 123 x5")
            ticket = await provider.create_ticket(request, clock.now())
            assert ticket.state is TicketState.SOLD
        finally:
            await provider.close()
    async with sessionmaker() as session:
        rows = (await session.scalars(select(ProviderJournalEntry))).all()
    assert [(r.reference, r.provider) for r in rows] == [("ref-bk-1", "banklot")]
