"""The fake Telegram Bot API server, exercised through the real aiogram client and Dispatcher.

Every later end-to-end test trusts this fake, so each Telegram rule is checked the way the
bot meets it: as the real aiogram exception with Telegram's wording.
"""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandStart
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.backoff import BackoffConfig
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from PIL import Image

from tests.fakes.telegram import (
    BotAPIError,
    FakeTelegram,
    FakeTelegramClient,
    RateLimit,
)
from tests.fakes.telegram.session import LoopbackSession
from tests.fakes.telegram.text import parse_html

REPO_ROOT = Path(__file__).resolve().parents[2]
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


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    bot = make_bot(tg)
    yield bot
    await bot.session.close()


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


# -- files -------------------------------------------------------------------------------


async def test_photo_upload_keeps_bytes_and_can_be_resent_by_file_id(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.add_user(USER)
    data = png_bytes(640, 480)
    sent = await bot.send_photo(
        USER, BufferedInputFile(data, "ticket.png"), caption="Tu <b>ticket</b>"
    )
    again = await bot.send_photo(USER, sent.photo[-1].file_id)

    (first, second) = tg.photos(USER)
    assert first.file_bytes == data and second.file_bytes == data
    assert first.content == "Tu ticket"
    assert (sent.photo[-1].width, sent.photo[-1].height) == (640, 480)
    assert all(p.width <= 640 for p in sent.photo) and sent.photo[0].width < 640
    assert again.photo[-1].file_unique_id == sent.photo[-1].file_unique_id
    downloaded = await bot.download(sent.photo[-1].file_id)
    assert downloaded is not None and downloaded.read() == data


async def test_photo_rules(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    not_an_image = BufferedInputFile(b"definitely not a picture", "x.png")
    assert await refused(bot.send_photo(USER, not_an_image)) == "Bad Request: IMAGE_PROCESS_FAILED"
    assert await refused(bot.send_photo(USER, "AgACunknown")) == (
        "Bad Request: wrong file identifier/HTTP URL specified"
    )
    photo = BufferedInputFile(png_bytes(10, 10), "p.png")
    assert await refused(bot.send_photo(USER, photo, caption="x" * 1025)) == (
        "Bad Request: message caption is too long"
    )
    assert tg.photos(USER) == []


async def test_document_upload(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    sent = await bot.send_document(USER, BufferedInputFile(b"%PDF-1.4 ticket", "ticket.pdf"))
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.mime_type) == ("ticket.pdf", "application/pdf")
    assert tg.documents(USER)[0].file_bytes == b"%PDF-1.4 ticket"
    assert await refused(bot.send_photo(USER, sent.document.file_id)) == (
        "Bad Request: can't use file of type Document as Photo"
    )


# -- Telegram's rules, as aiogram exceptions ---------------------------------------------


async def test_text_length_counts_characters_after_html_parsing(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    longest = await bot.send_message(USER, "<b>" + "ñ" * 4000 + "</b>" + "&amp;" * 96)
    assert len(longest.text or "") == 4096
    emoji = await bot.send_message(USER, "🎟" * 4096)  # code points count, not UTF-16 units
    assert emoji.text == "🎟" * 4096
    assert await refused(bot.send_message(USER, "a" * 4097)) == "Bad Request: message is too long"


@pytest.mark.parametrize("text", ["", "   \n ", "<b> </b>"])
async def test_empty_text_is_refused(tg: FakeTelegram, bot: Bot, text: str) -> None:
    tg.add_user(USER)
    assert await refused(bot.send_message(USER, text)) == "Bad Request: message text is empty"


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<p>hola</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>hola", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>hola</i>", 'Unmatched end tag at byte offset 7, expected "</b>", found "</i>"'),
        ("hola</b>", "Unexpected end tag at byte offset 4"),
        ("ñ <b", "Unclosed start tag at byte offset 3"),
    ],
)
async def test_malformed_html_is_refused_with_telegrams_words(
    tg: FakeTelegram, bot: Bot, html: str, error: str
) -> None:
    tg.add_user(USER)
    description = await refused(bot.send_message(USER, html))
    assert description == f"Bad Request: can't parse entities: {error}"


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [  # cases from TDLib's own parse_html tests
        ("➡️ ➡️<i>➡️ ➡️</i>", "➡️ ➡️➡️ ➡️", [("italic", 5, 5)]),
        ("🏟 🏟<i>🏟 &lt🏟</i>", "🏟 🏟🏟 <🏟", [("italic", 5, 6)]),
        ("&lt;&gt;&amp;&quot;&laquo;&#12345678;", '<>&"&laquo;&#12345678;', []),
        ("<a href=telegram.org>x</a>", "x", [("text_link", 0, 1)]),
        ('<pre><code class="language-py">x</code></pre>', "x", [("pre", 0, 1)]),
        ("<i>a</>", "a", [("italic", 0, 1)]),
    ],
)
def test_html_entities_follow_tdlib(
    html: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    parsed_text, parsed = parse_html(html)
    assert parsed_text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed] == entities


def test_html_parser_error_offsets_are_utf8_bytes() -> None:
    with pytest.raises(BotAPIError) as info:
        parse_html("🏟 🏟&lt;<i    aba  =  190azAz-.,")
    assert info.value.description.endswith("Unexpected end of name token at byte offset 27")


async def test_markdown_is_refused_loudly(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    description = await refused(bot.send_message(USER, "*hola*", parse_mode="MarkdownV2"))
    assert "only parse_mode HTML" in description


@pytest.mark.parametrize(
    ("data", "ok"), [("x" * 64, True), ("ñ" * 32, True), ("x" * 65, False), ("ñ" * 33, False)]
)
async def test_callback_data_is_limited_to_64_bytes(
    tg: FakeTelegram, bot: Bot, data: str, ok: bool
) -> None:
    tg.add_user(USER)
    send = bot.send_message(USER, "elige", reply_markup=keyboard(("A", data)))
    if ok:
        assert (await send).reply_markup is not None
    else:
        assert await refused(send) == "Bad Request: BUTTON_DATA_INVALID"


async def test_edit_rules(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    sent = await bot.send_message(USER, "<b>Total</b>: 5", reply_markup=keyboard(("Pagar", "p")))
    same = bot.edit_message_text(
        chat_id=USER,
        message_id=sent.message_id,
        text="<b>Total</b>: 5",
        reply_markup=keyboard(("Pagar", "p")),
    )
    assert (await refused(same)).startswith("Bad Request: message is not modified: specified")
    bold_removed = await bot.edit_message_text(
        chat_id=USER,
        message_id=sent.message_id,
        text="Total: 5",
        reply_markup=keyboard(("Pagar", "p")),
    )
    assert isinstance(bold_removed, Message) and not bold_removed.entities
    assert bold_removed.edit_date is not None
    unknown = bot.edit_message_text(chat_id=USER, message_id=999, text="x")
    assert await refused(unknown) == "Bad Request: message to edit not found"
    markup = bot.edit_message_reply_markup(chat_id=USER, message_id=sent.message_id)
    assert isinstance(await markup, Message)
    again = bot.edit_message_reply_markup(chat_id=USER, message_id=sent.message_id)
    assert (await refused(again)).startswith("Bad Request: message is not modified")
    caption = bot.edit_message_caption(chat_id=USER, message_id=sent.message_id, caption="c")
    assert await refused(caption) == "Bad Request: there is no caption in the message to edit"
    assert [m.content for m in tg.messages(USER)] == ["Total: 5"]


async def test_edit_caption_of_a_photo(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    sent = await bot.send_photo(USER, BufferedInputFile(png_bytes(8, 8), "p.png"), caption="a")
    edited = await bot.edit_message_caption(
        chat_id=USER, message_id=sent.message_id, caption="<i>b</i>"
    )
    assert isinstance(edited, Message) and edited.caption == "b"
    assert tg.photos(USER)[0].content == "b"


async def test_delete_message(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    sent = await bot.send_message(USER, "efímero")
    assert await bot.delete_message(USER, sent.message_id) is True
    assert tg.messages(USER) == []
    assert tg.messages(USER, include_deleted=True)[0].deleted
    assert await refused(bot.delete_message(USER, sent.message_id)) == (
        "Bad Request: message to delete not found"
    )


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    assert await refused(bot.send_message(999_999, "hola")) == "Bad Request: chat not found"


async def test_answering_a_callback_twice_is_refused(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    sent = await bot.send_message(USER, "elige", reply_markup=keyboard(("A", "a")))
    tg.press_button(USER, sent.message_id, "a")
    (update,) = await bot.get_updates(timeout=0)
    assert update.callback_query is not None
    assert await bot.answer_callback_query(update.callback_query.id, text="ok") is True
    assert "query is too old" in await refused(bot.answer_callback_query(update.callback_query.id))


async def test_commands_are_kept_per_language_and_scope(tg: FakeTelegram, bot: Bot) -> None:
    spanish = [BotCommand(command="start", description="Empezar")]
    english = [BotCommand(command="start", description="Start")]
    private = [BotCommand(command="ayuda", description="Ayuda")]
    assert await bot.set_my_commands(spanish)
    assert await bot.set_my_commands(english, language_code="en")
    assert await bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats())

    assert [c.description for c in await bot.get_my_commands(language_code="en")] == ["Start"]
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert tg.commands(scope={"type": "all_private_chats"}) == [
        {"command": "ayuda", "description": "Ayuda"}
    ]
    assert await bot.get_my_commands(language_code="pt") == []
    bad = [BotCommand(command="Start!", description="x")]
    assert await refused(bot.set_my_commands(bad)) == "Bad Request: BOT_COMMAND_INVALID"


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


# -- webhook -----------------------------------------------------------------------------


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
