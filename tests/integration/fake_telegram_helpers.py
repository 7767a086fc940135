"""Shared by the fake Bot API's tests: a real aiogram ``Bot`` on the fake, a tiny shop bot
polling it, and the helpers their asserts use. The ``tg`` and ``bot`` fixtures are in
``conftest.py``.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.backoff import BackoffConfig
from PIL import Image

from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram.session import LoopbackSession

USER = 4242
OTHER_USER = 5151
FAST_BACKOFF = BackoffConfig(min_delay=0.01, max_delay=0.05, factor=1.5, jitter=0.0)


def make_bot(tg: FakeTelegram, *, token: str | None = None, timeout: float = 60.0) -> Bot:
    session = LoopbackSession(api=TelegramAPIServer.from_base(tg.base_url), timeout=timeout)
    return Bot(token or tg.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in buttons]
    )


def shop_router() -> Router:
    """A tiny bot: /start offers a button; pressing it answers the query and edits."""
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(
            "<b>Hola</b>, ¿qué jugamos hoy?", reply_markup=keyboard(("Comprar", "buy:1"))
        )

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"Dijiste: {message.text}")

    @router.callback_query(F.data.startswith("buy:"))
    async def buy(query: CallbackQuery) -> None:
        await query.answer("Listo")
        assert isinstance(query.message, Message)
        await query.message.edit_text("Ticket <i>comprado</i>")

    return router


def png_bytes(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


@asynccontextmanager
async def polling(bot: Bot, router: Router) -> AsyncIterator[Dispatcher]:
    """The real Dispatcher long-polling the fake for the duration of the block."""
    dp = Dispatcher()
    dp.include_router(router)
    task = asyncio.create_task(
        dp.start_polling(
            bot,
            polling_timeout=1,
            handle_signals=False,
            close_bot_session=False,
            backoff_config=FAST_BACKOFF,
        )
    )
    try:
        yield dp
    finally:
        await dp.stop_polling()
        await task


async def refused(call: Awaitable[Any]) -> str:
    """Await a Bot call that must be refused with 400; return Telegram's description."""
    with pytest.raises(TelegramBadRequest) as info:
        await call
    return info.value.message
