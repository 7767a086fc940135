"""The aiohttp server under every provider simulator: routes per operation, faults, quiet detection.

A simulator subclasses ``SimulatorServer``, declares its routes in ``routes()`` as
``(method, path, op, handler)`` and writes handlers ``async def h(request, body) -> Response``
(``body`` is the decoded JSON request body, or None). The server runs on 127.0.0.1 on a free port::

    async with SoportexSimulator() as sim:
        sim.base_url, sim.faults.set(Fault.LOST, op="registrarticket"), await sim.idle()

Handlers are cancelled when the client disconnects (that is how a held request ends), but a SLOW
request carries on in the background like a real server and books after the client has gone;
``idle()`` waits for every such request to finish, so tests never sleep. A LATE request is held
until its client gives up and is booked by the next ``idle()``: after the adapter's own lookup.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any, Self

from aiohttp import web

from .faults import CARACAS, ArmedFault, Fault, FaultPlan

Handler = Callable[[web.Request, Any], Awaitable[web.StreamResponse]]
Route = tuple[str, str, str, Handler]


class SimulatorServer:
    def __init__(self, *, clock: Callable[[], datetime] | None = None, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(CARACAS))
        self.faults = FaultPlan()
        #: every request as (op, decoded body), in arrival order
        self.calls: list[tuple[str, Any]] = []
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._inflight = 0
        self._background: set[asyncio.Task[web.StreamResponse]] = set()
        self._late: list[tuple[Handler, web.Request, Any]] = []
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._closing = asyncio.Event()

    # -- to override -----------------------------------------------------------------------
    def routes(self) -> Iterable[Route]:
        raise NotImplementedError

    async def on_expired_token(self, op: str, request: web.Request, body: Any
                               ) -> web.StreamResponse | None:
        """Make this call's credentials invalid; return an answer to send instead, or None to let
        the handler see the invalid credentials."""
        return None

    async def on_business_refusal(self, op: str, request: web.Request, body: Any,
                                  handler: Handler) -> web.StreamResponse:
        """The provider's own refusal of this call, in its document's shape (Fault.BUSINESS)."""
        raise NotImplementedError

    # -- lifecycle -------------------------------------------------------------------------
    async def __aenter__(self) -> Self:
        app = web.Application()
        for method, path, op, handler in self.routes():
            app.router.add_route(method, path, self._wrap(op, handler))
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None,
                                     shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self._port = server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closing.set()
        for task in list(self._background):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self._port}"

    def ops(self) -> list[str]:
        return [op for op, _ in self.calls]

    async def idle(self) -> None:
        """Wait until no request is being handled, in the foreground or the background; then book
        what LATE held (its client has gone by then)."""
        while self._inflight or self._background:
            self._quiet.clear()
            await self._quiet.wait()
        late, self._late = self._late, []
        for handler, request, body in late:
            await handler(request, body)

    # -- machinery -------------------------------------------------------------------------
    def _wrap(self, op: str, handler: Handler) -> Callable[[web.Request], Awaitable[Any]]:
        async def run(request: web.Request) -> web.StreamResponse:
            self._inflight += 1
            try:
                raw = await request.read()
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    return web.json_response({"status": 400, "error": "invalid JSON"}, status=400)
                self.calls.append((op, body))
                fault = self.faults.take(op)
                if fault is None:
                    return await handler(request, body)
                return await self._faulty(fault, op, request, body, handler)
            finally:
                self._inflight -= 1
                self._wake()

        return run

    async def _faulty(self, fault: ArmedFault, op: str, request: web.Request, body: Any,
                      handler: Handler) -> web.StreamResponse:
        if fault.kind is Fault.LATE:
            self._late.append((handler, request, body))
        if fault.kind in (Fault.TIMEOUT, Fault.LATE):
            await self._closing.wait()  # cancelled as soon as the client gives up
            _drop(request)
        if fault.kind is Fault.ERROR_500:
            return web.Response(status=500, text="Internal Server Error")
        if fault.kind is Fault.LOST:
            await handler(request, body)
            _drop(request)
        if fault.kind is Fault.MALFORMED:
            answer = await handler(request, body)
            text = answer.text if isinstance(answer, web.Response) and answer.text else "{}"
            return web.Response(status=200, text=text[: max(1, len(text) // 2)],
                                content_type="application/json")
        if fault.kind is Fault.SLOW:
            task = asyncio.ensure_future(self._later(fault.delay, handler, request, body))
            self._background.add(task)
            task.add_done_callback(self._finished)
            return await asyncio.shield(task)
        if fault.kind is Fault.BUSINESS:
            return await self.on_business_refusal(op, request, body, handler)
        override = await self.on_expired_token(op, request, body)
        return override if override is not None else await handler(request, body)

    async def _later(self, delay: float, handler: Handler, request: web.Request, body: Any
                     ) -> web.StreamResponse:
        await asyncio.sleep(delay)  # the fault itself is the delay
        return await handler(request, body)

    def _finished(self, task: asyncio.Task[web.StreamResponse]) -> None:
        self._background.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved, so asyncio does not log it
        self._wake()

    def _wake(self) -> None:
        if not self._inflight and not self._background:
            self._quiet.set()


def _drop(request: web.Request) -> None:
    """Close the connection without answering."""
    if request.transport is not None:
        request.transport.abort()
    raise asyncio.CancelledError


def ok_json(payload: Any, status: int = 200) -> web.Response:
    return web.json_response(payload, status=status)
