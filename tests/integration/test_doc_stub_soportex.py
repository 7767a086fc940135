"""Soportex against a stub written from its document alone (not the simulator): sorteos answer
nothing readable, so the banca's draws file lists the codes; the adapter sells, looks up,
reverses and reads results; a top-level ``respuesta`` -1…-4 refuses the ticket."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from providers.base import ErrorCode, ProviderError, ProviderUnavailable, TicketState
from providers.soportex import SoportexProvider
from tests.fakes.providers.doc_stubs.soportex import SoportexDocStub
from tests.fakes.providers.faults import CARACAS, FakeClock
from tests.fakes.providers.harness import TEST_TIMEOUT, VE, plays_request

MORNING = datetime(2024, 10, 22, 10, 0, tzinfo=CARACAS)
TOKEN = "12345678"
#: the banca's draws file: Triple Zulia's codes (A: producto, B: horario, C: sorteo)
DRAWS = {"lotteries": [{"name": "Triple Zulia", "key": "Z",
                        "games": ["triple", "terminal", "triple_sign", "terminal_sign"],
                        "draws": [{"time": "12:45", "ids": {"A": "Z1A", "C": "Z1C"}},
                                  {"time": "16:45", "ids": {"A": "Z2A", "C": "Z2C"}}]}]}


@pytest.fixture
async def stub() -> AsyncIterator[SoportexDocStub]:
    async with SoportexDocStub(token=TOKEN, codes=("Z1A", "Z1C", "Z2A", "Z2C")) as made:
        yield made


def provider_for(stub: SoportexDocStub, clock: FakeClock, draws: Path | None
                 ) -> SoportexProvider:
    return SoportexProvider(base_url=stub.base_url, token=TOKEN, base_catalog=VE, clock=clock,
                            timeout=TEST_TIMEOUT, draws_file=str(draws) if draws else None)


@pytest.fixture
def draws(tmp_path: Path) -> Path:
    path = tmp_path / "draws.json"
    path.write_text(json.dumps(DRAWS), encoding="utf-8")
    return path


async def test_sells_looks_up_reverses_and_reads_results(stub: SoportexDocStub,
                                                        draws: Path) -> None:
    clock = FakeClock(MORNING)
    provider = provider_for(stub, clock, draws)
    try:
        request = await plays_request(provider, clock, "ref-doc-1", "zulia 16:45 123 x5 123-ari x2")
        ticket = await provider.create_ticket(request, clock.now())
        [sent] = [body for op, body in stub.calls if op == "registrarticket"]
        assert sent["ticket"].isdigit() and len(sent["ticket"]) == 8
        assert [(j["codigo"], j["numero"], j["monto"]) for j in sent["jugadas"]] == [
            ("Z2A", "123", "5.00"), ("Z2C", "123-ARI", "2.00")]
        assert ticket.state is TicketState.SOLD and len(ticket.sold_wagers) == 2
        assert len(stub.sold()) == 1

        found = await provider.find_ticket("ref-doc-1")
        assert found is not None and found.provider_ticket_id == ticket.provider_ticket_id
        assert [(w.game, w.number, w.sign) for w in found.sold_wagers] == [
            ("triple", "123", None), ("triple_sign", "123", "ARI")]

        voided = await provider.cancel_ticket(ticket, clock.now())
        assert voided.state is TicketState.VOID and stub.sold() == []

        stub.results[("2024-10-22", "Z2A")] = "123"
        stub.results[("2024-10-22", "Z2C")] = "456-01"
        [result] = await provider.results(MORNING.date(), "zulia")
        assert result.values == {"number": "123", "sign": "ARI", "sign_number": "456"}
    finally:
        await provider.close()


async def test_a_top_level_respuesta_refuses_the_ticket(stub: SoportexDocStub,
                                                         draws: Path) -> None:
    """``{"respuesta": "-4", "mensaje": "numero agotado"}``: refused, not left pending."""
    clock = FakeClock(MORNING)
    provider = provider_for(stub, clock, draws)
    stub.agotados.add("123")
    try:
        request = await plays_request(provider, clock, "ref-doc-2", "zulia 16:45 456 x1 123 x5")
        with pytest.raises(ProviderError) as refused:
            await provider.create_ticket(request, clock.now())
        assert not isinstance(refused.value, ProviderUnavailable)
        assert refused.value.code is ErrorCode.SOLD_OUT
        assert [r.index for r in refused.value.rejections] == [0, 1]
        assert stub.sold() == []
    finally:
        await provider.close()


async def test_without_sorteos_nor_a_draws_file_the_error_names_the_setting(
        stub: SoportexDocStub) -> None:
    provider = provider_for(stub, FakeClock(MORNING), None)
    try:
        with pytest.raises(ProviderUnavailable, match="SOPORTEX_DRAWS_FILE"):
            await provider.catalog()
    finally:
        await provider.close()
