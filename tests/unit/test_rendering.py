"""Pictures are drawn in a worker process (services/rendering.py), and still drawn when it dies."""

from __future__ import annotations

import logging
import os
import sys
import types
from pathlib import Path

import pytest

from services import rendering


def _pid_as_bytes() -> bytes:
    return str(os.getpid()).encode()


def _die_unless_in(pid: int) -> bytes:
    """Kills a worker process; in the process ``pid`` it answers instead."""
    if os.getpid() != pid:
        os._exit(3)
    return b"drawn in a thread"


def _ticket_png() -> bytes:
    from lottery.ticket_image import render_ticket_png
    from tests.unit.test_ticket_image import payload_for, ticket  # the ticket those tests draw

    view = ticket()
    return render_ticket_png(view, "es", payload_for(view))


async def test_a_picture_is_drawn_in_another_process() -> None:
    worker = int(await rendering.draw(_pid_as_bytes))
    assert worker != os.getpid()
    assert int(await rendering.draw(_pid_as_bytes)) == worker  # one worker, kept
    assert (await rendering.draw(_ticket_png)).startswith(b"\x89PNG")


async def test_a_dead_worker_costs_no_picture_and_is_replaced(
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = int(await rendering.draw(_pid_as_bytes))
    with caplog.at_level(logging.ERROR, logger="services.rendering"):
        assert await rendering.draw(_die_unless_in, os.getpid()) == b"drawn in a thread"
    assert "drawing process died" in caplog.text
    after = int(await rendering.draw(_pid_as_bytes))
    assert after not in (before, os.getpid())


async def test_after_two_deaths_in_a_row_pictures_are_drawn_in_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rendering, "_deaths_in_a_row", 0)
    for _ in range(2):
        assert await rendering.draw(_die_unless_in, os.getpid()) == b"drawn in a thread"
    assert int(await rendering.draw(_pid_as_bytes)) == os.getpid()


async def test_the_worker_does_not_import_the_scripts_main_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run as a script (`taquilla run`, a benchmark), spawn would import the script in the
    # worker: all of the bot for nothing. Here importing it fails, so a worker that did would
    # die and the picture would come from a thread of this process.
    script = tmp_path / "bot_script.py"
    script.write_text("raise SystemExit('the worker imported the main script')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    monkeypatch.setattr(rendering, "_executor", None)  # a new worker, started from here
    monkeypatch.setattr(rendering, "_deaths_in_a_row", 0)
    try:
        assert int(await rendering.draw(_pid_as_bytes)) != os.getpid()
        assert sys.modules["__main__"] is main
    finally:
        if rendering._executor is not None:
            rendering._executor.shutdown(wait=False)
