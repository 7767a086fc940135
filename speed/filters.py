"""aiogram filters resolved on the event loop's thread.

aiogram runs every filter that is not a coroutine, magic filters (``F.…``) included, in a worker
thread (``asyncio.to_thread``): one thread hop per handler it checks, on every update. The
router filters of ``handlers/filters.py`` are attribute reads and string tests, far cheaper
than the hop, so they are wrapped to run in place.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter


class OnLoop(Filter):
    """A magic filter, resolved on the loop's thread (same answer as the bare magic filter)."""

    def __init__(self, magic: MagicFilter) -> None:
        self._magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self._magic.resolve(event)
