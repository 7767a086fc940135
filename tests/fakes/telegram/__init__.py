"""A fake Telegram Bot API server for end-to-end tests and benchmarks.

It speaks the real Bot API over HTTP on 127.0.0.1 (random port), so the real aiogram ``Bot``
and ``Dispatcher`` (long polling or webhook) run against it unchanged, and it answers with
Telegram's own errors (text limits, malformed HTML, callback data size, "message is not
modified", unknown chats, blocked users, flood control 429, webhook conflicts), so aiogram
raises its real exceptions. See :class:`FakeTelegram` for the in-process API and
:class:`FakeTelegramClient` for driving an out-of-process server
(``python -m tests.fakes.telegram_server``).

Modules: ``server`` (state, HTTP, one call), whose test API comes from ``user_side`` (the
user's actions), ``bot_side`` (what the bot did), ``waiting`` and ``mishaps`` (flood control,
blocked users, faults); ``methods`` (Bot API methods), ``text`` (HTML entities and length
rules), ``params`` (form decoding, keyboards), ``updates`` (getUpdates queue), ``webhook``
(deliveries), ``ratelimit``, ``state``, ``records``, ``control`` + ``client``.
"""

from .client import FakeTelegramClient, FakeTelegramError
from .errors import BotAPIError
from .ratelimit import RateLimit
from .records import Call, CallbackQuery, InlineButton, SentMessage, UploadedFile, WebhookDelivery
from .server import DEFAULT_TOKEN, FakeTelegram

__all__ = [
    "DEFAULT_TOKEN",
    "BotAPIError",
    "Call",
    "CallbackQuery",
    "FakeTelegram",
    "FakeTelegramClient",
    "FakeTelegramError",
    "InlineButton",
    "RateLimit",
    "SentMessage",
    "UploadedFile",
    "WebhookDelivery",
]
