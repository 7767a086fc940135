"""Webhook mode: POSTing queued updates to the URL the bot registered with setWebhook.

Deliveries for different chats run in parallel (up to ``max_connections``, like Telegram) while
one chat's updates go one at a time, in order. A failed delivery is recorded (status, error)
and shown in getWebhookInfo's ``last_error_message``; it is not retried (a test that sends
a wrong secret sees exactly one rejected POST) unless ``retry_after`` is set: then, as Telegram
does, the update is posted again after that many seconds, its chat's later updates waiting.
A webhook answer that carries a method (aiogram's "reply into webhook") is executed like a
normal call.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from .records import UploadedFile, WebhookDelivery
from .updates import Notifier, UpdateQueue, update_chat_id

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ReplyExecutor = Callable[[str, dict[str, Any]], Awaitable[None]]


@dataclass
class WebhookConfig:
    """What setWebhook stored; ``url == ""`` means polling mode."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class _Default:
    pass


USE_CONFIGURED = _Default()


class WebhookDeliverer:
    """Background task draining the update queue into the webhook while one is set."""

    def __init__(
        self,
        config: WebhookConfig,
        queue: UpdateQueue,
        notifier: Notifier,
        execute_reply: ReplyExecutor,
        record: Callable[[WebhookDelivery], None],
        clock: Callable[[], float],
        timeout: float = 10.0,
    ) -> None:
        self.config = config
        self._queue = queue
        self._notifier = notifier
        self._execute_reply = execute_reply
        self._record = record
        self._clock = clock
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._loop_task: asyncio.Task[None] | None = None
        self._in_flight: dict[asyncio.Task[None], int | None] = {}
        #: Seconds before a failed delivery of a queued update is tried again (None: never).
        self.retry_after: float | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout))
        self._loop_task = asyncio.create_task(self._run(), name="fake-telegram-webhook")

    async def close(self) -> None:
        tasks = [t for t in (self._loop_task, *self._in_flight) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def _run(self) -> None:
        while True:
            update = await self._notifier.wait_until(self._next_update, None)
            chat = update_chat_id(update)
            task = asyncio.create_task(self._deliver_queued(update))
            self._in_flight[task] = chat
            task.add_done_callback(self._finished)

    def _next_update(self) -> dict[str, Any] | None:
        if not self.config.url or len(self._in_flight) >= self.config.max_connections:
            return None
        return self._queue.pop_for_webhook(set(self._in_flight.values()))

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.pop(task, None)
        self._notifier.notify()

    async def _deliver_queued(self, update: dict[str, Any]) -> None:
        while True:
            delivery = await self.post(update, url=self.config.url,
                                       secret_token=self.config.secret_token)
            if delivery.error is None or self.retry_after is None or not self.config.url:
                return
            await asyncio.sleep(self.retry_after)

    async def post(
        self, update: dict[str, Any], *, url: str, secret_token: str | None
    ) -> WebhookDelivery:
        """POST one update; record and return the outcome; run any method in the answer."""
        assert self._session is not None, "FakeTelegram is not started"
        headers = {SECRET_HEADER: secret_token} if secret_token is not None else {}
        status: int | None = None
        error: str | None = None
        reply: tuple[str, dict[str, Any]] | None = None
        try:
            async with self._session.post(url, json=update, headers=headers) as resp:
                status = resp.status
                reply = await _read_reply(resp) if resp.ok else None
                if not resp.ok:
                    error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {type(exc).__name__}: {exc}"
        delivery = WebhookDelivery(
            update_id=int(update["update_id"]),
            url=url,
            status=status,
            secret_token=secret_token,
            error=error,
        )
        if error is not None:
            self.config.last_error_date = int(self._clock())
            self.config.last_error_message = error
        self._record(delivery)
        if reply is not None:
            method, params = reply
            await self._execute_reply(method, params)
        return delivery


async def _read_reply(resp: aiohttp.ClientResponse) -> tuple[str, dict[str, Any]] | None:
    """A method the bot answered the webhook with (JSON or multipart form), if any."""
    if resp.content_type == "application/json":
        try:
            body = json.loads(await resp.text())
        except ValueError:
            return None
        if isinstance(body, dict) and isinstance(body.get("method"), str):
            method = body.pop("method")
            return method, body
        return None
    if resp.content_type.startswith("multipart/"):
        fields: dict[str, Any] = {}
        reader = aiohttp.MultipartReader(resp.headers, resp.content)
        while (part := await reader.next()) is not None:
            if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                content_type = part.headers.get(aiohttp.hdrs.CONTENT_TYPE)
                fields[part.name] = UploadedFile(part.filename, content_type, await part.read())
            else:
                fields[part.name] = await part.text()
        method = fields.pop("method", None)
        return (method, fields) if isinstance(method, str) else None
    return None
