"""A provider under test together with its backend: what the contract and fault tests drive.

``Backend`` is all a test needs: the ``provider`` (what it offers is its ``capabilities``), the
shared ``clock``, how many tickets the backend really booked (``booked()``, to count "no double,
no lost"), how to publish a triple result (``publish``), and a sample sale (``sample_request``).
The house provider gets a ``Backend`` of its own (its database is the backend) and joins the
contract suite by adding its factory to ``BACKENDS`` in the test module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lottery.catalog import Catalog, bundled_catalog_path, fold_name, load_catalog
from lottery.plays import parse_message
from providers.banklot import BanklotProvider
from providers.base import Provider, TicketRequest
from providers.jackpot import JackpotProvider, wager_for
from providers.soportex import SoportexProvider

from .banklot import BanklotSimulator
from .faults import FakeClock
from .jackpot import JackpotSimulator
from .server import SimulatorServer
from .soportex import SoportexSimulator

VE = load_catalog(bundled_catalog_path("ve"))
TEST_TIMEOUT = 0.2
SOPORTEX_TOKEN = "sx-token-4f1d9a77"
BANKLOT_PASSWORD = "bk-pass-8c2e61d0"
JACKPOT_TOKEN = "jp-token-3b7a50e9"


@dataclass
class Backend:
    name: str
    provider: Provider
    clock: FakeClock
    booked: Callable[[], Awaitable[int]]
    publish: Callable[[str, datetime, str], Awaitable[None]]
    sample_request: Callable[[str, str], Awaitable[TicketRequest]]
    sim: SimulatorServer | None = None
    #: the simulator operations a create and a ticket lookup go through (fault tests)
    create_op: str = "create"
    lookup_op: str = "find"


async def plays_request(provider: Provider, clock: FakeClock, reference: str, text: str,
                        currency: str = "VES") -> TicketRequest:
    """A request for what ``text`` means in the provider's own catalog, at the clock's now."""
    parsed = parse_message(text, await provider.catalog(), clock.now())
    assert parsed.ok and parsed.wagers, parsed.errors
    return TicketRequest(reference, tuple(parsed.wagers), currency)


def _counter(sim: SoportexSimulator | BanklotSimulator | JackpotSimulator
             ) -> Callable[[], Awaitable[int]]:
    async def booked() -> int:
        return len(sim.tickets)

    return booked


def _named(catalog: Catalog, lottery_id: str) -> str:
    return fold_name(catalog.lottery(lottery_id).name)


@asynccontextmanager
async def soportex_backend(clock: FakeClock | None = None, *,
                           client_timeout: float = TEST_TIMEOUT,
                           token: str = SOPORTEX_TOKEN) -> AsyncIterator[Backend]:
    clock = clock or FakeClock()
    async with SoportexSimulator(clock=clock, token=token) as sim:
        provider = SoportexProvider(base_url=sim.base_url, token=token, base_catalog=VE,
                                    clock=clock, timeout=client_timeout)

        async def publish(lottery_id: str, draw: datetime, number: str) -> None:
            name = _named(await provider.catalog(), lottery_id)
            letter = next(s.product.letter for s in sim.sorteos.values()
                          if fold_name(s.product.name) == name)
            sim.set_result(sim.code(letter, draw.strftime("%H:%M"), "A"), number, draw.date())

        async def sample(reference: str, text: str = "zulia 16:45 123 x5") -> TicketRequest:
            return await plays_request(provider, clock, reference, text)

        try:
            yield Backend("soportex", provider, clock, _counter(sim), publish, sample, sim,
                          create_op="registrarticket", lookup_op="consultarticket")
        finally:
            await provider.close()


@asynccontextmanager
async def banklot_backend(clock: FakeClock | None = None, *,
                           client_timeout: float = TEST_TIMEOUT,
                          password: str = BANKLOT_PASSWORD) -> AsyncIterator[Backend]:
    clock = clock or FakeClock()
    async with BanklotSimulator(clock=clock, password=password) as sim:
        provider = BanklotProvider(base_url=sim.base_url, email=sim.email, password=password,
                                   base_catalog=VE, clock=clock, timeout=client_timeout)

        async def publish(lottery_id: str, draw: datetime, number: str) -> None:
            name = _named(await provider.catalog(), lottery_id)
            product = next(p for p in sim.world.products if fold_name(p.name) == name)
            sim.set_result(sim.event(product.id, draw.strftime("%H:%M"), 1, draw.date()), number)

        async def sample(reference: str, text: str = "zulia 16:45 123 x5") -> TicketRequest:
            return await plays_request(provider, clock, reference, text)

        try:
            yield Backend("banklot", provider, clock, _counter(sim), publish, sample, sim,
                          create_op="create", lookup_op="last")
        finally:
            await provider.close()


@asynccontextmanager
async def jackpot_backend(clock: FakeClock | None = None, *,
                           client_timeout: float = TEST_TIMEOUT,
                          token: str = JACKPOT_TOKEN) -> AsyncIterator[Backend]:
    clock = clock or FakeClock()
    async with JackpotSimulator(clock=clock, token=token) as sim:
        provider = JackpotProvider(base_url=sim.base_url, operator=sim.operator, token=token,
                                   currency="USD", base_catalog=VE, clock=clock,
                                   timeout=client_timeout)

        async def publish(lottery_id: str, draw: datetime, number: str) -> None:
            raise NotImplementedError("jackpot has no draw results")

        async def sample(reference: str, text: str = "") -> TicketRequest:
            card = (await provider.betcards())[0]
            quote = await provider.price(card.code, {e.id: e.bets[0].id for e in card.events},
                                         Decimal("2.00"))
            return TicketRequest(reference, (wager_for(quote),), "USD")

        try:
            yield Backend("jackpot", provider, clock, _counter(sim), publish, sample, sim,
                          create_op="create", lookup_op="list")
        finally:
            await provider.close()
