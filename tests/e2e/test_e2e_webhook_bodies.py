"""Webhook mode: a POST with the right secret whose body is not an update is a client's mistake,
answered 400 with one warning line that says what was wrong and never quotes the body; the bot
goes on serving Telegram's updates."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import aiohttp
import pytest
from aiogram.client.telegram import TelegramAPIServer

from bot.dispatcher import create_dispatcher
from bot.runtime import app_context, create_bot, run_webhook
from tests.e2e.harness import FakeClock, make_settings
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram.session import LoopbackSession

PLAYER = 5001
SECRET = "webhook-secret-ABCdef-123456"
IN_BODY = "tok-in-the-body-987654"  # must never reach the logs
HEADER = "X-Telegram-Bot-Api-Secret-Token"

BAD_BODIES = [
    (b'{"update_id": 1, "message": {"text": "' + IN_BODY.encode(), "malformed JSON"),
    (b"", "empty body"),
    (b'[{"update_id": 1}, "' + IN_BODY.encode() + b'"]', "JSON is an array"),
    (b'{"update_id": "' + IN_BODY.encode() + b'", "message": {"text": "hola"}}',
     "not a Telegram update: update_id (int_parsing), message.message_id (missing)"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def _webhook_bot(tg: FakeTelegram, db_url: str) -> AsyncIterator[str]:
    """The bot serving its webhook as `taquilla run` does; yields the webhook's URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/webhook"
    settings = make_settings(tg, db_url, webhook_url=url, webhook_secret=SECRET,
                             host="127.0.0.1", port=port)
    async with app_context(settings, clock=FakeClock()) as app:
        bot = create_bot(settings, LoopbackSession(api=TelegramAPIServer.from_base(tg.base_url)))
        server = asyncio.create_task(run_webhook(bot, create_dispatcher(app), app))
        try:
            await tg.wait_for_call("setWebhook")
            yield url
        finally:
            server.cancel()
            with suppress(asyncio.CancelledError):
                await server
            await bot.session.close()


async def _post(url: str, body: bytes, secret: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.post(
        url, data=body, headers={HEADER: secret, "Content-Type": "application/json"}
    ) as response:
        return response.status, await response.text()


async def test_bad_bodies_get_400_and_one_line_and_good_updates_still_work(
    tg: FakeTelegram, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with _webhook_bot(tg, db_url) as url:
        for body, what in BAD_BODIES:
            caplog.clear()
            status, _ = await _post(url, body, SECRET)
            await asyncio.sleep(0.05)  # a background task's failure would be logged by now
            assert status == 400, body
            warned = [r for r in caplog.records if r.levelno >= logging.WARNING]
            assert len(warned) == 1, [r.getMessage() for r in warned]
            (line,) = warned
            assert line.name == "bot.webhook" and line.levelno == logging.WARNING
            assert what in line.getMessage()
            assert line.exc_info is None and "Traceback" not in caplog.text
            assert IN_BODY not in caplog.text and SECRET not in caplog.text

        tg.send_user_message(PLAYER, "/start")
        reply = await tg.next_message(PLAYER)
        assert "¡Hola" in reply.content
        assert tg.webhook_deliveries[-1].status == 200

        # the secret is checked first: a wrong one is refused as before, whatever the body
        assert (await _post(url, b"", "not-the-secret"))[0] == 401
        forged = {"message": {"message_id": 1, "date": 0, "text": "/start",
                              "chat": {"id": PLAYER, "type": "private"},
                              "from": {"id": PLAYER, "is_bot": False, "first_name": "X"}}}
        assert (await tg.post_to_webhook(forged, secret_token="not-the-secret")).status == 401
        assert (await tg.post_to_webhook(forged, secret_token=None)).status == 401
        await asyncio.sleep(0.05)
        assert len(tg.messages(PLAYER)) == 1
