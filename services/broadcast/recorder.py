"""Group commit for delivery outcomes: one transaction records everything that arrived while
the previous one was being written.

Each outcome is written as soon as the database is free (no timer, so no added delay when
idle), and under load dozens of outcomes share one commit instead of queueing for SQLite's
single writer one by one. Callers wait until *their* outcome is committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.clock import Clock
from storage.repositories import broadcasts as repo

Op = Callable[[AsyncSession], Awaitable[object]]


class OutcomeRecorder:
    def __init__(
        self,
        transaction: Callable[[], AbstractAsyncContextManager[AsyncSession]],
        clock: Clock,
    ) -> None:
        self._transaction = transaction
        self._clock = clock
        self._sent: list[tuple[int, int]] = []
        self._ops: list[Op] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def sent(self, delivery_id: int, message_id: int) -> None:
        """Record a delivery as sent (batched into one executemany)."""
        self._sent.append((delivery_id, message_id))
        await self._submit()

    async def run(self, op: Op) -> None:
        """Run ``op`` inside the next shared transaction."""
        self._ops.append(op)
        await self._submit()

    async def flushed(self) -> None:
        """Wait until everything submitted so far is written (or failed)."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.wait([self._flusher])

    async def _submit(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        waiter.add_done_callback(_retrieve)  # an abandoned waiter's error is still "seen"
        self._waiters.append(waiter)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        # Shielded: a cancelled caller does not un-write its outcome.
        await asyncio.shield(waiter)

    async def _flush(self) -> None:
        while self._waiters:
            sent, ops, waiters = self._sent, self._ops, self._waiters
            self._sent, self._ops, self._waiters = [], [], []
            try:
                async with self._transaction() as s:
                    await repo.mark_sent_many(s, sent, self._clock())
                    for op in ops:
                        await op(s)
            except Exception as exc:
                for w in waiters:
                    if not w.done():
                        w.set_exception(exc)
            else:
                for w in waiters:
                    if not w.done():
                        w.set_result(None)


def _retrieve(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()
