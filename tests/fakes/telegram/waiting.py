"""Waiting for the bot without sleeping: each wait wakes on the changes the ``Notifier`` announces.

A mixin of ``FakeTelegram``, which owns the state it uses (``_cursors``: how far
``next_message`` has read each chat).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .methods import BotAPI
from .records import Call, SentMessage
from .state import World
from .updates import Notifier

T = TypeVar("T")


class Waiting:
    world: World
    api: BotAPI
    calls: list[Call]
    _notifier: Notifier
    _cursors: dict[int, int]

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,  # noqa: ASYNC109
        chat_id: int | None = None,
    ) -> T:
        """Wait until ``predicate()`` is truthy (re-checked after every change, or with
        ``chat_id`` after every call naming that chat: ``predicate`` reads only its messages)."""
        try:
            return await self._notifier.wait_until(predicate, timeout, key=chat_id)
        except TimeoutError:
            recent = ", ".join(
                f"{c.method}{'' if c.ok else f'→{c.error_code or c.fault}'}"
                for c in self.calls[-8:]
            )
            raise TimeoutError(
                f"condition not met within {timeout}s; last calls: [{recent}]"
            ) from None

    async def next_message(self, chat_id: int, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """The next bot message in the chat not yet returned by ``next_message`` (in order).

        Each chat has its own cursor, so a message that arrived before the call is not
        missed. The result is live: later edits show up on it.
        """

        def probe() -> SentMessage | None:
            sent = self.world.messages(chat_id, include_deleted=True)
            cursor = self._cursors.get(chat_id, 0)
            return sent[cursor] if len(sent) > cursor else None

        message = await self.wait_for(probe, timeout, chat_id=chat_id)
        self._cursors[chat_id] = self._cursors.get(chat_id, 0) + 1
        return message

    async def wait_for_call(
        self,
        method: str,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        since: int = 0,
    ) -> Call:
        """The first recorded call to ``method`` with ``index >= since``."""
        name = self.api.canonical(method)
        return await self.wait_for(
            lambda: next((c for c in self.calls[since:] if c.method == name), None), timeout
        )
