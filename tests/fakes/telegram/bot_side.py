"""The bot's side: what the bot did, read back for a test's asserts.

Its messages in their current state, uploads, command menus, answered button presses, every
call it made. A mixin of ``FakeTelegram``, which owns the state it reads.
"""

from __future__ import annotations

import json
from typing import Any

from .methods import BotAPI
from .records import Call, CallbackQuery, SentMessage
from .state import Chat, Counters, World
from .updates import UpdateQueue


class BotSide:
    world: World
    api: BotAPI
    calls: list[Call]
    _queue: UpdateQueue

    def calls_to(self, method: str) -> list[Call]:
        name = self.api.canonical(method)
        return [c for c in self.calls if c.method == name]

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[SentMessage]:
        """The bot's messages in the chat, current state, oldest first."""
        return self.world.messages(chat_id, include_deleted=include_deleted)

    def last_message(self, chat_id: int) -> SentMessage | None:
        found = self.messages(chat_id)
        return found[-1] if found else None

    def photos(self, chat_id: int) -> list[SentMessage]:
        """Photo messages in the chat; ``.file_bytes`` is exactly what the bot uploaded."""
        return [m for m in self.messages(chat_id) if m.kind == "photo"]

    def documents(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.messages(chat_id) if m.kind == "document"]

    def commands(
        self, *, language_code: str = "", scope: dict[str, Any] | None = None
    ) -> list[dict[str, Any]] | None:
        """The command menu stored by setMyCommands for that scope/language (None if unset)."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return self.world.commands.get(key)

    def callback_query(self, update_id: int) -> CallbackQuery | None:
        """The press made by ``press_button`` (``answered``/``text`` once the bot answers)."""
        return next(
            (q for q in self.world.callback_queries.values() if q.update_id == update_id), None
        )

    def chat(self, chat_id: int) -> Chat:
        return self.world.chat(chat_id)

    @property
    def counters(self) -> Counters:
        return self.world.counters

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by getUpdates (or not yet POSTed to the webhook)."""
        return len(self._queue)
