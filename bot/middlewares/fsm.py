"""aiogram's FSM middleware, with the state read inside the unit of work.

aiogram's own middleware reads the state as soon as it holds the user's lock, which is before
our unit of work exists (it must stay outside it, see ``bot.dispatcher``): that read took a
connection of its own, and the handler's reads then went to the database a second time.
``LockedContextMiddleware`` keeps aiogram's lock and context; ``StateMiddleware``, inside the
unit of work, reads the state there, where the storage keeps it for the rest of the update.

With Redis (``REDIS_URL``) the lock is the first thing an update asks of Redis: when it cannot
be taken, :class:`~storage.redis_health.RedisUnavailable` tells the error handler that nothing
of the update was done; when it cannot be released after the update was handled, the update
still counts as handled (the lock expires on its own).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject

from storage.redis_health import RedisUnavailable, outage_cause, redis_outage


class LockedContextMiddleware(FSMContextMiddleware):
    """The user's lock and ``state`` as aiogram gives them; ``raw_state`` is left to
    :class:`StateMiddleware`."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        context = self.resolve_event_context(cast(Bot, data["bot"]), data)
        data["fsm_storage"] = self.storage
        if context is None:
            return await handler(event, data)
        locked = handled = False
        result: Any = None
        try:
            async with self.events_isolation.lock(key=context.key):
                locked = True
                redis_outage.answered()
                data["state"] = context
                result = await handler(event, data)
                handled = True
        except Exception as exc:
            if outage_cause(exc) is None:
                raise
            redis_outage.went_down(exc)
            if not locked:
                raise RedisUnavailable("the update's lock could not be taken") from exc
            if not handled:
                raise
        return result


class StateMiddleware(BaseMiddleware):
    """``raw_state`` (what state filters match) read within the update's unit of work."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        state: FSMContext | None = data.get("state")
        if state is not None:
            data["raw_state"] = await state.get_state()
        return await handler(event, data)
