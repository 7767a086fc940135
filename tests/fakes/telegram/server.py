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
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

from aiohttp import web

from .errors import BotAPIError
from .faults import DropConnection, Faults, trigger
from .methods import BotAPI
from .params import Params, decode_params
from .ratelimit import RateLimit, RateLimiter
from .records import (
    Call,
    CallbackQuery,
    SentMessage,
    WebhookDelivery,
)
from .routes import build_app
from .state import Chat, Counters, World
from .updates import Notifier, UpdateQueue
from .webhook import USE_CONFIGURED, WebhookConfig, WebhookDeliverer

T = TypeVar("T")
DEFAULT_TOKEN = "123456789:AAFakeTelegramTokenForTaquillaTests00"
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class FakeTelegram:
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

    # -- updates from the user's side ------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        *,
        first_name: str = "Ana",
        language_code: str | None = "es",
        username: str | None = None,
    ) -> dict[str, Any]:
        """Make a user (and their private chat) known without sending an update."""
        return self.world.upsert_user(
            user_id, first_name=first_name, language_code=language_code, username=username
        )

    def send_user_message(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        first_name: str = "Ana",
        language_code: str | None = "es",
        username: str | None = None,
    ) -> int:
        """The user writes ``text`` to the bot (in ``chat_id``, default their private chat).

        Returns the ``update_id``. The update is queued for getUpdates, or POSTed to the
        webhook when one is set.
        """
        user = self.add_user(
            user_id, first_name=first_name, language_code=language_code, username=username
        )
        chat = self.world.ensure_chat(chat_id if chat_id is not None else user_id)
        return self._push({"message": self.world.user_message(user, chat, text)})

    def edit_user_message(self, user_id: int, message_id: int, text: str,
                          *, chat_id: int | None = None) -> int:
        """The user edits their message ``message_id`` to ``text``: an ``edited_message``
        update (same message id, an ``edit_date``); returns the ``update_id``."""
        chat = self.world.chat(chat_id if chat_id is not None else user_id)
        original = self.world.user_messages.get(chat.id, {}).get(message_id)
        if original is None:
            raise LookupError(f"no user message {message_id} in chat {chat.id}")
        edited = {**copy.deepcopy(original), "text": text, "edit_date": self.world.now()}
        edited.pop("entities", None)
        self.world.user_messages[chat.id][message_id] = edited
        return self._push({"edited_message": edited})

    def last_user_message_id(self, user_id: int, *, chat_id: int | None = None) -> int:
        """The id of the last message the user wrote in ``chat_id`` (default: their chat)."""
        return max(self.world.user_messages[chat_id if chat_id is not None else user_id])

    def press_button(
        self,
        user_id: int,
        message: SentMessage | int,
        data: str | None = None,
        *,
        text: str | None = None,
        chat_id: int | None = None,
        strict: bool = True,
    ) -> int:
        """The user presses an inline button on a bot message; returns the ``update_id``.

        Give the button's ``callback_data`` or its visible ``text``. ``message`` is a
        :class:`SentMessage` or a message id in ``chat_id`` (default: the user's chat). With
        ``strict`` the data must be on the message's *current* keyboard, as in Telegram's
        apps; pass ``strict=False`` to forge a press on a stale or foreign keyboard.
        """
        target = self._bot_message(message, chat_id if chat_id is not None else user_id)
        if (data is None) == (text is None):
            raise TypeError("give exactly one of data= or text=")
        if text is not None:
            data = target.button(text).callback_data
            if data is None:
                raise LookupError(f"button {text!r} has no callback_data")
        assert data is not None
        available = [b.callback_data for row in target.buttons for b in row]
        if strict and data not in available:
            raise LookupError(
                f"callback_data {data!r} is not on message {target.message_id}; "
                f"buttons: {[b.raw for row in target.buttons for b in row]!r}"
            )
        user = self.world.users.get(user_id) or self.add_user(user_id)
        update_id = self._queue.next_id()
        query_id = self.world.new_callback_query(update_id, target, data)
        query = {
            "id": query_id,
            "from": user,
            "message": target.api(),
            "chat_instance": str(8_000_000_000_000 + abs(target.chat_id)),
            "data": data,
        }
        return self._push({"update_id": update_id, "callback_query": query})

    def inject_update(self, update: dict[str, Any]) -> int:
        """Queue a raw Update dict as-is (an ``update_id`` is added if missing); returns its id.

        A ``message`` in it becomes known to the fake (its chat and id), so the bot can reply
        to it as it could in Telegram.
        """
        message = update.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            self.world.remember_user_message(message)
        return self._push(dict(update))

    def redeliver(self, update_id: int) -> int:
        """Queue an earlier update again, same ``update_id`` (Telegram's duplicate delivery)."""
        return self.inject_update(self.update(update_id))

    def update(self, update_id: int) -> dict[str, Any]:
        """The update queued earlier under ``update_id`` (as the bot received it)."""
        for update in reversed(self.updates):
            if update["update_id"] == update_id:
                return copy.deepcopy(update)
        raise LookupError(f"no update {update_id} was injected")

    def _push(self, update: dict[str, Any]) -> int:
        self.world.counters.updates_injected += 1
        update_id = self._queue.push(update)
        self.updates.append({"update_id": update_id, **update})
        return update_id

    def _bot_message(self, message: SentMessage | int, chat_id: int) -> SentMessage:
        if isinstance(message, SentMessage):
            chat_id, message = message.chat_id, message.message_id
        found = self.world.bot_message(chat_id, message)
        if found is None:
            raise LookupError(f"no live bot message {message} in chat {chat_id}")
        return found

    # -- reading what the bot did ----------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        name = self.api.canonical(method)
        return [c for c in self.calls if c.method == name]

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[SentMessage]:
        """The bot's messages in the chat, current state, oldest first."""
        return self.world.messages(chat_id, include_deleted=include_deleted)

    def last_message(self, chat_id: int) -> SentMessage | None:
        found = self.messages(chat_id)
        return found[-1] if found else None

    def photos(self, chat_id: int) -> list[SentMessage]:
        """Photo messages in the chat; ``.file_bytes`` is exactly what the bot uploaded."""
        return [m for m in self.messages(chat_id) if m.kind == "photo"]

    def documents(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.messages(chat_id) if m.kind == "document"]

    def commands(
        self, *, language_code: str = "", scope: dict[str, Any] | None = None
    ) -> list[dict[str, Any]] | None:
        """The command menu stored by setMyCommands for that scope/language (None if unset)."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return self.world.commands.get(key)

    def callback_query(self, update_id: int) -> CallbackQuery | None:
        """The press made by ``press_button`` (``answered``/``text`` once the bot answers)."""
        return next(
            (q for q in self.world.callback_queries.values() if q.update_id == update_id), None
        )

    def chat(self, chat_id: int) -> Chat:
        return self.world.chat(chat_id)

    @property
    def counters(self) -> Counters:
        return self.world.counters

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by getUpdates (or not yet POSTed to the webhook)."""
        return len(self._queue)

    # -- waiting ---------------------------------------------------------------------------

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,  # noqa: ASYNC109
        chat_id: int | None = None,
    ) -> T:
        """Wait until ``predicate()`` is truthy (re-checked after every change, or with
        ``chat_id`` after every call naming that chat: ``predicate`` reads only its messages)."""
        try:
            return await self._notifier.wait_until(predicate, timeout, key=chat_id)
        except TimeoutError:
            recent = ", ".join(
                f"{c.method}{'' if c.ok else f'→{c.error_code or c.fault}'}"
                for c in self.calls[-8:]
            )
            raise TimeoutError(
                f"condition not met within {timeout}s; last calls: [{recent}]"
            ) from None

    async def next_message(self, chat_id: int, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """The next bot message in the chat not yet returned by ``next_message`` (in order).

        Each chat has its own cursor, so a message that arrived before the call is not
        missed. The result is live: later edits show up on it.
        """

        def probe() -> SentMessage | None:
            sent = self.messages(chat_id, include_deleted=True)
            cursor = self._cursors.get(chat_id, 0)
            return sent[cursor] if len(sent) > cursor else None

        message = await self.wait_for(probe, timeout, chat_id=chat_id)
        self._cursors[chat_id] = self._cursors.get(chat_id, 0) + 1
        return message

    async def wait_for_call(
        self,
        method: str,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        since: int = 0,
    ) -> Call:
        """The first recorded call to ``method`` with ``index >= since``."""
        name = self.api.canonical(method)
        return await self.wait_for(
            lambda: next((c for c in self.calls[since:] if c.method == name), None), timeout
        )

    # -- controls --------------------------------------------------------------------------

    @property
    def rate_limit(self) -> RateLimit:
        return self._limiter.limit

    def set_rate_limit(self, limit: RateLimit | None) -> None:
        """Change (or with None, turn off) flood control while running."""
        self._limiter.configure(limit)

    def set_blocked(self, chat_id: int, blocked: bool = True) -> None:
        """Sends/edits to the chat answer 403 ``Forbidden: bot was blocked by the user``."""
        if chat_id not in self.world.chats and chat_id > 0:
            self.add_user(chat_id)
        self.world.ensure_chat(chat_id).blocked = blocked

    def fail_next(
        self,
        method: str,
        status: int | str = 500,
        *,
        times: int = 1,
        description: str | None = None,
        retry_after: int | None = None,
        executed: bool = False,
        matching: str | None = None,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        ``status``: an HTTP error code answered Telegram-style (429 gets ``retry_after``),
        ``"timeout"`` (hold the request without answering until the client gives up: give
        the bot a short request timeout) or ``"drop"`` (close the connection unanswered).
        ``executed=True`` runs the method first, so the message *is* sent but the bot never
        learns it (a lost answer). ``matching``: only calls whose text or caption this
        regex finds (a ticket's PIN, not the preview before it); others go through.
        """
        self._faults.arm(
            self.api.canonical(method),
            status,
            times=times,
            description=description,
            retry_after=retry_after,
            executed=executed,
            matching=matching,
        )

    def clear_faults(self) -> None:
        """Disarm every fault ``fail_next`` armed and no call has consumed yet."""
        self._faults.clear()

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
