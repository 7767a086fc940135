"""What each failed send means for its delivery: at most once, never a silent resend."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import SendMessage
from aiohttp import ClientConnectorError, ServerDisconnectedError

from services.broadcast.failures import Failure, classify
from storage.models import DeliveryState

CALL = SendMessage(chat_id=1, text="hola")


def _network(cause: BaseException) -> TelegramNetworkError:
    exc = TelegramNetworkError(CALL, "HTTP Client says - " + type(cause).__name__)
    exc.__cause__ = cause
    return exc


def _refused_connection() -> ClientConnectorError:
    key = SimpleNamespace(host="127.0.0.1", port=9, ssl=True)  # what the error reads of it
    return ClientConnectorError(key, OSError(111, "Connection refused"))  # type: ignore[arg-type]


@pytest.mark.parametrize(("exc", "expected"), [
    # not sent: the row goes back to pending and is sent later
    (TelegramRetryAfter(CALL, "Too Many Requests", 7),
     Failure(None, "flood control: retry after 7s")),
    (_network(_refused_connection()), Failure(None, "HTTP Client says - ClientConnectorError",
                                              trouble=True)),
    # maybe sent: unknown, never resent by itself; everybody backs off
    (_network(ServerDisconnectedError()),
     Failure(DeliveryState.UNKNOWN, "HTTP Client says - ServerDisconnectedError", trouble=True)),
    (TelegramServerError(CALL, "Bad Gateway"),
     Failure(DeliveryState.UNKNOWN, "Bad Gateway", trouble=True)),
    # refused for good
    (TelegramForbiddenError(CALL, "Forbidden: bot was blocked by the user"),
     Failure(DeliveryState.BLOCKED, "Forbidden: bot was blocked by the user", blocked=True)),
    (TelegramMigrateToChat(CALL, "group upgraded", -1001),
     Failure(DeliveryState.FAILED, "group moved to -1001")),
    (TelegramBadRequest(CALL, "Bad Request: chat not found"),
     Failure(DeliveryState.FAILED, "Bad Request: chat not found")),
    (TelegramAPIError(CALL, "something new"), Failure(DeliveryState.FAILED, "something new")),
    # nothing can be sent: the worker stops, the row is not lost
    (TelegramUnauthorizedError(CALL, "Unauthorized"),
     Failure(None, "bot token refused", fatal=True)),
])
def test_a_failed_send_is_classified_by_what_telegram_may_have_done(
    exc: TelegramAPIError, expected: Failure
) -> None:
    assert classify(exc) == expected
