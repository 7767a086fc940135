"""What the door's cleaner (bot.middlewares.clean_text) drops from updates, keeps, and shares."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.types import Update

from bot.middlewares.clean_text import clean, has_control

BOT = Bot("42:test-token-for-unit-tests")
ANA = {"id": 7, "is_bot": False, "first_name": "Ana", "username": "ana", "language_code": "es"}


def _update(**event: Any) -> Update:
    return Update.model_validate({"update_id": 1, **event}, context={"bot": BOT})


def _message(text: str, **extra: Any) -> Update:
    return _update(message={"message_id": 5, "date": 0, "text": text, "from": ANA,
                            "chat": {"id": 7, "type": "private", "first_name": "Ana"}, **extra})


def test_an_update_without_control_characters_is_the_same_object() -> None:
    update = _message("cliente: Juan\t\n123 x5 zulia 12:45 ñ 😀 \u200b")
    assert not has_control(update)
    assert clean(update) is update


def test_every_cc_character_but_tab_and_newline_is_dropped() -> None:
    text = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]) + "ok"
    cleaned = clean(_message(text))
    assert cleaned.message is not None
    assert cleaned.message.text == "\t\nok"


def test_callback_data_inline_query_and_names_are_cleaned() -> None:
    person = {**ANA, "first_name": "A\x00na", "last_name": "P\x1bé", "username": "a\x7fna"}
    query = clean(_update(callback_query={"id": "1", "chat_instance": "c", "from": person,
                                          "data": "sale:\x00confirm"}))
    assert query.callback_query is not None
    assert query.callback_query.data == "sale:confirm"
    user = query.callback_query.from_user
    assert (user.first_name, user.last_name, user.username) == ("Ana", "Pé", "ana")

    inline = clean(_update(inline_query={"id": "2", "from": ANA, "query": "123\x00 x5",
                                         "offset": ""}))
    assert inline.inline_query is not None and inline.inline_query.query == "123 x5"


def test_the_replied_message_and_the_chat_title_are_cleaned_too() -> None:
    update = clean(_update(message={
        "message_id": 6, "date": 0, "caption": "foto\x00", "from": ANA,
        "chat": {"id": -5, "type": "group", "title": "Ventas\x07"},
        "reply_to_message": {"message_id": 5, "date": 0, "text": "x\x00", "from": ANA,
                             "chat": {"id": -5, "type": "group", "title": "Ventas\x07"}},
    }))
    message = update.message
    assert message is not None and message.reply_to_message is not None
    assert (message.caption, message.chat.title) == ("foto", "Ventas")
    assert message.reply_to_message.text == "x"


def test_entities_follow_their_text() -> None:
    entities = [
        {"type": "bot_command", "offset": 0, "length": 7},    # /ventas
        {"type": "mention", "offset": 8, "length": 4},        # @a\0b
        {"type": "text_link", "offset": 13, "length": 2, "url": "http://x\x00y"},  # the emoji
        {"type": "bold", "offset": 16, "length": 2},          # " x" after a dropped \x01
        {"type": "italic", "offset": 15, "length": 1},        # only the dropped \x01
    ]
    update = clean(_message("/ventas @a\x00b 😀\x01 x", entities=entities))
    message = update.message
    assert message is not None and message.entities is not None
    assert message.text == "/ventas @ab 😀 x"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bot_command", 0, 7), ("mention", 8, 3), ("text_link", 12, 2), ("bold", 14, 2),
    ]
    assert message.entities[2].url == "http://xy"
    assert message.html_text == '/ventas @ab <a href="http://xy">😀</a><b> x</b>'


def test_the_cleaned_update_stays_bound_to_the_bot() -> None:
    update = clean(_message("hola\x00"))
    assert update.message is not None
    assert update.bot is BOT and update.message.bot is BOT
    assert update.message.from_user is not None and update.message.from_user.bot is BOT


def test_a_poll_options_entities_follow_its_text() -> None:
    update = clean(_update(poll={
        "id": "p", "question": "¿Qu\x00é?", "total_voter_count": 0, "is_closed": False,
        "is_anonymous": True, "type": "regular", "allows_multiple_answers": False,
        "allows_revoting": False, "members_only": False,
        "options": [{"persistent_id": "o1", "text": "s\x00í", "voter_count": 0,
                     "text_entities": [{"type": "bold", "offset": 2, "length": 1}]}],
    }))
    assert update.poll is not None and update.poll.options[0].text_entities is not None
    assert (update.poll.question, update.poll.options[0].text) == ("¿Qué?", "sí")
    (bold,) = update.poll.options[0].text_entities
    assert (bold.offset, bold.length) == (1, 1)
