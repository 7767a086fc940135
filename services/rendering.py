"""Pictures (tickets, results, report charts) are drawn in a worker process.

Pillow's drawing calls and qrcode are mostly Python: a ticket image held the GIL for ~4 ms, so a
worker thread still stalled every other chat while it drew. One worker process draws beside the
bot instead, on another core. It is started with ``spawn`` (forking a process that runs
threads can copy a held lock), once per process and shared by every app context; ``warm_up``
starts it ahead of the first ticket. If the worker dies, the picture is drawn in a thread and
the next one gets a new worker; after two deaths in a row (a worker that cannot even start, say)
pictures are drawn in threads for the rest of the process's life.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import sys
import types
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

_MAX_DEATHS = 2

_executor: ProcessPoolExecutor | None = None
_deaths_in_a_row = 0


def _preload() -> None:
    """In the worker: import the drawing code once, before the first picture is asked for."""
    import lottery.report_chart
    import lottery.results_image
    import lottery.ticket_image  # noqa: F401


def _pool() -> ProcessPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_preload
        )
    return _executor


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """A spawned worker imports the parent's ``__main__`` (the bot's CLI and all it imports, or
    a benchmark script): seconds of start-up and tens of MB for nothing it needs. The worker is
    started while ``__main__`` looks empty; nothing of ``__main__`` is ever sent to it."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _submit(call: Callable[[], Any]) -> Future[Any]:
    with _main_module_hidden():  # a worker is started on submit when there is none
        return _pool().submit(call)


def warm_up() -> None:
    """Start the worker now, so that the first ticket does not wait for it to start."""
    _submit(int)


async def draw(render: Callable[..., bytes], *args: Any, **kwargs: Any) -> bytes:
    """``render(*args, **kwargs)`` in the worker; ``render`` and its arguments must pickle."""
    global _executor, _deaths_in_a_row
    call = functools.partial(render, *args, **kwargs)
    if _deaths_in_a_row >= _MAX_DEATHS:
        return await asyncio.to_thread(call)
    try:
        png = await asyncio.wrap_future(_submit(call))
    except BrokenProcessPool:
        _executor, _deaths_in_a_row = None, _deaths_in_a_row + 1
        log.exception("the drawing process died (%d in a row); this picture is drawn in a thread",
                      _deaths_in_a_row)
        return await asyncio.to_thread(call)
    _deaths_in_a_row = 0
    return png
