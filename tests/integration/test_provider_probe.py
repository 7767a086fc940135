"""The watchdog's question to each adapter (``probe``), against its simulator: it answers while
the simulator does, and says "not answering" (``ProviderUnavailable``) when it fails, even with a
catalog cached or a draws file to fall back on."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import pytest

from providers.base import ProviderUnavailable
from tests.fakes.providers.faults import FakeClock, Fault
from tests.fakes.providers.harness import (
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


@pytest.mark.parametrize("name", sorted(BACKENDS))
async def test_probe_says_whether_the_provider_answers(name: str) -> None:
    async with BACKENDS[name](FakeClock()) as backend:
        provider, sim = backend.provider, backend.sim
        assert sim is not None
        await provider.catalog()  # a cached copy that must not hide an outage
        await provider.probe()  # type: ignore[attr-defined]
        sim.faults.set(Fault.ERROR_500, times=20)
        with pytest.raises(ProviderUnavailable):
            await provider.probe()  # type: ignore[attr-defined]
        sim.faults.clear()
        await provider.probe()  # type: ignore[attr-defined]
