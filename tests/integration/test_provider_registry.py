"""``PROVIDER=soportex|banklot|jackpot``: the same settings mapping builds each adapter."""

from __future__ import annotations

import pytest

from providers.banklot import BanklotProvider
from providers.base import Provider, TicketState
from providers.jackpot import JackpotProvider
from providers.registry import make_provider, secret_values
from providers.soportex import SoportexProvider
from tests.fakes.providers.faults import FakeClock
from tests.fakes.providers.harness import VE, plays_request
from tests.fakes.providers.soportex import SoportexSimulator

SETTINGS = {
    "SOPORTEX_URL": "http://127.0.0.1:9", "SOPORTEX_TOKEN": "sx-secret-1",
    "banklot_email": "taquilla@banklot.net", "BANKLOT_PASSWORD": "bk-secret-2",
    "JACKPOT_URL": "http://127.0.0.1:9", "JACKPOT_OPERATOR": "taquilla",
    "JACKPOT_TOKEN": "jp-secret-3", "JACKPOT_CURRENCY": "usd",
}


@pytest.mark.parametrize(("name", "kind"), [("soportex", SoportexProvider),
                                            ("BankLot", BanklotProvider),
                                            ("jackpot", JackpotProvider)])
async def test_each_name_builds_its_adapter(name: str, kind: type) -> None:
    provider = make_provider(name, SETTINGS, clock=FakeClock(), catalog=VE)
    try:
        assert isinstance(provider, kind) and isinstance(provider, Provider)
        assert provider.name == name.lower()
    finally:
        await provider.close()


def test_a_missing_setting_is_named_and_an_unknown_provider_refused() -> None:
    with pytest.raises(ValueError, match="BANKLOT_PASSWORD"):
        make_provider("banklot", {"BANKLOT_EMAIL": "a@b.c"}, clock=FakeClock(), catalog=VE)
    with pytest.raises(ValueError, match="unknown provider 'lotto'"):
        make_provider("lotto", SETTINGS, clock=FakeClock(), catalog=VE)


def test_secret_values_for_the_log_redactor() -> None:
    assert secret_values("banklot", SETTINGS) == ("taquilla@banklot.net", "bk-secret-2")
    assert secret_values("soportex", SETTINGS) == ("sx-secret-1",)
    assert secret_values("house", SETTINGS) == ()


async def test_a_provider_from_settings_sells() -> None:
    clock = FakeClock()
    async with SoportexSimulator(clock=clock, token="sx-secret-1") as sim:
        provider = make_provider("soportex", {**SETTINGS, "SOPORTEX_URL": sim.base_url,
                                              "PROVIDER_TIMEOUT": "0.5"},
                                 clock=clock, catalog=VE)
        try:
            request = await plays_request(provider, clock, "ref-1", "zulia 16:45 123 x5")
            ticket = await provider.create_ticket(request, clock.now())
            assert ticket.state is TicketState.SOLD and sim.booked("ref-1") == 1
        finally:
            await provider.close()
