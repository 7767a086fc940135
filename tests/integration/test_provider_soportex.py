"""The soportex adapter against the seed-000 simulator: wire format, codes, errors, test mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from lottery.plays import Wager
from providers.base import (
    ErrorCode,
    ProviderError,
    ProviderUnavailable,
    TicketRequest,
    TicketState,
)
from providers.soportex import SoportexProvider
from tests.fakes.providers.faults import CARACAS, FakeClock, Fault
from tests.fakes.providers.harness import VE, Backend, plays_request, soportex_backend

MORNING = datetime(2024, 10, 22, 10, 0, tzinfo=CARACAS)


@pytest.fixture
async def backend() -> AsyncIterator[Backend]:
    async with soportex_backend(FakeClock(MORNING)) as made:
        yield made


def sent(backend: Backend, op: str) -> list[dict]:
    assert backend.sim is not None
    return [body for name, body in backend.sim.calls if name == op]


async def sell(backend: Backend, reference: str, text: str, *, partial: bool = False):
    request = await plays_request(backend.provider, backend.clock, reference, text)
    request = TicketRequest(request.reference, request.wagers, "VES", partial=partial)
    return await backend.provider.create_ticket(request, backend.clock.now())


async def test_registrarticket_carries_a_seed_ticket_number_and_the_seed_formats(
        backend: Backend) -> None:
    """The seed's ``"ticket": "12345678"``: eight digits, not our own reference."""
    await sell(backend, "ref-000123", "zulia 16:45 123 x5 123-ari x2 45-leo x1\n"
                                      "chance 16:30 000-999 x1 00-99 x1\nactivo 11am leon x3")
    await sell(backend, "ref-000124", "zulia 16:45 124 x5")
    [body, other] = sent(backend, "registrarticket")
    assert body["token"] == backend.sim.token
    assert body["ticket"].isdigit() and len(body["ticket"]) == 8
    assert other["ticket"].isdigit() and other["ticket"] != body["ticket"]
    assert [(j["numero"], j["monto"]) for j in body["jugadas"]] == [
        ("123", "5.00"), ("123-ARI", "2.00"), ("45-LEO", "1.00"), ("000-999", "1.00"),
        ("00-99", "1.00"), ("5", "3.00")]
    codes = {s.codigo: s for s in backend.sim.sorteos.values()}
    assert [(codes[j["codigo"]].product.name, codes[j["codigo"]].hora, codes[j["codigo"]].sorteo)
            for j in body["jugadas"]] == [
        ("TRIPLE ZULIA", "16:45", "A"), ("TRIPLE ZULIA", "16:45", "C"),
        ("TRIPLE ZULIA", "16:45", "C"), ("TRIPLE CHANCE", "16:30", "D"),
        ("TRIPLE CHANCE", "16:30", "D"), ("LOTTO ACTIVO", "11:00", "A")]


async def test_the_catalog_is_the_providers(backend: Backend) -> None:
    catalog = await backend.provider.catalog()
    assert set(catalog.lottery_ids) == {"zulia", "zamorano", "chance", "triple_dorado", "activo"}
    assert "tachira" not in catalog.lottery_ids  # the base knows it, soportex does not sell it
    assert "dorado" in catalog.lottery("triple_dorado").aliases
    assert catalog.lottery("chance").has_game("triple_ab")
    assert not catalog.lottery("zamorano").has_game("triple_ab")
    assert catalog.lottery("activo").animal_number("ballena") == "00"
    assert catalog.timezone.key == "America/Caracas"


async def test_sorteos_are_cached_and_refreshed_on_the_clock(backend: Backend) -> None:
    await backend.provider.catalog()
    backend.clock.advance(minutes=5)
    await backend.provider.catalog()
    assert len(sent(backend, "sorteos")) == 1
    backend.clock.advance(minutes=11)
    await backend.provider.catalog()
    assert len(sent(backend, "sorteos")) == 2


async def test_stale_sorteos_serve_while_soportex_fails(backend: Backend) -> None:
    first = await backend.provider.catalog()
    backend.clock.advance(minutes=20)
    backend.sim.faults.set(Fault.ERROR_500, op="sorteos")
    assert await backend.provider.catalog() is first


async def test_no_catalog_at_all_is_unavailable() -> None:
    async with soportex_backend(FakeClock(MORNING)) as backend:
        backend.sim.faults.set(Fault.MALFORMED, op="sorteos")
        with pytest.raises(ProviderUnavailable):
            await backend.provider.catalog()


async def test_a_tope_refusal_names_the_play(backend: Backend) -> None:
    await sell(backend, "ref-a", "zulia 16:45 123 x80")
    with pytest.raises(ProviderError) as refused:
        await sell(backend, "ref-b", "zulia 16:45 456 x5 123 x30")
    assert refused.value.code is ErrorCode.SOLD_OUT
    assert [(r.index, r.code) for r in refused.value.rejections] == [(1, ErrorCode.SOLD_OUT)]
    assert await backend.booked() == 1


async def test_partial_uses_registrarticketparcial(backend: Backend) -> None:
    await sell(backend, "ref-a", "zulia 16:45 123 x80")
    ticket = await sell(backend, "ref-b", "zulia 16:45 456 x5 123 x30", partial=True)
    assert len(sent(backend, "registrarticketparcial")) == 1
    assert [(w.sold, w.rejection) for w in ticket.wagers] == [
        (True, None), (False, ErrorCode.SOLD_OUT)]
    assert ticket.total == Decimal("5.00")


async def test_an_amount_the_provider_refuses(backend: Backend) -> None:
    with pytest.raises(ProviderError) as refused:
        await sell(backend, "ref-a", "zulia 16:45 123 x2000")
    assert refused.value.code is ErrorCode.INVALID_AMOUNT


async def test_the_same_reference_twice_is_one_ticket(backend: Backend) -> None:
    first = await sell(backend, "ref-twice", "zulia 16:45 123 x5")
    again = await sell(backend, "ref-twice", "zulia 16:45 123 x5")
    assert again.provider_ticket_id == first.provider_ticket_id
    assert await backend.booked() == 1


async def test_an_empty_token_sells_in_test_mode() -> None:
    async with soportex_backend(FakeClock(MORNING), token="") as backend:
        ticket = await sell(backend, "ref-test", "zulia 16:45 123 x5")
        assert ticket.extra["test_mode"] is True
        assert await backend.booked() == 0 and len(backend.sim.test_tickets) == 1
        assert sent(backend, "registrarticket")[0]["token"] == ""
        found = await backend.provider.find_ticket("ref-test")
        assert found is not None and found.provider_ticket_id == ticket.provider_ticket_id


async def test_a_refused_token_books_nothing(backend: Backend) -> None:
    provider = SoportexProvider(base_url=backend.sim.base_url, token="not-the-token",
                                base_catalog=VE, clock=backend.clock, timeout=0.2)
    try:
        request = await plays_request(provider, backend.clock, "ref-x", "zulia 16:45 123 x5")
        with pytest.raises(ProviderUnavailable) as refused:
            await provider.create_ticket(request, backend.clock.now())
        assert "refused the token" in str(refused.value)
        assert await backend.booked() == 0
    finally:
        await provider.close()


async def test_a_lost_reversal_is_confirmed_by_consultarticket(backend: Backend) -> None:
    ticket = await sell(backend, "ref-rev", "zulia 16:45 123 x5")
    backend.sim.faults.set(Fault.LOST, op="reversarticket")
    voided = await backend.provider.cancel_ticket(ticket, backend.clock.now())
    assert voided.state is TicketState.VOID
    assert backend.sim.tickets[0].status == "1"


async def test_no_reversal_once_a_draw_closed(backend: Backend) -> None:
    ticket = await sell(backend, "ref-rev", "zulia 12:45 123 x5")
    assert ticket.cancel_deadline == MORNING.replace(hour=12, minute=40)
    backend.clock.set(MORNING.replace(hour=12, minute=41))
    with pytest.raises(ProviderError) as refused:
        await backend.provider.cancel_ticket(ticket, backend.clock.now())
    assert refused.value.code is ErrorCode.NOT_CANCELLABLE


async def test_results_join_the_triple_and_its_sign(backend: Backend) -> None:
    sim = backend.sim
    sim.set_result(sim.code("Z", "16:45", "A"), "123")
    sim.set_result(sim.code("Z", "16:45", "C"), "987-03")
    sim.set_result(sim.code("L", "11:00", "A"), "00")
    results = {(r.lottery, r.draw.hour): r.values
               for r in await backend.provider.results(MORNING.date())}
    assert results == {("zulia", 16): {"number": "123", "sign": "GEM", "sign_number": "987"},
                       ("activo", 11): {"animal": "00"}}


async def test_a_winner_shows_its_prize(backend: Backend) -> None:
    await sell(backend, "ref-win", "zulia 16:45 123 x5 45 x2")
    backend.sim.set_result(backend.sim.code("Z", "16:45", "A"), "123")
    found = await backend.provider.find_ticket("ref-win")
    assert found is not None and found.state is TicketState.WINNER
    assert found.prize == Decimal("3000.00")  # 5 × 600 for the triple, the terminal 45 lost
    with pytest.raises(ProviderError) as no_pay:
        await backend.provider.pay_ticket(found, "1234", backend.clock.now())
    assert no_pay.value.code is ErrorCode.NOT_SUPPORTED


async def test_tomorrows_draws_are_not_sold_today(backend: Backend) -> None:
    tomorrow = Wager("zulia", MORNING.replace(hour=16, minute=45) + timedelta(days=1), "triple",
                     "123", None, Decimal("5.00"))
    rejections = await backend.provider.validate([tomorrow], MORNING)
    assert [(r.index, r.code) for r in rejections] == [(0, ErrorCode.CLOSED_DRAW)]
    with pytest.raises(ProviderError):
        await backend.provider.create_ticket(TicketRequest("ref-t", (tomorrow,), "VES"), MORNING)
    assert sent(backend, "registrarticket") == []


async def test_the_simulator_reads_numbers_as_the_seed_writes_them(backend: Backend) -> None:
    code_a = backend.sim.code("Z", "16:45", "A")
    code_c = backend.sim.code("Z", "16:45", "C")
    jugadas = [{"codigo": code_c, "numero": "123-01", "monto": "1.00"},
               {"codigo": code_c, "numero": "23-ARI", "monto": "1.00"},
               {"codigo": code_a, "numero": "1234", "monto": "1.00"},
               {"codigo": code_c, "numero": "123-13", "monto": "1.00"},
               {"codigo": code_a, "numero": "123", "monto": "5"},
               {"codigo": "ZZZ", "numero": "123", "monto": "1.00"}]
    async with httpx.AsyncClient(base_url=backend.sim.base_url) as client:
        answer = (await client.post("/monitor/registrarticketparcial", json={
            "token": backend.sim.token, "ticket": "raw-1", "jugadas": jugadas})).json()
    assert answer["respuesta"] == "0" and answer["totalTicket"] == "2.00"
    assert [int(j["id"]) > 0 for j in answer["jugadas"][:2]] == [True, True]
    assert [j["id"] for j in answer["jugadas"][2:]] == ["-2", "-2", "-3", "-1"]
