"""Webhook mode as Telegram drives it: updates are POSTed with the secret header."""

from __future__ import annotations

import asyncio
import socket
from contextlib import suppress

from aiogram.client.telegram import TelegramAPIServer

from bot.dispatcher import create_dispatcher
from bot.runtime import app_context, create_bot, run_webhook
from tests.e2e.harness import FakeClock, make_settings
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram.session import LoopbackSession

PLAYER = 5001
SECRET = "webhook-secret-ABCdef-123456"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_serves_updates_and_rejects_a_wrong_secret(
    tg: FakeTelegram, db_url: str
) -> None:
    port = _free_port()
    settings = make_settings(
        tg,
        db_url,
        webhook_url=f"http://127.0.0.1:{port}/webhook",
        webhook_secret=SECRET,
        host="127.0.0.1",
        port=port,
    )
    async with app_context(settings, clock=FakeClock()) as app:
        bot = create_bot(settings, LoopbackSession(api=TelegramAPIServer.from_base(tg.base_url)))
        dp = create_dispatcher(app)
        server = asyncio.create_task(run_webhook(bot, dp, app))
        try:
            await tg.wait_for_call("setWebhook")
            tg.send_user_message(PLAYER, "/start")
            reply = await tg.next_message(PLAYER)
            assert "¡Hola" in reply.content
            assert tg.webhook_deliveries[-1].status == 200

            forged = {
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "text": "/start",
                    "chat": {"id": PLAYER, "type": "private"},
                    "from": {"id": PLAYER, "is_bot": False, "first_name": "X"},
                }
            }
            wrong = await tg.post_to_webhook(forged, secret_token="not-the-secret")
            missing = await tg.post_to_webhook(forged, secret_token=None)
            assert wrong.status == 401
            assert missing.status == 401
            assert len(tg.messages(PLAYER)) == 1
        finally:
            server.cancel()
            with suppress(asyncio.CancelledError):
                await server
            await bot.session.close()
