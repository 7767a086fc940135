"""``/_control/...``: a small JSON API so another process (a benchmark) can drive the fake.

Endpoints (all JSON; errors answer ``{"error": "..."}`` with 400/404/408):

- ``GET  /_control/info``: base_url, token, bot_user, webhook url, pending updates.
- ``POST /_control/messages``: one ``{"user_id", "text", "chat_id"?, "first_name"?,
  "language_code"?, "username"?}`` or ``{"messages": [...]}`` → ``{"update_ids": [...]}``.
- ``POST /_control/press``: ``{"user_id", "message_id", "chat_id"?, "data" | "text",
  "strict"?}`` → ``{"update_id"}``.
- ``POST /_control/updates``: a raw Update → ``{"update_id"}``.
- ``GET  /_control/chats/{chat_id}/messages[?include_deleted=1]`` → ``{"messages": [...]}``.
- ``GET  /_control/chats/{chat_id}/messages/{index}?timeout=S``: the index-th message the
  bot sent to the chat (0-based, deleted ones included), waiting up to S seconds.
- ``GET  /_control/chats/{chat_id}/last``: the newest live bot message.
- ``POST /_control/wait``: ``{"messages_sent"?: N, "chats"?: {"<id>": N},
  "methods"?: {"<method>": N}, "max_pending"?: N, "timeout"?: S}`` waits until all of the
  minimums (successful messages, per chat, calls per method) and the pending maximum hold
  → counters.
- ``GET  /_control/counters``; ``GET /_control/calls?since=I&method=M``.
- ``POST /_control/reset``, ``/_control/rate_limit``, ``/_control/block``, ``/_control/fail_next``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .ratelimit import RateLimit

if TYPE_CHECKING:
    from .server import FakeTelegram

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]
_MESSAGE_FIELDS = ("chat_id", "first_name", "language_code", "username")


def add_control_routes(app: web.Application, tg: FakeTelegram) -> None:
    """Register the control endpoints of ``tg`` on ``app``."""
    c = _Control(tg)
    routes: list[tuple[str, str, Route]] = [
        ("GET", "/_control/info", c.info),
        ("POST", "/_control/messages", c.messages_in),
        ("POST", "/_control/press", c.press),
        ("POST", "/_control/updates", c.raw_update),
        ("GET", "/_control/chats/{chat_id}/messages", c.chat_messages),
        ("GET", "/_control/chats/{chat_id}/messages/{index}", c.chat_message_at),
        ("GET", "/_control/chats/{chat_id}/last", c.last),
        ("POST", "/_control/wait", c.wait),
        ("GET", "/_control/counters", c.counters),
        ("GET", "/_control/calls", c.calls),
        ("POST", "/_control/reset", c.reset),
        ("POST", "/_control/rate_limit", c.rate_limit),
        ("POST", "/_control/block", c.block),
        ("POST", "/_control/fail_next", c.fail_next),
    ]
    for verb, path, handler in routes:
        app.router.add_route(verb, path, _guarded(handler))


def _guarded(handler: Route) -> Route:
    """Turn a test-side mistake into a JSON error instead of an HTML 500 page."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except KeyError as exc:
            return web.json_response({"error": f"missing field {exc}"}, status=400)
        except (LookupError, TypeError, ValueError) as exc:
            status = 404 if isinstance(exc, LookupError) else 400
            return web.json_response({"error": str(exc)}, status=status)
        except TimeoutError as exc:
            return web.json_response({"error": str(exc) or "timeout"}, status=408)

    return wrapped


class _Control:
    def __init__(self, tg: FakeTelegram) -> None:
        self.tg = tg

    def _counters(self) -> dict[str, Any]:
        return {**self.tg.counters.to_json(), "pending_updates": self.tg.pending_updates}

    async def info(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(
            {
                "base_url": self.tg.base_url,
                "token": self.tg.token,
                "bot_user": self.tg.bot_user,
                "webhook_url": self.tg.webhook.url,
                "pending_updates": self.tg.pending_updates,
            }
        )

    async def messages_in(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        items = body.get("messages", [body])
        update_ids = [
            self.tg.send_user_message(
                int(item["user_id"]),
                str(item["text"]),
                **{k: item[k] for k in _MESSAGE_FIELDS if item.get(k) is not None},
            )
            for item in items
        ]
        return web.json_response({"update_ids": update_ids})

    async def press(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        update_id = self.tg.press_button(
            int(body["user_id"]),
            int(body["message_id"]),
            body.get("data"),
            text=body.get("text"),
            chat_id=body.get("chat_id"),
            strict=bool(body.get("strict", True)),
        )
        return web.json_response({"update_id": update_id})

    async def raw_update(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({"update_id": self.tg.inject_update(await request.json())})

    async def chat_messages(self, request: web.Request) -> web.StreamResponse:
        chat_id = int(request.match_info["chat_id"])
        include_deleted = request.query.get("include_deleted") in ("1", "true")
        found = self.tg.messages(chat_id, include_deleted=include_deleted)
        return web.json_response({"messages": [m.to_json() for m in found]})

    async def chat_message_at(self, request: web.Request) -> web.StreamResponse:
        chat_id = int(request.match_info["chat_id"])
        index = int(request.match_info["index"])
        timeout = float(request.query.get("timeout", "5"))

        def probe() -> Any:
            sent = self.tg.messages(chat_id, include_deleted=True)
            return sent[index] if len(sent) > index else None

        found = await self.tg.wait_for(probe, timeout, chat_id=chat_id)
        return web.json_response(found.to_json())

    async def last(self, request: web.Request) -> web.StreamResponse:
        message = self.tg.last_message(int(request.match_info["chat_id"]))
        if message is None:
            raise LookupError("the bot has sent nothing to this chat")
        return web.json_response(message.to_json())

    async def wait(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        total = body.get("messages_sent")
        chats = {int(k): int(v) for k, v in (body.get("chats") or {}).items()}
        methods = {self.tg.api.canonical(k): int(v) for k, v in (body.get("methods") or {}).items()}
        max_pending = body.get("max_pending")

        def done() -> bool:
            counters = self.tg.counters
            return (
                (total is None or counters.messages_sent >= int(total))
                and all(counters.per_chat[c] >= n for c, n in chats.items())
                and all(counters.per_method[m] >= n for m, n in methods.items())
                and (max_pending is None or self.tg.pending_updates <= int(max_pending))
            )

        await self.tg.wait_for(done, float(body.get("timeout", 5)))
        return web.json_response(self._counters())

    async def counters(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(self._counters())

    async def calls(self, request: web.Request) -> web.StreamResponse:
        since = int(request.query.get("since", "0"))
        method = request.query.get("method")
        selected = self.tg.calls[since:] if method is None else self.tg.calls_to(method)
        selected = [c for c in selected if c.index >= since]
        return web.json_response({"calls": [c.to_json() for c in selected]})

    async def reset(self, request: web.Request) -> web.StreamResponse:
        self.tg.reset()
        return web.json_response({"ok": True})

    async def rate_limit(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.tg.set_rate_limit(
            RateLimit(
                global_per_second=body.get("global_per_second"),
                per_chat_per_second=body.get("per_chat_per_second"),
                retry_after=body.get("retry_after"),
            )
        )
        return web.json_response({"ok": True})

    async def block(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.tg.set_blocked(int(body["chat_id"]), bool(body.get("blocked", True)))
        return web.json_response({"ok": True})

    async def fail_next(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.tg.fail_next(
            str(body["method"]),
            body.get("status", 500),
            times=int(body.get("times", 1)),
            description=body.get("description"),
            retry_after=body.get("retry_after"),
            executed=bool(body.get("executed", False)),
            matching=body.get("matching"),
        )
        return web.json_response({"ok": True})
