"""Logs are structured and never carry the bot token or the webhook secret, even on errors."""

from __future__ import annotations

import io
import logging

from bot.log import register_secrets, setup_logging
from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5001


async def test_token_never_reaches_the_logs(tg: FakeTelegram, db_url: str) -> None:
    stream = io.StringIO()
    setup_logging("DEBUG", stream=stream)
    settings = make_settings(tg, db_url, webhook_secret="hook-secret-XYZ123456")
    register_secrets(settings.secret_values())
    try:
        async with running_bot(tg, settings) as run:
            await run.say(PLAYER, "/start")
            tg.fail_next("sendMessage", status=500)
            tg.send_user_message(PLAYER, "/help")  # its answer fails: aiogram logs the error
            await tg.wait_for_call("sendMessage")
            await run.say(PLAYER, "/help")
            logging.getLogger("probe").error("calling %s", f"{tg.base_url}/bot{tg.token}/getMe")
    finally:
        logging.getLogger().handlers.clear()
    text = stream.getvalue()
    secret_half = tg.token.split(":", 1)[1]
    assert "level=error" in text and "ts=" in text  # structured, and errors were logged
    assert "/bot***/getMe" in text
    assert tg.token not in text and secret_half not in text
    assert "hook-secret-XYZ123456" not in text
