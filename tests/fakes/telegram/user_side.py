"""The user's side of the chat: what a test makes the user do (write, edit, press a button).

Each action becomes an update, queued for getUpdates or POSTed to the webhook when one is set,
and kept in ``updates`` so a test can deliver it again (Telegram's duplicate delivery). A mixin
of ``FakeTelegram``, which owns the state it uses.
"""

from __future__ import annotations

import copy
from typing import Any

from .records import SentMessage
from .state import World
from .updates import UpdateQueue


class UserSide:
    world: World
    updates: list[dict[str, Any]]  # every update injected, in order
    _queue: UpdateQueue

    def add_user(
        self,
        user_id: int,
        *,
        first_name: str = "Ana",
        language_code: str | None = "es",
        username: str | None = None,
    ) -> dict[str, Any]:
        """Make a user (and their private chat) known without sending an update."""
        return self.world.upsert_user(
            user_id, first_name=first_name, language_code=language_code, username=username
        )

    def send_user_message(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        first_name: str = "Ana",
        language_code: str | None = "es",
        username: str | None = None,
    ) -> int:
        """The user writes ``text`` to the bot (in ``chat_id``, default their private chat).

        Returns the ``update_id``. The update is queued for getUpdates, or POSTed to the
        webhook when one is set.
        """
        user = self.add_user(
            user_id, first_name=first_name, language_code=language_code, username=username
        )
        chat = self.world.ensure_chat(chat_id if chat_id is not None else user_id)
        return self._push({"message": self.world.user_message(user, chat, text)})

    def edit_user_message(self, user_id: int, message_id: int, text: str,
                          *, chat_id: int | None = None) -> int:
        """The user edits their message ``message_id`` to ``text``: an ``edited_message``
        update (same message id, an ``edit_date``); returns the ``update_id``."""
        chat = self.world.chat(chat_id if chat_id is not None else user_id)
        original = self.world.user_messages.get(chat.id, {}).get(message_id)
        if original is None:
            raise LookupError(f"no user message {message_id} in chat {chat.id}")
        edited = {**copy.deepcopy(original), "text": text, "edit_date": self.world.now()}
        edited.pop("entities", None)
        self.world.user_messages[chat.id][message_id] = edited
        return self._push({"edited_message": edited})

    def last_user_message_id(self, user_id: int, *, chat_id: int | None = None) -> int:
        """The id of the last message the user wrote in ``chat_id`` (default: their chat)."""
        return max(self.world.user_messages[chat_id if chat_id is not None else user_id])

    def press_button(
        self,
        user_id: int,
        message: SentMessage | int,
        data: str | None = None,
        *,
        text: str | None = None,
        chat_id: int | None = None,
        strict: bool = True,
    ) -> int:
        """The user presses an inline button on a bot message; returns the ``update_id``.

        Give the button's ``callback_data`` or its visible ``text``. ``message`` is a
        :class:`SentMessage` or a message id in ``chat_id`` (default: the user's chat). With
        ``strict`` the data must be on the message's *current* keyboard, as in Telegram's
        apps; pass ``strict=False`` to forge a press on a stale or foreign keyboard.
        """
        target = self._bot_message(message, chat_id if chat_id is not None else user_id)
        if (data is None) == (text is None):
            raise TypeError("give exactly one of data= or text=")
        if text is not None:
            data = target.button(text).callback_data
            if data is None:
                raise LookupError(f"button {text!r} has no callback_data")
        assert data is not None
        available = [b.callback_data for row in target.buttons for b in row]
        if strict and data not in available:
            raise LookupError(
                f"callback_data {data!r} is not on message {target.message_id}; "
                f"buttons: {[b.raw for row in target.buttons for b in row]!r}"
            )
        user = self.world.users.get(user_id) or self.add_user(user_id)
        update_id = self._queue.next_id()
        query_id = self.world.new_callback_query(update_id, target, data)
        query = {
            "id": query_id,
            "from": user,
            "message": target.api(),
            "chat_instance": str(8_000_000_000_000 + abs(target.chat_id)),
            "data": data,
        }
        return self._push({"update_id": update_id, "callback_query": query})

    def inject_update(self, update: dict[str, Any]) -> int:
        """Queue a raw Update dict as-is (an ``update_id`` is added if missing); returns its id.

        A ``message`` in it becomes known to the fake (its chat and id), so the bot can reply
        to it as it could in Telegram.
        """
        message = update.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            self.world.remember_user_message(message)
        return self._push(dict(update))

    def redeliver(self, update_id: int) -> int:
        """Queue an earlier update again, same ``update_id`` (Telegram's duplicate delivery)."""
        return self.inject_update(self.update(update_id))

    def update(self, update_id: int) -> dict[str, Any]:
        """The update queued earlier under ``update_id`` (as the bot received it)."""
        for update in reversed(self.updates):
            if update["update_id"] == update_id:
                return copy.deepcopy(update)
        raise LookupError(f"no update {update_id} was injected")

    def _push(self, update: dict[str, Any]) -> int:
        self.world.counters.updates_injected += 1
        update_id = self._queue.push(update)
        self.updates.append({"update_id": update_id, **update})
        return update_id

    def _bot_message(self, message: SentMessage | int, chat_id: int) -> SentMessage:
        if isinstance(message, SentMessage):
            chat_id, message = message.chat_id, message.message_id
        found = self.world.bot_message(chat_id, message)
        if found is None:
            raise LookupError(f"no live bot message {message} in chat {chat_id}")
        return found
