"""Stopping the bot waits for the updates in hand (bot/middlewares/in_flight.py)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.middlewares.in_flight import InFlightMiddleware


async def test_stopping_waits_for_an_update_in_hand_to_finish() -> None:
    in_flight = InFlightMiddleware(timeout=5)
    release, finished = asyncio.Event(), []

    async def sale(_event: Any, _data: dict[str, Any]) -> str:
        await release.wait()  # e.g. still committing
        finished.append("sold")
        return "sold"

    handling = asyncio.create_task(in_flight(sale, object(), {}))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    draining = asyncio.create_task(in_flight.drain())
    await asyncio.sleep(0.01)
    assert not draining.done()  # the shutdown is held while the sale is in hand
    release.set()
    await draining
    assert finished == ["sold"] and await handling == "sold"


async def test_nothing_in_hand_stops_at_once_and_a_stuck_update_only_delays_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    await asyncio.wait_for(InFlightMiddleware(timeout=5).drain(), 1)
    in_flight = InFlightMiddleware(timeout=0.05)

    async def stuck(_event: Any, _data: dict[str, Any]) -> None:
        await asyncio.Event().wait()

    task = asyncio.create_task(in_flight(stuck, object(), {}))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    with caplog.at_level(logging.WARNING):
        await asyncio.wait_for(in_flight.drain(), 1)
    assert "updates still in hand" in caplog.text
    task.cancel()
