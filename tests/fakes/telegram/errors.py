"""Bot API error answers, worded exactly as Telegram words them.

aiogram picks its exception class from the HTTP status and ``parameters`` (see
``aiogram.client.session.base.BaseSession.check_response``), and bots often match on the
description text ("message is not modified", "bot was blocked by the user"), so both the
status and the text must be Telegram's own.
"""

from __future__ import annotations

from typing import Any


class BotAPIError(Exception):
    """A method call refused the way Telegram refuses it: ``{"ok": false, ...}`` plus a status."""

    def __init__(
        self,
        code: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        parameters: dict[str, int] = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body


def bad_request(reason: str) -> BotAPIError:
    """400 ``Bad Request: <reason>`` → aiogram ``TelegramBadRequest``."""
    return BotAPIError(400, f"Bad Request: {reason}")


def too_many_requests(retry_after: int) -> BotAPIError:
    """429 with ``parameters.retry_after`` → aiogram ``TelegramRetryAfter``."""
    return BotAPIError(
        429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
    )


def forbidden(reason: str) -> BotAPIError:
    """403 ``Forbidden: <reason>`` → aiogram ``TelegramForbiddenError``."""
    return BotAPIError(403, f"Forbidden: {reason}")


def conflict(reason: str) -> BotAPIError:
    """409 ``Conflict: <reason>`` → aiogram ``TelegramConflictError``."""
    return BotAPIError(409, f"Conflict: {reason}")


NOT_FOUND = BotAPIError(404, "Not Found")
UNAUTHORIZED = BotAPIError(401, "Unauthorized")
CHAT_NOT_FOUND = "chat not found"
BOT_BLOCKED = "bot was blocked by the user"
WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_TERMINATED = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"

#: Descriptions used when a test injects a bare status with ``fail_next``.
DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: injected failure",
    404: "Not Found",
    409: "Conflict: injected failure",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
