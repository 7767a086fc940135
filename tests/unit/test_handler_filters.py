"""Every handler and filter runs on the event loop: aiogram sends any that is not a coroutine to a
worker thread, one thread hop per handler checked on every update (measured: 9 hops per update
before the sale's handler was reached, about a sixth of the sales rate)."""

from __future__ import annotations

from aiogram import Router
from aiogram.dispatcher.event.handler import CallableObject

from handlers import build_root_router


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


def test_no_handler_or_filter_runs_in_a_worker_thread() -> None:
    found = _callables(build_root_router())
    assert len(found) > 40  # the walk reached the routers' handlers and their filters
    in_threads = [label for label, item in found if not item.awaitable]
    assert in_threads == []
