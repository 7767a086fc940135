"""Telegram may deliver an update twice (webhook retries, a restart before the offset was
confirmed); the update id is recorded when the update's own unit of work commits, so a duplicate
is dropped and an update whose handling failed is not marked."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update

from storage.deferred_writes import drop_pending_writes
from storage.repositories.updates import DuplicateUpdate, defer_mark_processed, was_processed

log = logging.getLogger(__name__)


class DedupMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        session = data["session"]
        if await was_processed(session, event.update_id):
            log.info("duplicate update dropped", extra={"update_id": event.update_id})
            return UNHANDLED
        defer_mark_processed(session, event.update_id)
        try:
            return await handler(event, data)
        except DuplicateUpdate:  # a commit inside the handler found it handled elsewhere
            await session.rollback()
            drop_pending_writes(session)  # the bookkeeping too: this update is not ours
            log.info("duplicate update rolled back", extra={"update_id": event.update_id})
            return UNHANDLED
