"""Credentials never show: not in logs (any logger, any level), exception texts or reprs."""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest

from providers.banklot import BanklotProvider
from providers.base import ProviderError
from tests.fakes.providers.faults import FakeClock, Fault
from tests.fakes.providers.harness import (
    BANKLOT_PASSWORD,
    JACKPOT_TOKEN,
    SOPORTEX_TOKEN,
    VE,
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
SECRETS = {"soportex": SOPORTEX_TOKEN, "banklot": BANKLOT_PASSWORD, "jackpot": JACKPOT_TOKEN}


@pytest.fixture(params=sorted(BACKENDS))
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    async with BACKENDS[request.param](FakeClock()) as made:
        yield made


def texts(exc: BaseException) -> str:
    return "\n".join([str(exc), repr(exc), *traceback.format_exception(exc)])


async def test_no_secret_in_logs_errors_or_reprs(
        backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sim = backend.sim
    assert sim is not None
    seen: list[str] = [repr(backend.provider)]
    for number, fault in enumerate([None, *Fault], start=1):
        if fault is not None:
            sim.faults.set(fault, op=backend.create_op, delay=0.3)
        try:
            request = await backend.sample_request(f"ref-{number}", "zulia 16:45 123 x5")
            ticket = await backend.provider.create_ticket(request, backend.clock.now())
            seen.append(repr(ticket))
        except ProviderError as exc:
            seen.append(texts(exc))
        await sim.idle()
        found = await backend.provider.find_ticket(f"ref-{number}")
        seen.append(repr(found))
    secrets = [SECRETS[backend.name], *getattr(sim, "issued", [])]
    assert len(caplog.records) > 10  # the calls were logged, just not their secrets
    for secret in secrets:
        assert secret not in caplog.text
        assert not [s for s in seen if secret in s]


async def test_a_refused_login_does_not_echo_the_password(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with banklot_backend(FakeClock()) as backend:
        provider = BanklotProvider(base_url=backend.sim.base_url, email=backend.sim.email,
                                   password="Wrong-" + BANKLOT_PASSWORD, base_catalog=VE,
                                   clock=backend.clock, timeout=0.2)
        try:
            with pytest.raises(ProviderError) as refused:
                await provider.catalog()
        finally:
            await provider.close()
    assert BANKLOT_PASSWORD not in texts(refused.value) + caplog.text + repr(provider)
