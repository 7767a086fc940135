"""``FakeTelegram``: the Bot API over real HTTP on 127.0.0.1, plus the test-side controls.

A real aiogram ``Bot`` talks to it unchanged::

    async with FakeTelegram() as tg:
        session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
        bot = Bot(tg.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
        ...  # start the Dispatcher (polling or webhook)
        tg.send_user_message(42, "/start")
        reply = await tg.next_message(42)
        tg.press_button(42, reply, text="Comprar")

Every request is recorded in ``tg.calls`` whether it succeeded or not; the bot's messages are
kept per chat with their current state (``tg.messages(chat_id)``). Waiting is event-driven:
``wait_for``/``next_message`` wake on each recorded change, so tests never sleep.

This module holds the state, the server's lifecycle, one Bot API call and the webhook
controls; the test-side API comes from mixins: ``user_side``, ``bot_side``, ``waiting``,
``mishaps``.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from aiohttp import web

from .bot_side import BotSide
from .errors import BotAPIError
from .faults import DropConnection, Faults, trigger
from .methods import BotAPI
from .mishaps import Mishaps
from .params import Params, decode_params
from .ratelimit import RateLimit, RateLimiter
from .records import Call, WebhookDelivery
from .routes import build_app
from .state import World
from .updates import Notifier, UpdateQueue
from .user_side import UserSide
from .waiting import Waiting
from .webhook import USE_CONFIGURED, WebhookConfig, WebhookDeliverer

DEFAULT_TOKEN = "123456789:AAFakeTelegramTokenForTaquillaTests00"
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class FakeTelegram(UserSide, BotSide, Waiting, Mishaps):
    """A fake Telegram Bot API server for one bot token; use as ``async with``.

    Connection: ``base_url`` (for ``TelegramAPIServer.from_base``), ``token``, ``bot_user``.
    The user's side: ``add_user``, ``send_user_message``, ``press_button``, ``inject_update``,
    ``redeliver``. What the bot did: ``calls``/``calls_to``, ``messages``, ``last_message``,
    ``photos``, ``documents``, ``commands``, ``callback_query``, ``webhook_deliveries``,
    ``counters``. Waiting: ``wait_for``, ``next_message``, ``wait_for_call``. Controls:
    ``set_rate_limit``, ``set_blocked``, ``fail_next``, ``post_to_webhook``, ``reset``.

    ``rate_limit`` turns on flood control (off by default); ``clock`` gives message dates
    (seconds since the epoch) and ``monotonic`` drives the rate limiter, both injectable.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        rate_limit: RateLimit | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_first_name: str = "Taquilla",
        bot_username: str = "taquilla_test_bot",
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        webhook_timeout: float = 10.0,
    ) -> None:
        if not _TOKEN.match(token):
            raise ValueError(f"not a bot token: {token!r}")
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._host, self._port = host, port
        self._clock = clock
        self._notifier = Notifier()
        self.world = World(self.bot_user, clock)
        self._queue = UpdateQueue(self._notifier)
        self._limiter = RateLimiter(rate_limit, monotonic)
        self.webhook = WebhookConfig()
        self._closing = False
        self._closed = asyncio.Event()
        self.api = BotAPI(
            self.world, self._queue, self._limiter, self.webhook, self._notifier, self._is_closing
        )
        self._deliverer = WebhookDeliverer(
            self.webhook,
            self._queue,
            self._notifier,
            self._execute_webhook_reply,
            self._record_delivery,
            clock,
            webhook_timeout,
        )
        self.calls: list[Call] = []
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.updates: list[dict[str, Any]] = []  # every update injected, in order
        self._faults = Faults()
        self._cursors: dict[int, int] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        self._runner = web.AppRunner(
            build_app(self), handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        await self._deliverer.start()

    async def close(self) -> None:
        """Answer waiting long polls with ``[]``, stop webhook deliveries, stop the server."""
        self._closing = True
        self._closed.set()
        self._notifier.notify_all()
        await self._deliverer.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def _is_closing(self) -> bool:
        return self._closing

    # -- one Bot API call -------------------------------------------------------------------

    async def execute(
        self, method: str, values: dict[str, Any], *, via_webhook_reply: bool = False
    ) -> tuple[int, dict[str, Any]]:
        """Run one Bot API call, record it, apply armed faults; return (status, JSON body)."""
        name = self.api.canonical(method)
        call = Call(index=len(self.calls), method=name, params=decode_params(values))
        call.via_webhook_reply = via_webhook_reply
        self.calls.append(call)
        self.world.counters.per_method[name] += 1
        fault = self._faults.take(name, call.params)
        try:
            if fault is not None and not fault.executed:
                await trigger(fault, call, self._closed)
            result = await self.api.call(name, Params(call.params))
            if fault is not None and fault.executed:
                call.result = result
                await trigger(fault, call, self._closed)
        except BotAPIError as error:
            call.error_code, call.description = error.code, error.description
            self.world.counters.errors += 1
            if call.fault == "429":  # flood-control 429s are counted where they happen
                self.world.counters.rate_limited += 1
            return error.code, error.payload()
        finally:
            self._notifier.notify_chat(call.params.get("chat_id"))
        call.ok, call.result = True, result
        return 200, {"ok": True, "result": result}

    async def _execute_webhook_reply(self, method: str, values: dict[str, Any]) -> None:
        with suppress(DropConnection):  # nobody waits for the answer of a webhook reply
            await self.execute(method, values, via_webhook_reply=True)

    # -- webhook controls ------------------------------------------------------------------

    async def post_to_webhook(
        self,
        update: dict[str, Any],
        *,
        secret_token: object = USE_CONFIGURED,
        url: str | None = None,
    ) -> WebhookDelivery:
        """POST ``update`` to the webhook now, bypassing the queue (for secret checks).

        ``secret_token``: the configured one by default; a wrong string, or None to send no
        header at all. An ``update_id`` is assigned when missing.
        """
        target = url or self.webhook.url
        if not target:
            raise RuntimeError("no webhook set (the bot has not called setWebhook)")
        secret = self.webhook.secret_token if secret_token is USE_CONFIGURED else secret_token
        assert secret is None or isinstance(secret, str)
        if "update_id" not in update:
            update = {"update_id": self._queue.next_id(), **update}
        return await self._deliverer.post(update, url=target, secret_token=secret)

    def retry_webhooks(self, after: float | None) -> None:
        """Post a queued update whose delivery failed again after ``after`` seconds, as
        Telegram does (None, the default: never)."""
        self._deliverer.retry_after = after

    def _record_delivery(self, delivery: WebhookDelivery) -> None:
        self.webhook_deliveries.append(delivery)
        self._notifier.notify()

    # -- starting over ---------------------------------------------------------------------

    def reset(self) -> None:
        """Forget chats, messages, calls, counters, faults and queued updates.

        The webhook setting and the rate limit configuration stay (the bot keeps running).
        """
        self.world = World(self.bot_user, self._clock)
        self.api.world = self.world
        self._queue.clear()
        self._limiter.reset()
        self.calls.clear()
        self.updates.clear()
        self.webhook_deliveries.clear()
        self._faults.clear()
        self._cursors.clear()
        self._notifier.notify_all()
