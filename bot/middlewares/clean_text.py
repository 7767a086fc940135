"""Control characters are dropped from an update's text at the door, once for every handler.

People's apps let through characters nobody means to send: a NUL pasted with a customer's name, an
escape in a display name. PostgreSQL refuses NUL in text (SQLite keeps it), so a sale naming such a
customer failed only there, and a username with one never matched anybody. Every string the update
carries (text, caption, callback data, inline query, the names of its user and chat, the replied
message…) loses its Unicode control characters (category Cc) except newline and tab, and the
entities that point into a cleaned text are moved with it. Both databases then see the same text.

Almost no update has one: the common case is one regex search over the strings it carries, and
only an update that has one is rebuilt. Only the fields Telegram sent are read (pydantic's set
fields); unknown fields (``extra``) are not read by the bot and are left alone.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiogram import BaseMiddleware
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.types import MessageEntity, TelegramObject, Update

T = TypeVar("T", bound=TelegramObject)

#: Unicode category Cc (U+0000–U+001F, U+007F–U+009F) but tab and newline.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _collect(obj: TelegramObject, out: list[str]) -> None:
    """Appends every string in the fields Telegram sent, nested objects and lists included.
    Exact type checks first: this runs for every update, and most values are ints."""
    values = obj.__dict__
    for name in obj.__pydantic_fields_set__:
        value = values[name]
        kind = type(value)
        if kind is str:
            out.append(value)
        elif kind is int or kind is bool or value is None:
            continue
        elif isinstance(value, TelegramObject):
            _collect(value, out)
        elif kind is list:
            _collect_list(value, out)
        elif isinstance(value, str):  # a str subclass
            out.append(value)


def _collect_list(items: list[Any], out: list[str]) -> None:
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, TelegramObject):
            _collect(item, out)
        elif isinstance(item, list):  # keyboards are rows of buttons
            _collect_list(item, out)


def has_control(update: Update) -> bool:
    """Whether any string the update carries holds a character to drop."""
    strings: list[str] = []
    _collect(update, strings)
    return CONTROL.search("".join(strings)) is not None


def _utf16_positions(text: str) -> list[int]:
    """Where the dropped characters stand in ``text``, in UTF-16 units (entities count in them)."""
    positions = []
    unit = 0
    for char in text:
        if CONTROL.match(char):
            positions.append(unit)
        unit += 2 if ord(char) > 0xFFFF else 1
    return positions


def _move_entities(entities: list[MessageEntity], dropped: list[int]) -> list[MessageEntity]:
    """The entities over the cleaned text: each shifts left by the characters dropped before it
    and shrinks by those dropped inside it; one left empty is gone."""
    moved = []
    for entity in entities:
        if not isinstance(entity, MessageEntity):
            moved.append(entity)
            continue
        start = entity.offset - bisect_left(dropped, entity.offset)
        end = entity.offset + entity.length
        length = end - bisect_left(dropped, end) - start
        if length > 0:
            moved.append(entity.model_copy(update={"offset": start, "length": length}))
    return moved


def _entities_fields(name: str) -> tuple[str, ...]:
    """The fields that may hold the entities of text field ``name``: ``<name>_entities``
    (``caption_entities``, PollOption's ``text_entities``…), and ``entities`` for a ``text``
    (Message, TextQuote)."""
    return (f"{name}_entities", "entities") if name == "text" else (f"{name}_entities",)


def _clean_value(value: Any) -> Any:
    """``value`` without control characters: the same object when it has none."""
    if isinstance(value, str):
        return CONTROL.sub("", value) if CONTROL.search(value) else value
    if isinstance(value, TelegramObject):
        return clean(value)
    if isinstance(value, list):
        cleaned = [_clean_value(item) for item in value]
        return value if all(a is b for a, b in zip(cleaned, value, strict=True)) else cleaned
    return value


def clean(obj: T) -> T:
    """A copy of ``obj`` without control characters in its strings, or ``obj`` itself when it has
    none. aiogram's objects are frozen pydantic models: changed ones are copied (``model_copy``
    keeps the bot they are bound to), unchanged ones are shared."""
    values = obj.__dict__
    changes: dict[str, Any] = {}
    for name in obj.__pydantic_fields_set__:
        value = values[name]
        cleaned = _clean_value(value)
        if cleaned is not value:
            changes[name] = cleaned
    for name in [name for name in changes if isinstance(values[name], str)]:
        for field in _entities_fields(name):
            entities = changes.get(field, values.get(field))  # their own strings cleaned first
            if isinstance(entities, list) and entities:
                changes[field] = _move_entities(entities, _utf16_positions(values[name]))
    return obj.model_copy(update=changes) if changes else obj


class CleanTextMiddleware(BaseMiddleware):
    """Outer middleware on updates; registered before any middleware that reads the update's
    strings (the FSM's key, the user's names, the unit of work)."""

    _context = UserContextMiddleware()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update) or not has_control(event):
            return await handler(event, data)
        # aiogram resolved the update's user and chat before us: resolve them again from the
        # clean update, so that no one below sees the old ones.
        return await self._context(handler, clean(event), data)
