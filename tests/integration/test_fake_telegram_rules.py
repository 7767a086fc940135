"""The fake Bot API's rules on what the bot sends, edits and uploads: text length and HTML,
callback data, edits and deletes, files, command menus; each met the way the bot meets it,
as the real aiogram exception with Telegram's wording.
"""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BufferedInputFile, Message

from tests.fakes.telegram import BotAPIError, FakeTelegram
from tests.fakes.telegram.text import parse_html
from tests.integration.fake_telegram_helpers import USER, keyboard, png_bytes, refused

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
