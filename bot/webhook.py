"""The webhook's request handler: a body that is not a Telegram update is answered 400, not 500.

aiogram's SimpleRequestHandler parses the body inside the request (malformed JSON or an empty body:
HTTP 500 and a traceback) or, in the background, after answering 200 (a JSON array or an object of
the wrong shape: a traceback from a task nobody awaits). Here the body is read and validated before
answering: a request with the right secret and a bad body is a client's mistake (a proxy, a test
tool), so it gets 400 and one warning line that names what was wrong and never quotes the body,
which may carry people's messages or credentials. A good update goes on as in aiogram, validated
once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: How many of a body's schema errors the log line names.
ERRORS_NAMED = 3


class BadUpdate(ValueError):
    """The body is not a Telegram update; the message says why without quoting it."""


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return "a literal"
    return "a number"


def _where(loc: tuple[int | str, ...]) -> str:
    """A field path out of the schema: field names and list positions; anything else (a key the
    sender chose) is shown as ``?``."""
    parts = [str(p) if isinstance(p, int) or p.isidentifier() else "?" for p in loc]
    return ".".join(parts) or "body"


def parse_update(body: bytes, bot: Bot) -> Update:
    """The update in ``body``, bound to ``bot``; :class:`BadUpdate` when it is not one."""
    if not body.strip():
        raise BadUpdate("empty body")
    try:
        text = body.decode()
    except UnicodeDecodeError:
        raise BadUpdate("body is not UTF-8") from None
    try:
        data: Any = bot.session.json_loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise BadUpdate(f"malformed JSON ({exc.msg}; {where})") from None
    except ValueError as exc:  # another JSON library's error (its message may quote the body)
        raise BadUpdate(f"malformed JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise BadUpdate(f"JSON is {_json_kind(data)}, not an update object")
    try:
        return Update.model_validate(data, context={"bot": bot})
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        named = ", ".join(f"{_where(e['loc'])} ({e['type']})" for e in errors[:ERRORS_NAMED])
        more = f" and {len(errors) - ERRORS_NAMED} more" if len(errors) > ERRORS_NAMED else ""
        raise BadUpdate(f"not a Telegram update: {named}{more}") from None


class CheckedRequestHandler(SimpleRequestHandler):
    """SimpleRequestHandler (one bot, the secret compared in constant time) that refuses a body
    that is not an update with 400 before anything is handled."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._feeding: set[asyncio.Task[None]] = set()

    async def handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        if not self.verify_secret(request.headers.get(SECRET_HEADER, ""), bot):
            return web.Response(body="Unauthorized", status=401)
        try:
            update = parse_update(await request.read(), bot)
        except BadUpdate as exc:
            log.warning("webhook body refused: %s", exc, extra={"status": 400})
            return web.Response(text="Bad Request", status=400)
        if self.handle_in_background:
            task = asyncio.create_task(self._feed_in_background(bot, update))
            self._feeding.add(task)
            task.add_done_callback(self._feeding.discard)
            return web.json_response({}, dumps=bot.session.json_dumps)
        result = await self.dispatcher.feed_webhook_update(bot, update, **self.data)
        return web.Response(body=self._build_response_writer(bot=bot, result=result))

    __call__ = handle

    async def _feed_in_background(self, bot: Bot, update: Update) -> None:
        """As aiogram's background feed, but the update is already parsed; a failure the error
        handlers let through is logged here, since no one awaits this task."""
        try:
            result = await self.dispatcher.feed_update(bot, update, **self.data)
        except Exception:
            log.exception("update failed", extra={"update_id": update.update_id})
            return
        if isinstance(result, TelegramMethod):
            await self.dispatcher.silent_call_request(bot=bot, result=result)
