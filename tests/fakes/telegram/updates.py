"""The queue of updates waiting for the bot, with getUpdates' offset/limit semantics.

An update stays queued until the bot confirms it by calling getUpdates with a higher
``offset`` (Telegram re-sends unconfirmed updates, e.g. after a crash mid-batch). To let tests
re-deliver an old ``update_id`` (a duplicate), only updates already handed out are confirmed
by ``offset``, and a batch never goes back in ``update_id`` order: a duplicate starts a new
batch, so aiogram's ``offset = update_id + 1`` bookkeeping keeps working.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

#: Telegram's default when ``allowed_updates`` was never given (or given as ``[]``).
_OFF_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Notifier:
    """Wakes every waiter when something changes; no polling, no fixed sleeps."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, probe: Callable[[], T], timeout: float | None) -> T:  # noqa: ASYNC109
        """Re-evaluate ``probe`` after every change until truthy; TimeoutError otherwise."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            event = self._event
            value = probe()
            if value:
                return value
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                raise TimeoutError
            async with asyncio.timeout(remaining):
                await event.wait()


def update_type(update: dict[str, Any]) -> str:
    return next((k for k in update if k != "update_id"), "")


def update_chat_id(update: dict[str, Any]) -> int | None:
    """The chat an update belongs to (to keep one chat's webhook deliveries in order)."""
    body = update.get(update_type(update))
    if not isinstance(body, dict):
        return None
    chat = body.get("chat") or (body.get("message") or {}).get("chat") or body.get("from")
    return chat.get("id") if isinstance(chat, dict) else None


@dataclass
class _Entry:
    update: dict[str, Any]
    handed_out: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


class UpdateQueue:
    """Pending updates in arrival order; ids are assigned increasingly from ``first_id``."""

    def __init__(self, notifier: Notifier, first_id: int = 100_000) -> None:
        self._notifier = notifier
        self._entries: list[_Entry] = []
        self._next_id = first_id
        self.allowed_updates: list[str] | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def next_id(self) -> int:
        update_id = self._next_id
        self._next_id += 1
        return update_id

    def push(self, update: dict[str, Any]) -> int:
        """Queue ``update`` (an ``update_id`` is assigned when missing) and wake the pollers."""
        if "update_id" not in update:
            update = {"update_id": self.next_id(), **update}
        update_id = int(update["update_id"])
        self._next_id = max(self._next_id, update_id + 1)
        self._entries.append(_Entry(update))
        self._notifier.notify()
        return update_id

    def clear(self) -> None:
        self._entries.clear()

    def set_allowed(self, allowed: list[str] | None) -> None:
        """getUpdates/setWebhook ``allowed_updates``: None keeps the previous setting."""
        if allowed is not None:
            self.allowed_updates = list(allowed)

    def confirm(self, offset: int) -> None:
        """Forget updates the bot has acknowledged with ``offset`` (negative: keep the last N)."""
        if offset > 0:
            self._entries = [
                e for e in self._entries if not (e.handed_out and e.update_id < offset)
            ]
        elif offset < 0:
            self._entries = self._entries[offset:]

    def take_batch(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` updates for getUpdates, in increasing ``update_id`` order."""
        self._drop_unwanted()
        batch: list[dict[str, Any]] = []
        for entry in self._entries[: max(1, min(limit, 100))]:
            if batch and entry.update_id <= batch[-1]["update_id"]:
                break
            entry.handed_out = True
            batch.append(entry.update)
        return batch

    def pop_for_webhook(self, busy_chats: set[int | None]) -> dict[str, Any] | None:
        """The oldest update whose chat has no delivery in flight (removed from the queue)."""
        self._drop_unwanted()
        for index, entry in enumerate(self._entries):
            chat = update_chat_id(entry.update)
            if chat is None or chat not in busy_chats:
                del self._entries[index]
                return entry.update
        return None

    def _drop_unwanted(self) -> None:
        allowed = self.allowed_updates
        if allowed:
            self._entries = [e for e in self._entries if update_type(e.update) in allowed]
        else:
            self._entries = [
                e for e in self._entries if update_type(e.update) not in _OFF_BY_DEFAULT
            ]
