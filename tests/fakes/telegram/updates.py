"""The queue of updates waiting for the bot, with getUpdates' offset/limit semantics.

An update stays queued until the bot confirms it by calling getUpdates with a higher
``offset`` (Telegram re-sends unconfirmed updates, e.g. after a crash mid-batch). To let tests
re-deliver an old ``update_id`` (a duplicate), only updates already handed out are confirmed
by ``offset``, and a batch never goes back in ``update_id`` order: a duplicate starts a new
batch, so aiogram's ``offset = update_id + 1`` bookkeeping keeps working.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

#: Telegram's default when ``allowed_updates`` was never given (or given as ``[]``).
_OFF_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Notifier:
    """Wakes waiters when something changes; no polling, no fixed sleeps.

    A waiter's probe is re-evaluated after each change, once the code that made the change
    has yielded (it may still be writing its record when it notifies). A waiter that names a
    ``key`` (a chat id) is re-evaluated only when that key changes, or on ``notify_all``: two
    hundred people waiting for their own chat's next message would otherwise re-read every
    chat on every call the bot makes.
    """

    def __init__(self) -> None:
        self._waiters: dict[Hashable, dict[asyncio.Future[Any], Callable[[], Any]]] = {}
        self._changed: set[Hashable] = set()
        self._everything = False
        self._scheduled = False
        self._loop: asyncio.AbstractEventLoop | None = None  # the waiters' loop

    def notify(self, key: Hashable = None) -> None:
        """Something changed: unkeyed waiters, and those of ``key`` if given, look again."""
        if self._waiters:
            self._changed.add(key)
            self._schedule()

    def notify_chat(self, chat_id: object) -> None:
        """A Bot API call naming ``chat_id`` (or none) ran: only that chat's messages changed.
        A chat named by ``@username`` wakes everyone (its waiters know it by number)."""
        if chat_id is None:
            self.notify()
        elif isinstance(chat_id, int) or str(chat_id).lstrip("-").isdigit():
            self.notify(int(chat_id))  # type: ignore[call-overload]
        else:
            self.notify_all()

    def notify_all(self) -> None:
        """Everything may have changed (a reset, the server closing): every waiter looks."""
        if self._waiters:
            self._everything = True
            self._schedule()

    def _schedule(self) -> None:
        if self._scheduled:
            return
        self._scheduled = True
        assert self._loop is not None  # set by the first waiter
        try:
            here = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            here = False
        (self._loop.call_soon if here else self._loop.call_soon_threadsafe)(self._look)

    def _look(self) -> None:
        self._scheduled = False
        keys = list(self._waiters) if self._everything else [None, *self._changed]
        self._changed.clear()
        self._everything = False
        for key in dict.fromkeys(keys):
            for future, probe in list(self._waiters.get(key, {}).items()):
                if future.done():
                    continue
                try:
                    value = probe()
                except Exception as exc:  # the waiter's own error, raised where it waits
                    future.set_exception(exc)
                    continue
                if value:
                    future.set_result(value)

    async def wait_until(
        self,
        probe: Callable[[], T],
        timeout: float | None,  # noqa: ASYNC109
        key: Hashable = None,
    ) -> T:
        """Re-evaluate ``probe`` after every change until truthy; TimeoutError otherwise.

        With a ``key``, ``probe`` must depend only on what ``notify(key)`` announces."""
        value = probe()
        if value:
            return value
        self._loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = self._loop.create_future()
        waiters = self._waiters.setdefault(key, {})
        waiters[future] = probe
        try:
            async with asyncio.timeout(timeout):
                return await future
        finally:
            del waiters[future]
            if not waiters and self._waiters.get(key) is waiters:
                del self._waiters[key]


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
