"""What the fake remembers, in the shapes tests read: calls, bot messages, files, deliveries."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request (``InputFile`` on the aiogram side)."""

    filename: str
    content_type: str | None
    data: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": len(self.data),
        }


@dataclass
class StoredFile:
    """A file the bot uploaded; ``file_id`` can be sent again and downloaded via ``getFile``."""

    file_id: str
    file_unique_id: str
    kind: Literal["photo", "document"]
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0
    sizes: list[dict[str, Any]] = field(default_factory=list)  # PhotoSize list for photos

    @property
    def file_path(self) -> str:
        folder = "photos" if self.kind == "photo" else "documents"
        suffix = ".jpg" if self.kind == "photo" else ""
        return f"{folder}/{self.file_unique_id}{suffix}"


@dataclass(frozen=True)
class InlineButton:
    """One inline keyboard button as the bot sent it."""

    text: str
    callback_data: str | None
    url: str | None
    raw: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return dict(self.raw)


@dataclass
class SentMessage:
    """A message the bot sent, kept up to date with later edits and deletes.

    ``content`` is what the user reads (text, or the caption of a photo/document) after HTML
    parsing; ``history`` holds the Bot API snapshots before each edit, oldest first.
    """

    chat: dict[str, Any]
    message_id: int
    date: int
    bot_user: dict[str, Any]
    method: str
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None  # inline keyboard, as Telegram echoes it
    keyboard: dict[str, Any] | None = None  # reply keyboard / remove / force_reply, if any
    file: StoredFile | None = None
    edit_date: int | None = None
    deleted: bool = False
    history: list[dict[str, Any]] = field(default_factory=list)
    #: When the fake received it (wall clock, comparable across processes: benchmarks).
    sent_at: float = field(default_factory=time.time, compare=False)

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def kind(self) -> str:
        return self.file.kind if self.file else "text"

    @property
    def content(self) -> str:
        """Text or caption, as displayed (tags removed, entities decoded)."""
        return (self.text if self.text is not None else self.caption) or ""

    @property
    def file_bytes(self) -> bytes | None:
        return self.file.data if self.file else None

    @property
    def buttons(self) -> list[list[InlineButton]]:
        """Inline keyboard rows (empty when the message has none)."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [
            [
                InlineButton(
                    text=str(b.get("text", "")),
                    callback_data=b.get("callback_data"),
                    url=b.get("url"),
                    raw=b,
                )
                for b in row
            ]
            for row in rows
        ]

    @property
    def button_texts(self) -> list[str]:
        return [b.text for row in self.buttons for b in row]

    def button(self, text: str) -> InlineButton:
        """The button whose visible text is exactly ``text``; LookupError lists the others."""
        for row in self.buttons:
            for b in row:
                if b.text == text:
                    return b
        raise LookupError(
            f"no button {text!r} on message {self.message_id} in chat {self.chat_id}; "
            f"buttons: {self.button_texts!r}"
        )

    def api(self) -> dict[str, Any]:
        """The Bot API ``Message`` object for the current state."""
        msg: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.bot_user,
            "chat": self.chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            msg["edit_date"] = self.edit_date
        if self.text is not None:
            msg["text"] = self.text
            if self.entities:
                msg["entities"] = self.entities
        if self.file is not None:
            if self.file.kind == "photo":
                msg["photo"] = self.file.sizes
            else:
                msg["document"] = document_api(self.file)
            if self.caption:
                msg["caption"] = self.caption
                if self.entities:
                    msg["caption_entities"] = self.entities
        if self.reply_markup is not None:
            msg["reply_markup"] = self.reply_markup
        return copy.deepcopy(msg)

    def to_json(self) -> dict[str, Any]:
        """Summary for the out-of-process control API."""
        return {
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "method": self.method,
            "kind": self.kind,
            "content": self.content,
            "buttons": [[b.to_json() for b in row] for row in self.buttons],
            "keyboard": self.keyboard,
            "deleted": self.deleted,
            "edits": len(self.history),
            "file_size": len(self.file.data) if self.file else None,
            "api": self.api(),
            "sent_at": self.sent_at,
        }


def document_api(f: StoredFile) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "file_id": f.file_id,
        "file_unique_id": f.file_unique_id,
        "file_size": len(f.data),
    }
    if f.file_name:
        doc["file_name"] = f.file_name
    if f.mime_type:
        doc["mime_type"] = f.mime_type
    return doc


@dataclass
class Call:
    """One Bot API request, in arrival order, with Telegram's answer.

    ``params`` are decoded (ints, bools, JSON objects; uploads as :class:`UploadedFile`).
    ``fault`` names an injected failure (``"500"``, ``"timeout"``, ``"drop"``...) or is None.
    """

    index: int
    method: str
    params: dict[str, Any]
    ok: bool = False
    result: Any = None
    error_code: int | None = None
    description: str | None = None
    fault: str | None = None
    via_webhook_reply: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "method": self.method,
            "params": {
                k: v.to_json() if isinstance(v, UploadedFile) else v for k, v in self.params.items()
            },
            "ok": self.ok,
            "result": self.result,
            "error_code": self.error_code,
            "description": self.description,
            "fault": self.fault,
        }


@dataclass(frozen=True)
class WebhookDelivery:
    """One POST of an update to the bot's webhook; ``status`` is None on a network error."""

    update_id: int
    url: str
    status: int | None
    secret_token: str | None
    error: str | None = None


@dataclass
class CallbackQuery:
    """A button press and the bot's ``answerCallbackQuery`` (``answered`` once it arrives)."""

    id: str
    update_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


@dataclass
class Fault:
    """A failure armed with ``fail_next``: consumed by the next ``times`` calls to a method."""

    kind: str  # "status", "timeout" or "drop"
    status: int = 500
    description: str | None = None
    retry_after: int | None = None
    times: int = 1
    executed: bool = False  # run the method first, then fail (the answer is lost)
    matching: str | None = None  # only calls whose text or caption this regex finds
