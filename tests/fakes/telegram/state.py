"""The fake Telegram's world: users, chats, messages on both sides, files, commands, counters.

Everything is in memory and owned by one event loop, so no locking is needed. Message ids
grow per chat and are shared by the user's and the bot's messages, as in a private chat.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import mimetypes
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, UnidentifiedImageError

from .errors import CHAT_NOT_FOUND, bad_request
from .records import CallbackQuery, SentMessage, StoredFile, UploadedFile

#: Telegram keeps a photo's original and scaled copies whose longer side is at most these.
_PHOTO_SIDES = (90, 320, 800, 1280, 2560)
_MAX_PHOTO_BYTES = 10 * 1024 * 1024


@dataclass
class Chat:
    """A chat the bot can write to (it exists once the user has written to the bot)."""

    api: dict[str, Any]
    next_message_id: int = 1
    blocked: bool = False

    @property
    def id(self) -> int:
        return int(self.api["id"])

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class Counters:
    """Totals a benchmark reads: successful messages, 429s, per-chat and per-method counts."""

    messages_sent: int = 0
    rate_limited: int = 0
    errors: int = 0
    edits: int = 0
    updates_injected: int = 0
    per_chat: Counter[int] = field(default_factory=Counter)
    per_method: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        return {
            "messages_sent": self.messages_sent,
            "rate_limited": self.rate_limited,
            "errors": self.errors,
            "edits": self.edits,
            "updates_injected": self.updates_injected,
            "per_chat": {str(k): v for k, v in self.per_chat.items()},
            "per_method": dict(self.per_method),
        }


class World:
    """All chats and messages; builds the user-side objects that go into updates."""

    def __init__(self, bot_user: dict[str, Any], clock: Callable[[], float]) -> None:
        self.bot_user = bot_user
        self.clock = clock
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, Chat] = {}
        self.bot_messages: dict[int, dict[int, SentMessage]] = {}
        self.user_messages: dict[int, dict[int, dict[str, Any]]] = {}
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.counters = Counters()
        self._ids = itertools.count(1)

    def now(self) -> int:
        return int(self.clock())

    # -- users and chats -------------------------------------------------------------------

    def upsert_user(
        self,
        user_id: int,
        *,
        first_name: str = "Ana",
        language_code: str | None = "es",
        username: str | None = None,
        last_name: str | None = None,
    ) -> dict[str, Any]:
        """Create or refresh a user (and their private chat with the bot)."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        private = {
            k: v for k, v in user.items() if k in {"id", "first_name", "last_name", "username"}
        }
        self.ensure_chat(user_id, {**private, "type": "private"})
        return user

    def ensure_chat(self, chat_id: int, api: dict[str, Any] | None = None) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            if api is None:
                kind = "supergroup" if str(chat_id).startswith("-100") else "group"
                api = {"id": chat_id, "type": kind, "title": f"Group {chat_id}"}
            chat = Chat(api=api)
            self.chats[chat_id] = chat
        elif api is not None:
            chat.api = api
        return chat

    def chat(self, chat_id: int) -> Chat:
        """The chat, or Telegram's ``chat not found``."""
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request(CHAT_NOT_FOUND)
        return chat

    # -- messages --------------------------------------------------------------------------

    def user_message(self, user: dict[str, Any], chat: Chat, text: str) -> dict[str, Any]:
        """A Message from the user, with the ``bot_command`` entity Telegram adds to /cmd."""
        message: dict[str, Any] = {
            "message_id": chat.new_message_id(),
            "from": user,
            "chat": chat.api,
            "date": self.now(),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        self.user_messages.setdefault(chat.id, {})[message["message_id"]] = message
        return message

    def remember_user_message(self, message: dict[str, Any]) -> None:
        """Know a user message injected raw (its chat, sender and id) so replies work."""
        chat = self.ensure_chat(int(message["chat"]["id"]), dict(message["chat"]))
        sender = message.get("from")
        if isinstance(sender, dict) and "id" in sender:
            self.users.setdefault(int(sender["id"]), dict(sender))
        message_id = int(message.get("message_id", 0))
        chat.next_message_id = max(chat.next_message_id, message_id + 1)
        self.user_messages.setdefault(chat.id, {})[message_id] = message

    def add_bot_message(self, message: SentMessage) -> SentMessage:
        self.bot_messages.setdefault(message.chat_id, {})[message.message_id] = message
        self.counters.messages_sent += 1
        self.counters.per_chat[message.chat_id] += 1
        return message

    def bot_message(self, chat_id: int, message_id: int) -> SentMessage | None:
        message = self.bot_messages.get(chat_id, {}).get(message_id)
        return None if message is None or message.deleted else message

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[SentMessage]:
        """The bot's messages in ``chat_id`` in sending order."""
        found = self.bot_messages.get(chat_id, {}).values()
        return [m for m in found if include_deleted or not m.deleted]

    def new_callback_query(self, update_id: int, message: SentMessage, data: str) -> str:
        query_id = str(4_000_000_000_000 + next(self._ids))
        self.callback_queries[query_id] = CallbackQuery(
            id=query_id,
            update_id=update_id,
            chat_id=message.chat_id,
            message_id=message.message_id,
            data=data,
        )
        return query_id

    # -- files -----------------------------------------------------------------------------

    def store_upload(self, upload: UploadedFile, kind: str) -> StoredFile:
        """Keep an uploaded photo/document; photos are checked and measured with Pillow."""
        digest = hashlib.sha256(upload.data + kind.encode()).hexdigest()
        unique = f"AQAD{digest[:16]}"
        file_id = f"{'AgAC' if kind == 'photo' else 'BQAC'}{digest[:40]}_{next(self._ids)}"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique,
            kind="photo" if kind == "photo" else "document",
            data=upload.data,
            file_name=upload.filename,
            mime_type=_mime_type(upload),
        )
        if kind == "photo":
            self._measure_photo(stored)
        self.files[file_id] = stored
        for size in stored.sizes:
            self.files[size["file_id"]] = stored
        return stored

    def stored_file(self, file_id: str, kind: str) -> StoredFile:
        """A file sent before, by ``file_id``; Telegram's errors for unknown or wrong type."""
        stored = self.files.get(file_id)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    @staticmethod
    def _measure_photo(stored: StoredFile) -> None:
        if len(stored.data) > _MAX_PHOTO_BYTES:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        try:
            with Image.open(io.BytesIO(stored.data)) as image:
                width, height = image.size
        except (UnidentifiedImageError, OSError):
            raise bad_request("IMAGE_PROCESS_FAILED") from None
        if width + height > 10_000 or max(width, height) > 20 * min(width, height):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        stored.width, stored.height = width, height
        longest = max(width, height)
        sides = [s for s in _PHOTO_SIDES if s < longest] + [min(longest, _PHOTO_SIDES[-1])]
        for index, side in enumerate(sides):
            scale = side / longest
            stored.sizes.append(
                {
                    "file_id": f"{stored.file_id}{'abcdefghij'[index]}",
                    "file_unique_id": f"{stored.file_unique_id}{'abcdefghij'[index]}",
                    "width": max(1, round(width * scale)),
                    "height": max(1, round(height * scale)),
                    "file_size": len(stored.data) if side == sides[-1] else None,
                }
            )
        for size in stored.sizes:
            if size["file_size"] is None:
                del size["file_size"]


def _mime_type(upload: UploadedFile) -> str | None:
    """Telegram guesses the type from the name when the client sent a generic one."""
    if upload.content_type and upload.content_type != "application/octet-stream":
        return upload.content_type
    return mimetypes.guess_type(upload.filename)[0] or upload.content_type
