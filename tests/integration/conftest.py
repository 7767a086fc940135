"""Fixtures of the fake Bot API's tests (``test_fake_telegram*.py``): the fake, and a real
aiogram ``Bot`` on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot

from tests.fakes.telegram import FakeTelegram
from tests.integration.fake_telegram_helpers import make_bot


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    bot = make_bot(tg)
    yield bot
    await bot.session.close()
