"""Pictures are drawn in a worker process (speed/pictures.py), and still drawn when it dies."""

from __future__ import annotations

import asyncio
import logging
import os

import pytest

from speed import pictures as rendering


def _pid_as_bytes() -> bytes:
    return str(os.getpid()).encode()


def _die_unless_in(pid: int) -> bytes:
    """Kills a worker process; in the process ``pid`` it answers instead."""
    if os.getpid() != pid:
        os._exit(3)
    return b"drawn in a thread"


def _echo(data: bytes) -> bytes:
    return data


def _fail(message: str) -> bytes:
    raise ValueError(message)


def _ticket_png() -> bytes:
    from presentation.ticket_image import render_ticket_png
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
    with caplog.at_level(logging.ERROR, logger="speed.pictures"):
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


async def test_answers_come_back_to_their_callers_when_many_are_asked_at_once() -> None:
    # 200 calls of 3 kB: more than the pipe holds, so some wait to be sent while it draws
    asked = [bytes([n % 256]) * 3000 for n in range(200)]
    assert await asyncio.gather(*(rendering.draw(_echo, data) for data in asked)) == asked


async def test_a_drawing_that_fails_is_reported_and_the_worker_goes_on() -> None:
    before = int(await rendering.draw(_pid_as_bytes))
    with pytest.raises(rendering.DrawingFailed, match="no such lottery"):
        await rendering.draw(_fail, "no such lottery")
    assert int(await rendering.draw(_pid_as_bytes)) == before
