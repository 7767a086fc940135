"""Console mode: the real Dispatcher, middlewares and handlers, fed from a terminal or a pipe.

A `BaseSession` that answers Bot API calls locally replaces HTTP: messages are printed, inline
keyboards become numbered buttons (`/1`, `/2`… press them), photos are saved to files. What a
terminal line cannot say: `\n` in a line is a new line of the same message, and
`/editar TEXTO` (or `/editar #N TEXTO`) edits your last (or your N-th) message, as Telegram's
"edit" does. A button that would prefill the message box prints what it would put there.
`--at` starts the console's clock at another time and `/esperar N` moves it N minutes on (a
draw closing between preview and confirm, without waiting for it).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import BufferedInputFile, FSInputFile, InlineKeyboardMarkup, InputFile, Update

from lottery.catalog import Catalog
from lottery.clock import system_clock
from lottery.i18n import gettext
from services.help import examples_for
from storage.models import UserRole

CONSOLE_TOKEN = "42:console-mode-local-token"  # never sent anywhere: no HTTP in console mode
BOT_ID = 42
_TAG = re.compile(r"<[^>]+>")
_WAIT = re.compile(r"/esperar\s+(\d+(?:\.\d+)?)")
_EDIT = re.compile(r"/editar(?:\s+#(\d+))?\s+(.+)", re.DOTALL)
#: a button that puts text in the message box instead of sending data (Corregir's «Edit here»)
PREFILL = "prefill:"


def html_to_text(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


class ConsoleSession(BaseSession):
    """Answers the Bot API in-process and renders what the bot sends as terminal text."""

    def __init__(self, out: TextIO, photos_dir: Path) -> None:
        super().__init__()
        self.out = out
        self.photos_dir = photos_dir
        self.buttons: list[tuple[int, str]] = []  # (message_id, callback_data) of the last keyboard
        self._message_ids = itertools.count(1)

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        raise NotImplementedError("console mode downloads no files")

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _show_keyboard(self, markup: Any, message_id: int) -> None:
        if not isinstance(markup, InlineKeyboardMarkup):
            return
        self.buttons = []
        rows = []
        for row in markup.inline_keyboard:
            cells = []
            for button in row:
                prefill = button.switch_inline_query_current_chat
                data = PREFILL + prefill if prefill is not None else None
                self.buttons.append((message_id, data or button.callback_data or button.url or ""))
                cells.append(f"[/{len(self.buttons)} {button.text}]")
            rows.append("  ".join(cells))
        self._print("\n".join(rows))

    def _save_photo(self, photo: InputFile | str) -> str:
        self.photos_dir.mkdir(parents=True, exist_ok=True)
        path = self.photos_dir / f"photo-{int(time.time() * 1000)}-{next(self._message_ids)}.png"
        if isinstance(photo, BufferedInputFile):
            path.write_bytes(photo.data)
        elif isinstance(photo, FSInputFile):
            path.write_bytes(Path(photo.path).read_bytes())
        else:
            return str(photo)
        return str(path)

    def _message(self, bot: Bot, chat_id: Any, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": fields.pop("message_id", None) or next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": "private"},
            "from": {"id": bot.id, "is_bot": True, "first_name": "Taquilla"},
            **fields,
        }

    def _result(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetMe):
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Taquilla",
                "username": "taquilla_bot",
            }
        if isinstance(method, SendMessage | EditMessageText):
            prefix = "(edited) " if isinstance(method, EditMessageText) else ""
            self._print("bot> " + prefix + html_to_text(method.text).replace("\n", "\n     "))
            message = self._message(
                bot,
                method.chat_id or 0,
                message_id=getattr(method, "message_id", None),
                text=method.text,
            )
            self._show_keyboard(method.reply_markup, message["message_id"])
            return message
        if isinstance(method, SendPhoto | SendDocument):
            media = method.photo if isinstance(method, SendPhoto) else method.document
            path = self._save_photo(media)
            caption = html_to_text(method.caption) if isinstance(method.caption, str) else ""
            self._print(f"bot> [image: {path}] {caption}".rstrip().replace("\n", "\n     "))
            message = self._message(bot, method.chat_id, caption=method.caption)
            if isinstance(method, SendPhoto):
                message["photo"] = [
                    {"file_id": path, "file_unique_id": path, "width": 1, "height": 1}
                ]
            else:
                message["document"] = {"file_id": path, "file_unique_id": path}
            self._show_keyboard(method.reply_markup, message["message_id"])
            return message
        if isinstance(method, EditMessageReplyMarkup | EditMessageCaption):
            self._show_keyboard(method.reply_markup, method.message_id or 0)
            return True
        if isinstance(method, AnswerCallbackQuery):
            if method.text:
                self._print("bot> (" + method.text + ")")
            return True
        return True

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (BaseSession's signature)
    ) -> TelegramType:
        result = self._result(bot, method)
        payload = json.dumps({"ok": True, "result": result}, default=str)
        return self.check_response(bot, method, 200, payload).result  # type: ignore[return-value]


class ConsoleClock:
    """The console's "now": the real time, moved by ``--at`` and ``/esperar``."""

    def __init__(self, at: datetime | None = None) -> None:
        self.offset = timedelta(0) if at is None else at - system_clock()

    def __call__(self) -> datetime:
        return system_clock() + self.offset

    def wait(self, minutes: float) -> None:
        self.offset += timedelta(minutes=minutes)


class ConsoleUser:
    """Builds the updates a local user would send."""

    def __init__(self, user_id: int, first_name: str, language_code: str) -> None:
        self.user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        self._update_ids = itertools.count(int(time.time() * 1000))
        self._message_ids = itertools.count(1_000_000)
        self.sent: list[tuple[int, int]] = []  # (id, date) of the messages that can be edited

    def message(self, text: str) -> dict[str, Any]:
        message_id, date = next(self._message_ids), int(time.time())
        if not text.startswith("/"):
            self.sent.append((message_id, date))
        return {
            "update_id": next(self._update_ids),
            "message": {
                "message_id": message_id,
                "date": date,
                "chat": {"id": self.user["id"], "type": "private"},
                "from": self.user,
                "text": text,
            },
        }

    def edit(self, number: int, text: str) -> dict[str, Any] | None:
        """The user's ``number``-th message (from 1; commands not counted) edited to ``text``."""
        if not 1 <= number <= len(self.sent):
            return None
        message_id, date = self.sent[number - 1]
        return {
            "update_id": next(self._update_ids),
            "edited_message": {
                "message_id": message_id,
                "date": date,
                "edit_date": int(time.time()),
                "chat": {"id": self.user["id"], "type": "private"},
                "from": self.user,
                "text": text,
            },
        }

    def press(self, message_id: int, data: str) -> dict[str, Any]:
        update_id = next(self._update_ids)
        return {
            "update_id": update_id,
            "callback_query": {
                "id": str(update_id),
                "from": self.user,
                "chat_instance": str(self.user["id"]),
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": {"id": self.user["id"], "type": "private"},
                    "from": {"id": BOT_ID, "is_bot": True, "first_name": "Taquilla"},
                    "text": "…",
                },
            },
        }


def first_play(catalog: Catalog) -> str:
    """A play that sells on the catalog in use whatever the hour: no draw time, so it goes to
    the lottery's next draw (an example with a time may name a draw already closed)."""
    triples = [lot for lot in catalog.lotteries if "triple" in lot.games]
    if triples:
        chosen = next((lot for lot in triples if "zulia" in lot.aliases), triples[0])
        alias = "zulia" if "zulia" in chosen.aliases else chosen.aliases[0]
        return f"123 x5 {alias}"
    return next(iter(examples_for(catalog)), "/help")


def start_hint(role: UserRole, example: str, locale: str) -> str:
    """The first line a newcomer reads: who they are here and how to sell a first ticket, so
    that nobody has to guess why a play is refused."""
    if role == UserRole.ADMIN:
        text = gettext(
            "You are this banca's admin here. Write a play such as «{example}» and confirm it "
            "with /1: that sells your first ticket. /help shows more; /salir leaves.",
            locale,
        )
    elif role == UserRole.SELLER:
        text = gettext(
            "You are a seller here: you sell on the credit (cupo) the banca gives you, and with "
            "none you cannot sell. Write a play such as «{example}» and confirm it with /1. To "
            "sell at once, start the console with another --user-id and no --role (admin).",
            locale,
        )
    else:
        text = gettext(
            "You are a player here: a play is paid from your balance (/saldo shows it). Write a "
            "play such as «{example}» and confirm it with /1. To add balance, start the console "
            "with --balance 100.",
            locale,
        )
    return text.format(example=example)


def make_console_bot(out: TextIO, photos_dir: Path) -> Bot:
    return Bot(
        token=CONSOLE_TOKEN,
        session=ConsoleSession(out, photos_dir),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


async def _read_line(stream: TextIO) -> str:
    return await asyncio.get_running_loop().run_in_executor(None, stream.readline)


async def run_console(
    dp: Dispatcher, bot: Bot, user: ConsoleUser, stdin: TextIO = sys.stdin,
    clock: ConsoleClock | None = None,
) -> None:
    """One line in, the bot's whole answer out, in order; ends at end of input or `/salir`."""
    session = bot.session
    assert isinstance(session, ConsoleSession)
    interactive = stdin.isatty()
    while True:
        if interactive:
            session.out.write("> ")
            session.out.flush()
        line = await _read_line(stdin)
        if not line:
            break
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        if text.strip() in ("/salir", "/exit", "/quit"):
            break
        if not interactive:
            session._print("you> " + text)
        press = re.fullmatch(r"/(\d+)", text.strip())
        edit = _EDIT.fullmatch(text.strip())
        wait = _WAIT.fullmatch(text.strip())
        if wait and clock is not None:
            clock.wait(float(wait.group(1)))
            session._print(f"(the console's clock now reads {clock():%Y-%m-%d %H:%M} UTC)")
            continue
        if press:
            index = int(press.group(1)) - 1
            if not 0 <= index < len(session.buttons):
                session._print(f"(no button /{index + 1})")
                continue
            message_id, data = session.buttons[index]
            if data.startswith(PREFILL):
                shown = data.removeprefix(PREFILL).replace("\n", "\\n")
                session._print(f"(your message box now holds: {shown})")
                continue
            raw = user.press(message_id, data)
        elif edit:
            number = int(edit.group(1)) if edit.group(1) else len(user.sent)
            edited = user.edit(number, edit.group(2).replace("\\n", "\n"))
            if edited is None:
                session._print(f"(no message #{number} to edit)")
                continue
            raw = edited
        else:
            raw = user.message(text.replace("\\n", "\n"))
        await dp.feed_update(bot, Update.model_validate(raw, context={"bot": bot}))
