"""aiogram's answer models outlive the garbage collector in the running bot (speed/responses.py),
and answers read the same through them."""

from __future__ import annotations

import gc
import json
import weakref
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import SendMessage
from aiogram.methods.base import Response, TelegramMethod
from aiogram.types import Message

from bot.runtime import create_bot
from bot.settings import load_settings


class Answering(BaseSession):
    """Answers sendMessage with Telegram's JSON, read back as aiogram's own sessions do."""

    async def close(self) -> None:
        """Nothing to close."""

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: Any = None,  # noqa: ASYNC109
    ) -> Any:
        assert isinstance(method, SendMessage)
        content = json.dumps({"ok": True, "result": {
            "message_id": 7, "date": 1, "chat": {"id": method.chat_id, "type": "private"},
            "text": method.text}})
        return self.check_response(bot, method, 200, content).result


async def test_the_answer_model_survives_a_full_collection() -> None:
    settings = load_settings(_env_file=None, bot_token="42:TEST")
    bot = create_bot(settings, session=Answering())
    sent = await bot.send_message(5, "hola")
    assert (sent.message_id, sent.chat.id, sent.text) == (7, 5, "hola")
    model = weakref.ref(Response[Message])
    gc.collect()
    assert model() is not None  # without the middleware pydantic's weak cache lets it go
    again = await bot.send_message(5, "otra vez")
    assert (again.message_id, again.text) == (7, "otra vez")
