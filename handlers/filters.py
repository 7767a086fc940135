"""Handler filters that run on the event loop.

aiogram runs every filter that is not a coroutine, magic filters (``F.…``) included, in a worker
thread: one thread hop per handler it checks, on every update. Ours are attribute reads and
string tests, far cheaper than the hop, so they are wrapped to run in place.
"""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter


class OnLoop(Filter):
    """A magic filter, resolved on the loop's thread."""

    def __init__(self, magic: MagicFilter) -> None:
        self._magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self._magic.resolve(event)


def data_prefix(prefix: str) -> OnLoop:
    """A button whose callback data starts with ``prefix``."""
    return OnLoop(F.data.startswith(prefix))


def data_in(*values: str) -> OnLoop:
    """A button whose callback data is one of ``values``."""
    return OnLoop(F.data.in_(set(values)))


PLAIN_TEXT = OnLoop(F.text & ~F.text.startswith("/"))
"""A text message that is not a command."""

COMMAND_TEXT = OnLoop(F.text.startswith("/"))
"""A text message that is a command (known or not)."""

PRIVATE_NOT_TEXT = OnLoop(~F.text & (F.chat.type == "private"))
"""A message in a private chat that is not text (a photo, a voice note, a sticker…)."""
