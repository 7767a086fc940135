"""Every handler and filter runs on the event loop: aiogram sends any that is not a coroutine to a
worker thread, one thread hop per handler checked on every update (measured: 9 hops per update
before the sale's handler was reached, about a sixth of the sales rate)."""

from __future__ import annotations

import pytest
from aiogram import Router
from aiogram.dispatcher.event.handler import CallableObject

from handlers import build_root_router
from providers.banklot import BanklotProvider
from providers.base import Capability
from providers.house import HouseProvider
from providers.jackpot import JackpotProvider
from providers.soportex import SoportexProvider


def _callables(router: Router) -> list[tuple[str, CallableObject]]:
    found: list[tuple[str, CallableObject]] = []
    for name, observer in router.observers.items():
        for handler in observer.handlers:
            label = f"{router.name}.{name}:{handler.callback.__name__}"
            found.append((label, handler))
            found.extend((f"{label} filter {f.callback!r}", f) for f in handler.filters or [])
    for sub in router.sub_routers:
        found.extend(_callables(sub))
    return found


@pytest.mark.parametrize("offers", [HouseProvider.capabilities, SoportexProvider.capabilities,
                                    BanklotProvider.capabilities, JackpotProvider.capabilities])
def test_no_handler_or_filter_runs_in_a_worker_thread(offers: frozenset[Capability]) -> None:
    found = _callables(build_root_router(offers))
    assert len(found) > 40  # the walk reached the routers' handlers and their filters
    in_threads = [label for label, item in found if not item.awaitable]
    assert in_threads == []
