"""Request parameters: decoding aiogram's form fields and checking them like Telegram.

aiogram posts every method as form data (multipart when a file is attached): strings raw,
numbers and booleans JSON-encoded (``"42"``, ``"true"``), nested objects such as
``reply_markup`` as JSON strings, uploads as ``attach://<field>``. Telegram also accepts JSON
bodies and query strings; all end up in one decoded dict.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from .errors import CHAT_NOT_FOUND, bad_request
from .records import UploadedFile

# Fields that are always strings, even when they look like numbers or JSON.
_STRING_FIELDS = frozenset(
    {
        "text", "caption", "parse_mode", "url", "secret_token", "callback_query_id",
        "inline_message_id", "language_code", "photo", "document", "file_id", "name",
        "description", "short_description", "ip_address", "business_connection_id",
        "message_effect_id", "emoji", "certificate", "action",
    }
)  # fmt: skip
_INT = re.compile(r"^-?\d+$")
_BUTTON_URL = re.compile(r"^(https?|tg)://\S+$", re.IGNORECASE)
MAX_CALLBACK_DATA_BYTES = 64


async def read_request_params(request: web.Request) -> dict[str, Any]:
    """Query string, JSON body or (multipart) form, as the Bot API accepts; files kept."""
    values: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.body_exists:
        return values
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            values.update(body)
        return values
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            with value.file:
                values[key] = UploadedFile(value.filename, value.content_type, value.file.read())
        else:
            values[key] = value
    return values


def decode_params(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Turn form strings into Python values (ints, bools, JSON objects); keep uploads."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and key not in _STRING_FIELDS:
            out[key] = _decode_scalar(value)
        else:
            out[key] = value
    return out


def _decode_scalar(value: str) -> Any:
    if _INT.match(value):
        return int(value)
    if value in ("true", "false"):
        return value == "true"
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class Params:
    """Typed, Telegram-worded access to one call's decoded parameters."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def chat_id(self) -> int:
        value = self.values.get("chat_id")
        if value in (None, ""):
            raise bad_request("chat_id is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INT.match(value):
            return int(value)
        raise bad_request(CHAT_NOT_FOUND)  # "@username" chats are not modelled

    def message_id(self) -> int:
        value = self.values.get("message_id")
        if value in (None, ""):
            raise bad_request("message identifier is not specified")
        return self.integer("message_id")

    def integer(self, key: str, default: int | None = None) -> int:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise bad_request(f'field "{key}" must be of type Integer')
        if isinstance(value, str):
            if not _INT.match(value):
                raise bad_request(f'field "{key}" must be of type Integer')
            return int(value)
        return value

    def optional_int(self, key: str) -> int | None:
        return None if self.values.get(key) in (None, "") else self.integer(key)

    def text(self, key: str) -> str | None:
        value = self.values.get(key)
        return None if value is None else str(value)

    def flag(self, key: str) -> bool:
        value = self.values.get(key, False)
        return value is True or value == "true" or value == 1

    def json(self, key: str, what: str) -> Any:
        """A JSON field (already decoded); ``can't parse <what>`` when it is not valid JSON."""
        value = self.values.get(key)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {what}") from None
        return value

    def entities(self, key: str) -> list[dict[str, Any]] | None:
        value = self.json(key, "entities JSON object")
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
            raise bad_request(f"can't parse {key} JSON object")
        return value

    def input_file(self, key: str) -> UploadedFile | str | None:
        """An upload (direct or via ``attach://name``) or a file_id/URL string."""
        value = self.values.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            attached = self.values.get(value[len("attach://") :])
            if not isinstance(attached, UploadedFile):
                raise bad_request("file must be non-empty")
            return attached
        if isinstance(value, UploadedFile) or value is None:
            return value
        return str(value)

    def reply_markup(self) -> dict[str, Any] | None:
        """The ``reply_markup`` object, checked the way Telegram checks keyboards."""
        value = self.values.get("reply_markup")
        if value in (None, ""):
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise bad_request("can't parse reply keyboard markup JSON object") from None
        if not isinstance(value, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in value:
            _check_inline_keyboard(value["inline_keyboard"])
        elif not ({"keyboard", "remove_keyboard", "force_reply"} & value.keys()):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return value


def is_inline(markup: dict[str, Any] | None) -> bool:
    return markup is not None and "inline_keyboard" in markup


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            _check_inline_button(button)


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not button["text"]:
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = set(button) - {"text", "style", "icon_custom_emoji_id"}
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str):
            raise bad_request("BUTTON_DATA_INVALID")
        if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not (
        isinstance(button["url"], str) and _BUTTON_URL.match(button["url"])
    ):
        raise bad_request("BUTTON_URL_INVALID")
