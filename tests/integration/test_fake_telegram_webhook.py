"""The fake Bot API in webhook mode: deliveries to the bot's real aiohttp endpoint, the secret
header, a method answered in the webhook's response, and the way back to polling.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import SendMessage
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from tests.fakes.telegram import FakeTelegram
from tests.integration.fake_telegram_helpers import USER, refused, shop_router


@asynccontextmanager
async def webhook_app(
    bot: Bot, router: Router, *, secret: str, in_background: bool = True
) -> AsyncIterator[str]:
    """The bot's aiohttp webhook endpoint on 127.0.0.1; yields its URL."""
    dp = Dispatcher()
    dp.include_router(router)
    app = web.Application()
    SimpleRequestHandler(
        dispatcher=dp, bot=bot, secret_token=secret, handle_in_background=in_background
    ).register(app, path="/telegram")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/telegram"
    finally:
        await runner.cleanup()


async def test_webhook_delivery_checks_the_secret(tg: FakeTelegram, bot: Bot) -> None:
    async with webhook_app(bot, shop_router(), secret="s3cr3t") as url:
        assert await bot.set_webhook(url, secret_token="s3cr3t")
        update_id = tg.send_user_message(USER, "/start")
        reply = await tg.next_message(USER)
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates(timeout=0)

        wrong = await tg.post_to_webhook(tg.update(update_id), secret_token="nope")
        missing = await tg.post_to_webhook(tg.update(update_id), secret_token=None)
        info = await bot.get_webhook_info()

    assert reply.content == "Hola, ¿qué jugamos hoy?"
    assert (tg.webhook_deliveries[0].update_id, tg.webhook_deliveries[0].status) == (
        update_id,
        200,
    )
    assert tg.webhook_deliveries[0].secret_token == "s3cr3t"
    assert (wrong.status, missing.status) == (401, 401)
    assert len(tg.messages(USER)) == 1  # the rejected deliveries produced nothing
    assert info.url == url and info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 401 Unauthorized"


async def test_webhook_reply_in_the_response_is_executed(tg: FakeTelegram, bot: Bot) -> None:
    router = Router()

    @router.message()
    async def answer_inline(message: Message) -> SendMessage:
        return message.answer("respondido en la respuesta del webhook")

    async with webhook_app(bot, router, secret="abc", in_background=False) as url:
        await bot.set_webhook(url, secret_token="abc")
        tg.send_user_message(USER, "hola")
        reply = await tg.next_message(USER)

    assert reply.content == "respondido en la respuesta del webhook"
    assert tg.calls_to("sendMessage")[0].via_webhook_reply


async def test_delete_webhook_returns_to_polling_and_can_drop_pending(
    tg: FakeTelegram, bot: Bot
) -> None:
    await bot.set_webhook("http://127.0.0.1:9/unreachable", secret_token="x")
    await bot.delete_webhook()
    kept = tg.send_user_message(USER, "uno")
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [kept]
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates(timeout=0) == []
    assert await refused(bot.set_webhook("https://example.org/hook", secret_token="a:b")) == (
        "Bad Request: secret token contains unallowed characters"
    )
