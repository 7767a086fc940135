"""What a failed Bot API call means for one delivery (the rules in ``worker``'s docstring)."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiohttp import ClientConnectorError

from storage.models import DeliveryState


@dataclass(frozen=True)
class Failure:
    """``state`` None: not sent, the row goes back to ``pending``. ``blocked``: the user blocked
    the bot (unsubscribe them). ``trouble``: Telegram unreachable or failing, every sender backs
    off. ``fatal``: no send can succeed (the token), the worker stops."""

    state: DeliveryState | None
    reason: str
    blocked: bool = False
    trouble: bool = False
    fatal: bool = False


def classify(exc: TelegramAPIError) -> Failure:
    if isinstance(exc, TelegramRetryAfter):  # the middleware's retries ran out; not sent
        return Failure(None, f"flood control: retry after {exc.retry_after}s")
    if isinstance(exc, TelegramForbiddenError):
        return Failure(DeliveryState.BLOCKED, exc.message, blocked=True)
    if isinstance(exc, TelegramMigrateToChat):
        return Failure(DeliveryState.FAILED, f"group moved to {exc.migrate_to_chat_id}")
    if isinstance(exc, TelegramUnauthorizedError):
        return Failure(None, "bot token refused", fatal=True)
    if isinstance(exc, TelegramNetworkError):
        if isinstance(exc.__cause__, ClientConnectorError):  # never reached Telegram
            return Failure(None, exc.message, trouble=True)
        return Failure(DeliveryState.UNKNOWN, exc.message, trouble=True)  # may have been sent
    if isinstance(exc, TelegramServerError):
        return Failure(DeliveryState.UNKNOWN, exc.message, trouble=True)
    return Failure(DeliveryState.FAILED, exc.message)  # 400 and the like: refused
