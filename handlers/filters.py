"""Handler filters, run on the event loop (``speed.filters.OnLoop``: aiogram would run a magic
filter in a worker thread).

A router of commands, or of buttons with one prefix, says so with a router filter
(``commands_only``, ``buttons``): an update that is not for it passes it by after one string
test instead of being tried against each of its handlers (aiogram's ``Command`` splits the text
and raises on a missing "/"). It also keeps the routers from overlapping, which lets the sale's
go first (``handlers/__init__.py``). Within a router, each button's handler is chosen by its
``CallbackData`` factory's filter (``handlers/callbacks.py``), which also checks the data.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Filter
from aiogram.types import Message

from speed.filters import OnLoop


def data_prefix(*prefixes: str) -> OnLoop:
    """A button whose callback data starts with one of ``prefixes``."""
    return OnLoop(F.data.startswith(prefixes))


PLAIN_TEXT = OnLoop(F.text & ~F.text.startswith("/"))
"""A text message that is not a command."""

COMMAND_TEXT = OnLoop(F.text.startswith("/"))
"""A text message that is a command (known or not)."""

PRIVATE_NOT_TEXT = OnLoop(~F.text & (F.chat.type == "private"))
"""A message in a private chat that is not text (a photo, a voice note, a sticker…)."""


class _SlashFirst(Filter):
    """Text or a caption that starts with "/": aiogram's ``Command`` reads either."""

    async def __call__(self, message: Message) -> bool:
        text = message.text or message.caption
        return text is not None and text.startswith("/")


def commands_only(router: Router) -> Router:
    """``router`` answers only commands: other messages pass it by after one test."""
    router.message.filter(_SlashFirst())
    return router


def buttons(router: Router, *prefixes: str) -> Router:
    """``router``'s buttons all start with one of ``prefixes``: other presses pass it by (and
    one of those prefixes that none of its handlers takes goes on to the catch-all)."""
    router.callback_query.filter(data_prefix(*prefixes))
    return router
