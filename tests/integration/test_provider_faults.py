"""Exactly once over a bad network: every adapter × every simulator fault, on a create.

In each cell the adapter answers sold, failed (``ProviderUnavailable``: nothing was booked),
refused (any other ``ProviderError``: the provider's own no, in its document's shape) or unknown
(``OutcomeUnknown``); then, once the simulator is quiet, the reconciliation job's question
(``find_ticket(reference)``) settles it. The backend must hold exactly one ticket when the sale
stands and none when it does not: no double ticket, no lost ticket.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

import pytest

from providers.base import OutcomeUnknown, ProviderError, ProviderTicket, ProviderUnavailable
from tests.fakes.providers.faults import FakeClock, Fault
from tests.fakes.providers.harness import (
    TEST_TIMEOUT,
    Backend,
    banklot_backend,
    jackpot_backend,
    soportex_backend,
)

BACKENDS: dict[str, Callable[[FakeClock], AbstractAsyncContextManager[Backend]]] = {
    "soportex": soportex_backend,
    "banklot": banklot_backend,
    "jackpot": jackpot_backend,
}


@dataclass(frozen=True)
class Cell:
    fault: Fault | None
    delay: float = 0.0
    lookup_down: bool = False
    #: a refusal only one document has: the other adapters skip the cell
    only: str | None = None


CELLS = {
    "no fault": Cell(None),
    "timeout before accepting": Cell(Fault.TIMEOUT),
    "response lost after accepting": Cell(Fault.LOST),
    "500 before booking": Cell(Fault.ERROR_500),
    "malformed JSON after booking": Cell(Fault.MALFORMED),
    "slow, within the timeout": Cell(Fault.SLOW, delay=TEST_TIMEOUT / 4),
    "booked after the timeout": Cell(Fault.LATE),
    "expired token": Cell(Fault.EXPIRED_TOKEN),
    "response lost, lookup down too": Cell(Fault.LOST, lookup_down=True),
    "business 401": Cell(Fault.BUSINESS, only="banklot"),
    "top-level respuesta": Cell(Fault.BUSINESS, only="soportex"),
    "approved: false": Cell(Fault.BUSINESS, only="jackpot"),
}
SOLD, FAILED, REFUSED, UNKNOWN = "sold", "failed", "refused", "unknown"
#: what the adapter answers at once, then what reconciliation finds (sold or nothing)
EXPECTED = {
    "no fault": (SOLD, SOLD),
    "timeout before accepting": (UNKNOWN, None),
    "response lost after accepting": (SOLD, SOLD),
    "500 before booking": (FAILED, None),
    "malformed JSON after booking": (SOLD, SOLD),
    "slow, within the timeout": (SOLD, SOLD),
    "booked after the timeout": (UNKNOWN, SOLD),
    "response lost, lookup down too": (UNKNOWN, SOLD),
    "business 401": (REFUSED, None),
    "top-level respuesta": (REFUSED, None),
    "approved: false": (REFUSED, None),
}
#: an expired token: banklot logs in again and sells; soportex's token and jackpot's player
#: token cannot be renewed, so the sale is refused and nothing is booked
EXPIRED = {"soportex": (FAILED, None), "banklot": (SOLD, SOLD), "jackpot": (FAILED, None)}


def expected(adapter: str, cell: str) -> tuple[str, str | None]:
    return EXPIRED[adapter] if cell == "expired token" else EXPECTED[cell]


@pytest.fixture(params=sorted(BACKENDS))
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    async with BACKENDS[request.param](FakeClock()) as made:
        await made.provider.catalog()  # warm the catalog: faults aim at the sale itself
        yield made


async def attempt(backend: Backend, reference: str) -> tuple[str, ProviderTicket | None]:
    request = await backend.sample_request(reference, "zulia 16:45 123 x5")
    try:
        ticket = await backend.provider.create_ticket(request, backend.clock.now())
    except OutcomeUnknown:
        return UNKNOWN, None
    except ProviderUnavailable:
        return FAILED, None
    except ProviderError:
        return REFUSED, None
    return SOLD, ticket


@pytest.mark.parametrize("cell", list(CELLS))
async def test_no_double_and_no_lost_ticket(backend: Backend, cell: str) -> None:
    sim = backend.sim
    assert sim is not None
    spec = CELLS[cell]
    if spec.only not in (None, backend.name):
        pytest.skip(f"{cell}: {spec.only}'s document only")
    if spec.fault is not None:
        sim.faults.set(spec.fault, op=backend.create_op, delay=spec.delay)
    if spec.lookup_down:
        sim.faults.set(Fault.ERROR_500, op=backend.lookup_op, times=5)
    outcome, ticket = await attempt(backend, "ref-fault")
    want_now, want_final = expected(backend.name, cell)
    assert outcome == want_now

    await sim.idle()  # the backend has finished whatever it was still doing
    sim.faults.clear()
    final = await backend.provider.find_ticket("ref-fault")  # the reconciliation job's question

    assert (SOLD if final is not None else None) == want_final
    assert await backend.booked() == (1 if final is not None else 0)
    if ticket is not None:
        assert final is not None and final.provider_ticket_id == ticket.provider_ticket_id
    if spec.fault is not None:  # the fault really hit the sale (and the lookup)
        assert sim.faults.fired[0] == (backend.create_op, spec.fault)
    if spec.lookup_down:
        assert (backend.lookup_op, Fault.ERROR_500) in sim.faults.fired


async def test_a_second_sale_after_an_unknown_one_is_its_own(backend: Backend) -> None:
    """A pending sale (answer lost in flight) and the next one never claim each other's ticket."""
    sim = backend.sim
    assert sim is not None
    sim.faults.set(Fault.LATE, op=backend.create_op)
    first, _ = await attempt(backend, "ref-first")
    assert first == UNKNOWN
    await sim.idle()
    second, ticket = await attempt(backend, "ref-second")
    assert second == SOLD and ticket is not None
    late = await backend.provider.find_ticket("ref-first")
    again = await backend.provider.find_ticket("ref-second")
    assert late is not None and again is not None
    assert late.provider_ticket_id != again.provider_ticket_id
    assert again.provider_ticket_id == ticket.provider_ticket_id
    assert await backend.booked() == 2
