"""The fake Telegram Bot API server, exercised through the real aiogram client and Dispatcher.

Every later end-to-end test trusts this fake, so each Telegram rule is checked the way the
bot meets it: as the real aiogram exception with Telegram's wording. Here: updates by long
polling, button presses, reset, flood control, blocked users, faults and the out-of-process
server; the rules on what the bot sends are in ``test_fake_telegram_rules.py``, webhook mode
in ``test_fake_telegram_webhook.py``.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BotCommand, BufferedInputFile, Message

from tests.fakes.telegram import FakeTelegram, FakeTelegramClient, RateLimit
from tests.fakes.telegram.session import LoopbackSession
from tests.integration.fake_telegram_helpers import (
    OTHER_USER,
    USER,
    keyboard,
    make_bot,
    png_bytes,
    polling,
    refused,
    shop_router,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


# -- polling and callbacks ---------------------------------------------------------------


async def test_polling_round_trip(tg: FakeTelegram, bot: Bot) -> None:
    async with polling(bot, shop_router()):
        update_id = tg.send_user_message(USER, "/start")
        reply = await tg.next_message(USER)
        await tg.wait_for(lambda: tg.pending_updates == 0)

    assert reply.content == "Hola, ¿qué jugamos hoy?"
    assert reply.entities == [{"type": "bold", "offset": 0, "length": 4}]
    assert reply.button_texts == ["Comprar"]
    assert reply.api()["from"]["id"] == tg.bot_user["id"]
    polls = tg.calls_to("getUpdates")
    assert set(polls[0].params["allowed_updates"]) == {"message", "callback_query"}
    assert any(c.params.get("offset") == update_id + 1 for c in polls)
    assert tg.calls_to("sendMessage")[0].params["chat_id"] == USER


async def test_message_ids_grow_per_chat_and_dates_come_from_the_clock() -> None:
    async with FakeTelegram(clock=lambda: 1_700_000_000.0) as tg:
        bot = make_bot(tg)
        tg.add_user(USER)
        tg.add_user(OTHER_USER)
        first = await bot.send_message(USER, "uno")
        tg.send_user_message(USER, "hola")
        second = await bot.send_message(USER, "dos")
        other = await bot.send_message(OTHER_USER, "otro")
        await bot.session.close()

    assert (first.message_id, second.message_id, other.message_id) == (1, 3, 1)
    assert first.date.timestamp() == 1_700_000_000


async def test_callback_round_trip(tg: FakeTelegram, bot: Bot) -> None:
    async with polling(bot, shop_router()):
        tg.send_user_message(USER, "/start")
        offer = await tg.next_message(USER)
        press = tg.press_button(USER, offer, text="Comprar")
        await tg.wait_for(lambda: offer.content == "Ticket comprado")
        query = tg.callback_query(press)

    assert query is not None and query.answered and query.text == "Listo"
    assert offer.buttons == []  # editMessageText without reply_markup drops the keyboard
    assert offer.history[0]["text"] == "Hola, ¿qué jugamos hoy?"
    assert tg.messages(USER) == [offer]


async def test_pressing_a_button_that_is_not_there_is_refused_unless_forged(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.add_user(USER)
    sent = await bot.send_message(USER, "elige", reply_markup=keyboard(("A", "a")))
    with pytest.raises(LookupError, match="'b'"):
        tg.press_button(USER, sent.message_id, "b")
    forged = tg.press_button(USER, sent.message_id, "b", strict=False)
    updates = await bot.get_updates(timeout=0)
    assert [(u.update_id, u.callback_query.data) for u in updates] == [(forged, "b")]


async def test_long_poll_wakes_on_a_new_update_and_honours_offset_and_limit(
    tg: FakeTelegram, bot: Bot
) -> None:
    waiting = asyncio.create_task(bot.get_updates(timeout=30))
    await tg.wait_for_call("getUpdates")
    first = tg.send_user_message(USER, "uno")
    assert [u.update_id for u in await waiting] == [first]

    second = tg.send_user_message(USER, "dos")
    third = tg.send_user_message(USER, "tres")
    unconfirmed = await bot.get_updates(timeout=0, limit=2)
    assert [u.update_id for u in unconfirmed] == [first, second]
    rest = await bot.get_updates(offset=second + 1, timeout=0)
    assert [u.update_id for u in rest] == [third]
    assert await bot.get_updates(offset=third + 1, timeout=0) == []
    assert tg.pending_updates == 0


async def test_a_duplicate_update_id_is_delivered_again(tg: FakeTelegram, bot: Bot) -> None:
    seen: list[int] = []
    router = Router()

    @router.message()
    async def record(message: Message) -> None:
        seen.append(message.message_id)
        await message.answer("ok")

    async with polling(bot, router):
        update_id = tg.send_user_message(USER, "hola")
        await tg.next_message(USER)
        assert tg.redeliver(update_id) == update_id
        await tg.next_message(USER)

    assert seen == [1, 1]


async def test_allowed_updates_filter_what_getupdates_returns(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    sent = await bot.send_message(USER, "elige", reply_markup=keyboard(("A", "a")))
    tg.send_user_message(USER, "texto")
    press = tg.press_button(USER, sent.message_id, "a")
    updates = await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    assert [u.update_id for u in updates] == [press]


async def test_a_second_poller_terminates_the_first(tg: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await tg.wait_for_call("getUpdates")
    second = asyncio.create_task(bot.get_updates(timeout=30))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await first
    update_id = tg.send_user_message(USER, "hola")
    assert [u.update_id for u in await second] == [update_id]


# -- reset -------------------------------------------------------------------------------


async def test_reset_forgets_chats_but_keeps_serving(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    await bot.send_message(USER, "antes")
    tg.send_user_message(USER, "pendiente")
    tg.reset()
    assert (tg.messages(USER), tg.calls, tg.pending_updates, tg.counters.messages_sent) == (
        [],
        [],
        0,
        0,
    )
    assert await refused(bot.send_message(USER, "después")) == "Bad Request: chat not found"
    tg.add_user(USER)
    assert (await bot.send_message(USER, "de nuevo")).message_id == 1


# -- flood control and blocked users -----------------------------------------------------


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_per_chat_rate_limit_answers_429_with_retry_after() -> None:
    clock = ManualClock()
    limit = RateLimit(per_chat_per_second=1)
    async with FakeTelegram(rate_limit=limit, monotonic=clock) as tg:
        bot = make_bot(tg)
        tg.add_user(USER)
        tg.add_user(OTHER_USER)
        await bot.send_message(USER, "uno")
        with pytest.raises(TelegramRetryAfter) as info:
            await bot.send_message(USER, "dos")
        await bot.send_message(OTHER_USER, "otro chat")  # other chats are not affected
        clock.now += 1.0
        await bot.send_message(USER, "dos, más tarde")
        await bot.session.close()

    assert info.value.retry_after == 1
    assert "Too Many Requests: retry after 1" in info.value.message
    assert tg.counters.rate_limited == 1
    assert [m.content for m in tg.messages(USER)] == ["uno", "dos, más tarde"]


async def test_global_rate_limit_can_change_at_runtime() -> None:
    async with FakeTelegram(monotonic=ManualClock()) as tg:
        bot = make_bot(tg)
        for user in range(1, 4):
            tg.add_user(user)
        tg.set_rate_limit(RateLimit(global_per_second=2, retry_after=7))
        await bot.send_message(1, "a")
        await bot.send_message(2, "b")
        with pytest.raises(TelegramRetryAfter) as info:
            await bot.send_message(3, "c")
        tg.set_rate_limit(None)
        await bot.send_message(3, "c")
        await bot.session.close()

    assert info.value.retry_after == 7
    assert tg.counters.messages_sent == 3 and tg.counters.rate_limited == 1


async def test_blocked_user_answers_403(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    sent = await bot.send_message(USER, "antes")
    tg.set_blocked(USER)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER, "después")
    with pytest.raises(TelegramForbiddenError):
        await bot.edit_message_text(chat_id=USER, message_id=sent.message_id, text="x")
    tg.set_blocked(USER, blocked=False)
    await bot.send_message(USER, "de nuevo")
    assert [m.content for m in tg.messages(USER)] == ["antes", "de nuevo"]


async def test_wrong_token_and_unknown_method(tg: FakeTelegram) -> None:
    intruder = make_bot(tg, token="987654321:AAwrongtoken")
    with pytest.raises(TelegramUnauthorizedError):
        await intruder.get_me()
    await intruder.session.close()
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{tg.base_url}/bot{tg.token}/sendTelepathy", data={"chat_id": "1"}) as resp,
    ):
        body = await resp.json()
    assert resp.status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


# -- fault injection ---------------------------------------------------------------------


async def test_injected_faults_surface_as_aiogram_errors_once(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    tg.fail_next("setMyCommands", 500)
    with pytest.raises(TelegramServerError):
        await bot.set_my_commands([BotCommand(command="start", description="Empezar")])
    assert await bot.set_my_commands([BotCommand(command="start", description="Empezar")])

    tg.fail_next("sendPhoto", "drop")
    with pytest.raises(TelegramNetworkError):
        await bot.send_photo(USER, BufferedInputFile(png_bytes(4, 4), "p.png"))
    tg.fail_next("sendMessage", "timeout")
    impatient = make_bot(tg, timeout=0.2)
    with pytest.raises(TelegramNetworkError, match="timeout"):
        await impatient.send_message(USER, "hola")
    await impatient.session.close()
    tg.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(USER, "hola")

    await bot.send_message(USER, "todo bien")
    assert [m.content for m in tg.messages(USER)] == ["todo bien"]
    assert [c.fault for c in tg.calls if c.fault] == ["500", "drop", "timeout", "429"]


async def test_a_lost_answer_still_sends_the_message(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    tg.fail_next("sendMessage", "drop", executed=True)
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(USER, "¿llegó?")
    assert [m.content for m in tg.messages(USER)] == ["¿llegó?"]


async def test_the_bot_goes_on_when_a_call_fails(tg: FakeTelegram, bot: Bot) -> None:
    router = Router()

    @router.message()
    async def reply(message: Message) -> None:
        with suppress(TelegramServerError):  # the bot's own policy: a lost image is not fatal
            await message.answer_photo(BufferedInputFile(png_bytes(4, 4), "p.png"))
        await message.answer("sigo aquí")

    tg.fail_next("getUpdates", 502)  # polling backs off and retries
    tg.fail_next("sendPhoto", 500)
    async with polling(bot, router):
        tg.send_user_message(USER, "hola")
        reply_message = await tg.next_message(USER)

    assert reply_message.content == "sigo aquí"
    assert tg.calls_to("getUpdates")[0].fault == "502"


# -- out-of-process mode -----------------------------------------------------------------


@asynccontextmanager
async def fake_process(*args: str) -> AsyncIterator[str]:
    """``python -m tests.fakes.telegram_server`` in its own process; yields its base URL."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakes.telegram_server",
        "--port",
        "0",
        *args,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), timeout=30)
        yield line.decode().strip()
    finally:
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), timeout=10) == 0


async def test_out_of_process_round_trip() -> None:
    async with fake_process("--rate-limit", "50") as base_url, FakeTelegramClient(base_url) as tg:
        info = await tg.info()
        assert info["base_url"] == base_url
        session = LoopbackSession(api=TelegramAPIServer.from_base(base_url))
        bot = Bot(info["token"], session=session, default=DefaultBotProperties(parse_mode="HTML"))
        async with polling(bot, shop_router()):
            await tg.send_user_messages(
                [{"user_id": USER, "text": "/start"}, {"user_id": OTHER_USER, "text": "hey"}]
            )
            counters = await tg.wait(chats={USER: 1, OTHER_USER: 1}, timeout=10)
            offer = await tg.last_message(USER)
            assert offer is not None
            assert [b["text"] for row in offer["buttons"] for b in row] == ["Comprar"]
            await tg.press_button(USER, offer["message_id"], text="Comprar")
            first = await tg.next_message(USER)
            final = await tg.wait(methods={"editMessageText": 1}, max_pending=0, timeout=10)
            (edit,) = await tg.calls(method="editMessageText")
        await bot.session.close()
        edited = await tg.messages(USER)

    assert counters["per_chat"] == {str(USER): 1, str(OTHER_USER): 1}
    assert first["message_id"] == offer["message_id"]
    assert edit["ok"] and edit["params"]["message_id"] == offer["message_id"]
    assert [m["content"] for m in edited] == ["Ticket comprado"]
    assert final["per_method"]["answerCallbackQuery"] == 1
    assert final["messages_sent"] == 2 and final["rate_limited"] == 0
