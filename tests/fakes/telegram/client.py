"""``FakeTelegramClient``: drives an out-of-process fake through ``/_control`` (benchmarks).

proc = subprocess.Popen([sys.executable, "-m", "tests.fakes.telegram_server", "--port", "0",
                         "--rate-limit", "30"], stdout=subprocess.PIPE, text=True)
base_url = proc.stdout.readline().strip()
async with FakeTelegramClient(base_url) as tg:
    token = (await tg.info())["token"]      # start the bot against base_url with it
    ids = await tg.send_user_messages([{"user_id": u, "text": "/start"} for u in users])
    await tg.wait(chats={u: 1 for u in users}, timeout=30)
    last = await tg.last_message(users[0])  # {"content", "buttons", "message_id", ...}
    await tg.press_button(users[0], last["message_id"], text="Comprar")
    print(await tg.counters())              # messages_sent, rate_limited, per_chat, ...
"""

from __future__ import annotations

from typing import Any

import aiohttp


class FakeTelegramError(RuntimeError):
    """The control API refused a request (unknown message, bad field, wait timed out)."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(f"{status}: {error}")
        self.status = status
        self.error = error


class FakeTelegramClient:
    """Async client for the control API of a fake started with ``python -m ...telegram_server``."""

    def __init__(self, base_url: str, *, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._cursors: dict[int, int] = {}

    async def __aenter__(self) -> FakeTelegramClient:
        self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _request(self, verb: str, path: str, body: Any = None, **query: Any) -> Any:
        if self._session is None:
            raise RuntimeError("use FakeTelegramClient as 'async with'")
        params = {k: str(v) for k, v in query.items() if v is not None}
        url = f"{self.base_url}/_control/{path}"
        async with self._session.request(verb, url, json=body, params=params) as resp:
            payload = await resp.json()
            if resp.status >= 400:
                raise FakeTelegramError(resp.status, payload.get("error", ""))
            return payload

    async def info(self) -> dict[str, Any]:
        """``base_url``, ``token``, ``bot_user``, ``webhook_url``, ``pending_updates``."""
        return await self._request("GET", "info")

    async def send_user_message(self, user_id: int, text: str, **fields: Any) -> int:
        """Like ``FakeTelegram.send_user_message``; returns the update_id."""
        ids = await self.send_user_messages([{"user_id": user_id, "text": text, **fields}])
        return ids[0]

    async def send_user_messages(self, messages: list[dict[str, Any]]) -> list[int]:
        """Inject many user messages in one request (``user_id``, ``text``, ...)."""
        return (await self._request("POST", "messages", {"messages": messages}))["update_ids"]

    async def press_button(
        self,
        user_id: int,
        message_id: int,
        *,
        data: str | None = None,
        text: str | None = None,
        chat_id: int | None = None,
        strict: bool = True,
    ) -> int:
        body = {
            "user_id": user_id,
            "message_id": message_id,
            "data": data,
            "text": text,
            "chat_id": chat_id,
            "strict": strict,
        }
        return (await self._request("POST", "press", body))["update_id"]

    async def inject_update(self, update: dict[str, Any]) -> int:
        return (await self._request("POST", "updates", update))["update_id"]

    async def messages(
        self, chat_id: int, *, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        found = await self._request(
            "GET", f"chats/{chat_id}/messages", include_deleted=int(include_deleted)
        )
        return found["messages"]

    async def last_message(self, chat_id: int) -> dict[str, Any] | None:
        """The newest live bot message (``content``, ``buttons``, ``message_id``...) or None."""
        try:
            return await self._request("GET", f"chats/{chat_id}/last")
        except FakeTelegramError as exc:
            if exc.status == 404:
                return None
            raise

    async def next_message(self, chat_id: int, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """The next message the bot sent to the chat, in order (a per-chat cursor)."""
        index = self._cursors.get(chat_id, 0)
        message = await self._request("GET", f"chats/{chat_id}/messages/{index}", timeout=timeout)
        self._cursors[chat_id] = index + 1
        return message

    async def wait(
        self,
        *,
        messages_sent: int | None = None,
        chats: dict[int, int] | None = None,
        methods: dict[str, int] | None = None,
        max_pending: int | None = None,
        timeout: float = 30.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """Wait until the counters reach the minimums (successful messages in total and per
        chat, calls per method, e.g. ``{"answerCallbackQuery": 1}``) and at most
        ``max_pending`` updates are unconfirmed; returns the counters."""
        body = {
            "messages_sent": messages_sent,
            "chats": {str(k): v for k, v in (chats or {}).items()},
            "methods": methods or {},
            "max_pending": max_pending,
            "timeout": timeout,
        }
        return await self._request("POST", "wait", body)

    async def counters(self) -> dict[str, Any]:
        """messages_sent, rate_limited, errors, edits, per_chat, per_method, pending_updates."""
        return await self._request("GET", "counters")

    async def calls(self, *, since: int = 0, method: str | None = None) -> list[dict[str, Any]]:
        return (await self._request("GET", "calls", since=since, method=method))["calls"]

    async def reset(self) -> None:
        self._cursors.clear()
        await self._request("POST", "reset", {})

    async def set_rate_limit(
        self,
        global_per_second: float | None = None,
        per_chat_per_second: float | None = None,
        retry_after: int | None = None,
    ) -> None:
        body = {
            "global_per_second": global_per_second,
            "per_chat_per_second": per_chat_per_second,
            "retry_after": retry_after,
        }
        await self._request("POST", "rate_limit", body)

    async def set_blocked(self, chat_id: int, blocked: bool = True) -> None:
        await self._request("POST", "block", {"chat_id": chat_id, "blocked": blocked})

    async def fail_next(self, method: str, status: int | str = 500, **options: Any) -> None:
        """Same options as ``FakeTelegram.fail_next`` (times, description, retry_after...)."""
        await self._request("POST", "fail_next", {"method": method, "status": status, **options})
