"""One unit of work per update: commit when the handler succeeds, roll back when it raises.

Who commits: this middleware, so handlers and services write and return. Two kinds of flow
commit by themselves, each commit with its reason beside it. A flow that calls a remote provider
(a remote sale, a remote payment or cancel, reconciliation, the results feed) owns its
transactions, because no transaction may stay open across a slow remote call: it commits before
the call and after recording its outcome. A flow that hands its rows over at once commits before
it does: the house sale sends the ticket its commit queued in the outbox (``services.sales``), a
result entry or an announcement wakes the senders of what it queued (``services.publish``). The
update's own bookkeeping (its duplicate mark, its FSM state) is written by the update's first
commit, whoever makes it (``storage.deferred_writes``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm_storage import flush_fsm, use_session
from storage.repositories.updates import DuplicateUpdate

log = logging.getLogger(__name__)


def _update_id(event: TelegramObject) -> int | None:
    return event.update_id if isinstance(event, Update) else None


class DbSessionMiddleware(BaseMiddleware):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self.sessionmaker() as session:
            data["session"] = session
            try:
                try:
                    # FSM writes join this unit of work (on SQLite a second writer would
                    # deadlock; on Redis they wait for its commit).
                    with use_session(session):
                        result = await handler(event, data)
                except BaseException:
                    await session.rollback()
                    raise
                try:
                    await session.commit()
                except DuplicateUpdate:  # another worker handled this update first
                    await session.rollback()
                    log.info("duplicate update rolled back",
                             extra={"update_id": _update_id(event)})
                    return UNHANDLED
                return result
            finally:
                if (storage := data.get("fsm_storage")) is not None:
                    await flush_fsm(storage, session)
