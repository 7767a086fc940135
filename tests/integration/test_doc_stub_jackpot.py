"""Jackpot against a stub written from its document alone (not the simulator): the operator offers
only ``POST /be/tickets``, so the betcards come from the banca's draws file; ``approved: false``
is not a sale; "Ticket odds changed" is recognised by its text in any error shape."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from providers.base import ErrorCode, OutcomeUnknown, ProviderError, ProviderUnavailable
from providers.jackpot import JackpotProvider, OddsChanged
from tests.fakes.providers.doc_stubs.jackpot import ERROR_SHAPES, JackpotDocStub
from tests.fakes.providers.faults import CARACAS, FakeClock, Fault
from tests.fakes.providers.harness import TEST_TIMEOUT, VE

MORNING = datetime(2024, 10, 22, 10, 0, tzinfo=CARACAS)
#: the banca's draws file: one betcard, its events and odds (money in units, not cents)
DRAWS = {"betcards": [{
    "code": "JP-SAT", "name": "Sábado de fútbol", "closes": "2024-10-22T18:00:00-04:00",
    "price": "1.00", "prize": "5000.00", "bonus_prizes": ["500.00"], "wht": 0, "ext": 0,
    "events": [
        {"id": 101, "name": "Caracas - Magallanes",
         "bets": [{"id": 1, "name": "1", "odds": "2.10"}, {"id": 2, "name": "2", "odds": "1.70"}]},
        {"id": 102, "name": "Lara - Zulia",
         "bets": [{"id": 1, "name": "1", "odds": "1.90"}, {"id": 2, "name": "2", "odds": "1.95"}]},
    ]}]}
ODDS = {(101, 1): "2.10", (101, 2): "1.70", (102, 1): "1.90", (102, 2): "1.95"}


@pytest.fixture
async def stub() -> AsyncIterator[JackpotDocStub]:
    async with JackpotDocStub(operator="taquilla", token="jp-token", odds=ODDS) as made:
        yield made


@pytest.fixture
async def provider(stub: JackpotDocStub, tmp_path: Path) -> AsyncIterator[JackpotProvider]:
    path = tmp_path / "draws.json"
    path.write_text(json.dumps(DRAWS), encoding="utf-8")
    made = JackpotProvider(base_url=stub.base_url, operator="taquilla", token="jp-token",
                           currency="USD", base_catalog=VE, clock=FakeClock(MORNING),
                           timeout=TEST_TIMEOUT, draws_file=str(path))
    try:
        yield made
    finally:
        await made.close()


async def buy(provider: JackpotProvider, reference: str):
    quote = await provider.price("JP-SAT", {101: 1, 102: 2}, Decimal("2.00"))
    return await provider.buy(quote, reference, MORNING)


async def test_sells_from_the_banca_s_betcards_with_the_one_documented_operation(
        stub: JackpotDocStub, provider: JackpotProvider) -> None:
    [card] = await provider.betcards()
    assert card.code == "JP-SAT" and card.prize == Decimal("5000.00")
    ticket = await buy(provider, "ref-jp-1")
    assert ticket.total == Decimal("2.00") and len(stub.approved()) == 1
    assert stub.ops() == ["create"]  # nothing but POST /be/tickets
    [sent] = [body for _, body in stub.calls]
    assert (sent["price"], sent["prize"], sent["bonus_prizes"]) == (200, 500000, [50000])
    assert sent["events"] == [{"id": 101, "bet": 1, "odds": 2.1}, {"id": 102, "bet": 2,
                                                                    "odds": 1.95}]
    found = await provider.find_ticket("ref-jp-1")  # from the create's own answer
    assert found is not None and found.provider_ticket_id == ticket.provider_ticket_id
    assert stub.ops() == ["create"]
    assert await provider.results(MORNING.date()) == []  # the document has no results
    with pytest.raises(ProviderError) as refused:
        await provider.cancel_ticket(ticket, MORNING)
    assert refused.value.code is ErrorCode.NOT_CANCELLABLE  # nor a cancel


async def test_approved_false_is_not_sold(stub: JackpotDocStub, provider: JackpotProvider
                                          ) -> None:
    stub.approve = False
    with pytest.raises(ProviderError) as refused:
        await buy(provider, "ref-jp-2")
    assert refused.value.code is ErrorCode.NOT_APPROVED
    assert not isinstance(refused.value, ProviderUnavailable)
    assert await provider.find_ticket("ref-jp-2") is None


@pytest.mark.parametrize("shape", list(ERROR_SHAPES))
async def test_ticket_odds_changed_by_its_text_in_any_shape(
        stub: JackpotDocStub, provider: JackpotProvider, shape: str) -> None:
    stub.error_shape = shape
    stub.odds[(101, 1)] = Decimal("1.80")
    with pytest.raises(OddsChanged) as changed:
        await buy(provider, "ref-jp-3")
    assert changed.value.code is ErrorCode.ODDS_CHANGED and stub.tickets == []


async def test_a_lost_answer_stays_pending_and_is_never_sent_again(
        stub: JackpotDocStub, provider: JackpotProvider) -> None:
    """The document has no lookup: the sale is kept pending for a person, not resent."""
    stub.faults.set(Fault.LOST, op="create")
    with pytest.raises(OutcomeUnknown):
        await buy(provider, "ref-jp-4")
    await stub.idle()
    with pytest.raises(ProviderUnavailable):
        await provider.find_ticket("ref-jp-4")
    assert len(stub.tickets) == 1 and stub.ops() == ["create"]
