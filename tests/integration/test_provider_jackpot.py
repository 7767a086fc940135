"""The jackpot adapter against the seed-003 simulator: betcards, prices in cents, odds, taxes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from providers.base import ErrorCode, ProviderError, ProviderUnavailable, TicketRequest
from providers.jackpot import JackpotProvider, OddsChanged, Quote, wager_for
from tests.fakes.providers.faults import FakeClock
from tests.fakes.providers.harness import VE, Backend, jackpot_backend


@pytest.fixture
async def backend() -> AsyncIterator[Backend]:
    async with jackpot_backend(FakeClock()) as made:
        yield made


def jackpot(backend: Backend) -> JackpotProvider:
    assert isinstance(backend.provider, JackpotProvider)
    return backend.provider


async def favourites(backend: Backend, price: str = "2.00") -> Quote:
    """The first outcome ("1") of every event of the first open betcard."""
    card = (await jackpot(backend).betcards())[0]
    return await jackpot(backend).price(card.code, {e.id: e.bets[0].id for e in card.events},
                                        Decimal(price))


async def test_lists_betcards_with_events_and_outcomes(backend: Backend) -> None:
    [card] = await jackpot(backend).betcards()
    assert card.code == "JP3-001" and card.price == Decimal("1.00")
    assert card.prize == Decimal("500000.00") and card.bonus_prizes[0] == Decimal("50000.00")
    assert [(e.id, [b.name for b in e.bets]) for e in card.events] == [
        (101, ["1", "X", "2"]), (102, ["1", "X", "2"]), (103, ["1", "X", "2"])]
    assert card.closes_at.tzinfo is not None and card.closes_at > backend.clock.now()


async def test_a_quote_shows_stake_payouts_and_taxes(backend: Backend) -> None:
    quote = await favourites(backend, "2.00")
    assert quote.odds == Decimal("9.26")  # 2.10³
    assert (quote.ext_amount, quote.stake) == (Decimal("0.25"), Decimal("1.75"))  # 12.5 % excise
    assert quote.gross_payout == Decimal("500000.00")
    assert quote.wht_amount == Decimal("99999.65")  # 20 % of the winnings over the stake
    assert quote.net_payout == Decimal("400000.35")


async def test_the_ticket_matches_the_quote_and_the_wire_is_in_cents(backend: Backend) -> None:
    quote = await favourites(backend, "2.00")
    ticket = await jackpot(backend).buy(quote, "ref-1", backend.clock.now())
    [(_, body)] = [c for c in backend.sim.calls if c[0] == "create"]
    assert (body["price"], body["currency"], body["type"], body["betcard_code"]) == (
        200, "USD", "jackpot", "JP3-001")
    assert body["events"] == [{"id": 101, "bet": 1001, "odds": 2.1},
                              {"id": 102, "bet": 1011, "odds": 2.1},
                              {"id": 103, "bet": 1021, "odds": 2.1}]
    assert (body["prize"], body["bonus_prizes"], body["odds_diff"]) == (
        50_000_000, [5_000_000, 500_000], 0.0)
    assert ticket.total == Decimal("2.00") and ticket.currency == "USD"
    shown = {k: ticket.extra[k] for k in ("stake", "gross_payout", "net_payout", "wht_amount",
                                           "ext_amount")}
    assert shown == {"stake": quote.stake, "gross_payout": quote.gross_payout,
                     "net_payout": quote.net_payout, "wht_amount": quote.wht_amount,
                     "ext_amount": quote.ext_amount}
    assert (ticket.extra["wht"], ticket.extra["ext"], ticket.extra["odds"]) == (
        Decimal("20.0"), Decimal("12.5"), Decimal("9.26"))
    found = await jackpot(backend).find_ticket("ref-1")
    assert found is not None and found.provider_ticket_id == ticket.provider_ticket_id


async def test_odds_that_moved_beyond_the_tolerance_refuse_the_ticket(backend: Backend) -> None:
    quote = await favourites(backend)
    backend.sim.set_odds(101, 1001, "2.15")
    with pytest.raises(OddsChanged) as changed:
        await jackpot(backend).buy(quote, "ref-1", backend.clock.now())
    assert changed.value.detail == "Ticket odds changed"
    assert changed.value.betcard is not None
    assert changed.value.betcard.event(101).bet(1001).odds == Decimal("2.15")
    assert await backend.booked() == 0
    assert await jackpot(backend).find_ticket("ref-1") is None


@pytest.mark.parametrize("body", [
    lambda code, message: {"detail": message},
    lambda code, message: {"error": message},
    lambda code, message: {"errors": [{"msg": message}]},
], ids=["detail string", "error", "list of errors"])
async def test_ticket_odds_changed_is_known_by_its_text_in_any_shape(
        backend: Backend, body: Any) -> None:
    """The seed names the text, not the body: any shape carrying it is an odds change."""
    quote = await favourites(backend)
    backend.sim.set_odds(101, 1001, "2.15")
    backend.sim.error_body = body
    with pytest.raises(OddsChanged) as changed:
        await jackpot(backend).buy(quote, "ref-1", backend.clock.now())
    assert changed.value.code is ErrorCode.ODDS_CHANGED
    assert await backend.booked() == 0


async def test_a_tolerance_accepts_small_moves(backend: Backend) -> None:
    provider = JackpotProvider(base_url=backend.sim.base_url, operator=backend.sim.operator,
                               token=backend.sim.token, currency="USD", base_catalog=VE,
                               clock=backend.clock, timeout=0.2, odds_diff=Decimal("0.10"))
    try:
        card = (await provider.betcards())[0]
        quote = await provider.price(card.code, {e.id: e.bets[0].id for e in card.events})
        backend.sim.set_odds(101, 1001, "2.15")
        ticket = await provider.buy(quote, "ref-1", backend.clock.now())
        assert ticket.extra["odds"] == Decimal("9.48")  # charged at the current odds
    finally:
        await provider.close()


async def test_validate_before_buying(backend: Backend) -> None:
    quote = await favourites(backend)
    wager = wager_for(quote)
    assert await jackpot(backend).validate([wager], backend.clock.now()) == []
    partial = wager._replace(number=wager.number.rsplit(",", 1)[0])
    late = backend.clock.now() + timedelta(days=2)
    assert [(r.index, r.code) for r in await jackpot(backend).validate([partial, wager], late)] \
        == [(0, ErrorCode.CLOSED_DRAW), (1, ErrorCode.CLOSED_DRAW)]
    rejections = await jackpot(backend).validate([partial], backend.clock.now())
    assert [(r.index, r.code) for r in rejections] == [(0, ErrorCode.INVALID_NUMBER)]


async def test_refusals_map_to_codes(backend: Backend) -> None:
    provider = jackpot(backend)
    quote = await favourites(backend, "2.00")
    backend.sim.balance = 100
    with pytest.raises(ProviderError) as broke:
        await provider.buy(quote, "ref-1", backend.clock.now())
    assert broke.value.code is ErrorCode.INSUFFICIENT_FUNDS
    with pytest.raises(ProviderError) as currency:
        await provider.create_ticket(TicketRequest("ref-2", (wager_for(quote),), "XXX"),
                                     backend.clock.now())
    assert currency.value.code is ErrorCode.INVALID_AMOUNT
    backend.clock.advance(days=2)
    with pytest.raises(ProviderError) as closed:
        await provider.buy(quote, "ref-3", backend.clock.now())
    assert closed.value.code is ErrorCode.CLOSED_DRAW
    assert await backend.booked() == 0


async def test_a_refused_token_books_nothing(backend: Backend) -> None:
    quote = await favourites(backend)
    backend.sim.token = "rotated-token"
    with pytest.raises(ProviderUnavailable) as refused:
        await jackpot(backend).buy(quote, "ref-1", backend.clock.now())
    assert "403" in str(refused.value)
    assert await backend.booked() == 0


async def test_no_cancel_results_or_pay(backend: Backend) -> None:
    ticket = await jackpot(backend).buy(await favourites(backend), "ref-1", backend.clock.now())
    with pytest.raises(ProviderError) as cancel:
        await backend.provider.cancel_ticket(ticket, backend.clock.now())
    assert cancel.value.code is ErrorCode.NOT_CANCELLABLE
    assert await backend.provider.results(backend.clock.now().date()) == []
    assert await backend.provider.catalog() is VE
    report = await backend.provider.sales_report(backend.clock.now().date(),
                                                 backend.clock.now().date())
    assert [(line.lottery, line.sales) for line in report.lines] == [("JP3-001", Decimal("2.00"))]


async def test_the_simulator_validates_like_fastapi(backend: Backend) -> None:
    async with httpx.AsyncClient(base_url=backend.sim.base_url) as client:
        answer = await client.post("/be/tickets", json={"operator": backend.sim.operator,
                                                         "token": backend.sim.token,
                                                         "price": 2.5})
    assert answer.status_code == 422
    assert ["body", "price"] in [d["loc"] for d in answer.json()["detail"]]
