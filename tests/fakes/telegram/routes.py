"""The aiohttp application: Bot API routes, file downloads and ``/_control``.

URLs are what ``TelegramAPIServer.from_base(base_url)`` builds: ``{base}/bot{token}/{method}``
for methods and ``{base}/file/bot{token}/{file_path}`` for downloads. A wrong token answers
401 ``Unauthorized`` like Telegram.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from aiohttp import web

from .control import Route, add_control_routes
from .errors import NOT_FOUND, UNAUTHORIZED, BotAPIError
from .faults import DropConnection
from .params import read_request_params

if TYPE_CHECKING:
    from .server import FakeTelegram

MAX_REQUEST_BYTES = 50 * 1024 * 1024  # Telegram's upload limit for bots


def build_app(tg: FakeTelegram) -> web.Application:
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app.router.add_route("*", "/bot{token}/{method}", _method_handler(tg))
    app.router.add_get("/file/bot{token}/{path:.+}", _file_handler(tg))
    add_control_routes(app, tg)
    return app


def _method_handler(tg: FakeTelegram) -> Route:
    async def handle(request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != tg.token:
            return web.json_response(UNAUTHORIZED.payload(), status=401)
        try:
            values = await read_request_params(request)
        except web.HTTPRequestEntityTooLarge:
            error = BotAPIError(413, "Request Entity Too Large")
            return web.json_response(error.payload(), status=413)
        try:
            status, payload = await tg.execute(request.match_info["method"], values)
        except DropConnection:
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError from None
        return web.json_response(payload, status=status)

    return handle


def _file_handler(tg: FakeTelegram) -> Route:
    async def handle(request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != tg.token:
            return web.json_response(UNAUTHORIZED.payload(), status=401)
        path = request.match_info["path"]
        for stored in tg.world.files.values():
            if stored.file_path == path:
                return web.Response(body=stored.data, content_type="application/octet-stream")
        return web.json_response(NOT_FOUND.payload(), status=404)

    return handle
