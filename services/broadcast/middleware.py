"""The aiogram session middleware that puts every outgoing message behind one rate limiter.

Registered on ``bot.session``, it sees the bot's ordinary replies and the broadcast alike, so
both draw on the same budget. On a 429 it tells the limiter to stop *every* sender for
``retry_after`` seconds and tries again (a 429 means the message was not sent, so a retry can
never duplicate it).

The broadcast worker needs to know, when it stops, whether a call is still waiting for a permit
(safe to abandon: nothing left the process) or already on the wire (must be waited for). It
hands an :class:`Attempt` down through a context variable, and this middleware moves it along.

A shared limiter lives in Redis; when Redis is down, the message telling someone so would wait
on it and fail. Sends inside :func:`local_limiter_only` use this process's own limiter instead
(same limits, in memory), so that message still goes out, within Telegram's limits.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods.base import Response, TelegramMethod, TelegramType

from services.broadcast.limiter import MemoryRateLimiter, RateLimiter
from services.broadcast.limits import counts_as_message

if TYPE_CHECKING:
    from aiogram import Bot


class AttemptState(enum.Enum):
    WAITING = "waiting"  # for a permit, or out a 429's retry_after: nothing was sent
    ON_WIRE = "on_wire"  # the request may have reached Telegram
    ANSWERED = "answered"


class Attempt:
    """One send's progress, observable by whoever started it (``on_change`` is called)."""

    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        self._state = AttemptState.WAITING
        self._on_change = on_change

    @property
    def state(self) -> AttemptState:
        return self._state

    @state.setter
    def state(self, value: AttemptState) -> None:
        self._state = value
        if self._on_change is not None:
            self._on_change()


current_attempt: ContextVar[Attempt | None] = ContextVar("broadcast_attempt", default=None)
_local_only: ContextVar[bool] = ContextVar("local_limiter_only", default=False)


@contextmanager
def local_limiter_only() -> Iterator[None]:
    """Sends in this block wait on the process's own limiter, not the shared one (which is
    in Redis, and Redis is down)."""
    token = _local_only.set(True)
    try:
        yield
    finally:
        _local_only.reset(token)


class RateLimitMiddleware(BaseRequestMiddleware):
    """Waits on ``limiter`` before each message-producing call; retries 429s ``max_retries``
    times after the pause Telegram asked for (broadcast sends, which carry an :class:`Attempt`,
    are not retried here: the worker puts the row back in the queue instead)."""

    def __init__(self, limiter: RateLimiter, *, max_retries: int = 3) -> None:
        self.limiter = limiter
        #: For :func:`local_limiter_only`: the limiter itself when it is already in memory.
        self.local_limiter: RateLimiter = (
            limiter if isinstance(limiter, MemoryRateLimiter) else MemoryRateLimiter(limiter.limits)
        )
        self.max_retries = max_retries
        self.retry_after_seen = 0  # 429s answered to this process

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not counts_as_message(method.__api_method__):
            return await make_request(bot, method)
        chat_id = getattr(method, "chat_id", None)
        paid = bool(getattr(method, "allow_paid_broadcast", None))
        attempt = current_attempt.get()
        limiter = self.local_limiter if _local_only.get() else self.limiter
        retries = 0
        while True:
            await limiter.acquire(chat_id, paid=paid)
            if attempt is not None:
                attempt.state = AttemptState.ON_WIRE
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                self.retry_after_seen += 1
                if attempt is not None:
                    attempt.state = AttemptState.WAITING
                await limiter.backoff(float(exc.retry_after))
                if attempt is not None or retries >= self.max_retries:
                    raise  # a broadcast send gives its row back rather than hold it waiting
                retries += 1
            finally:
                if attempt is not None and attempt.state is AttemptState.ON_WIRE:
                    attempt.state = AttemptState.ANSWERED


def install_rate_limiter(bot: Bot, limiter: RateLimiter, **options: Any) -> RateLimitMiddleware:
    """Register the middleware on ``bot.session`` once; returns the registered instance.

    Raises ``ValueError`` if the bot already goes through a *different* limiter (two budgets
    would each allow the full rate, and Telegram would answer 429).
    """
    for existing in bot.session.middleware:
        if isinstance(existing, RateLimitMiddleware):
            if existing.limiter is not limiter:
                raise ValueError("the bot already has a RateLimitMiddleware with another limiter")
            return existing
    middleware = RateLimitMiddleware(limiter, **options)
    bot.session.middleware(middleware)
    return middleware
