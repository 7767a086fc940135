"""Pictures (tickets, results, report charts) are drawn in a worker process.

Pillow's drawing calls and qrcode are mostly Python: a ticket image held the GIL for ~4 ms, so a
worker thread still stalled every other chat while it drew. One worker process
(``speed.picture_worker``) draws beside the bot instead, on another core, once per process
and shared by every app context; ``warm_up`` starts it ahead of the first ticket.

The event loop talks to it over its stdin and stdout, with no thread in between: a
``ProcessPoolExecutor`` woke two helper threads of the bot per picture, and their fight for the
GIL with the busy event loop cost more than the drawing's own traffic (measured: ~8% of the
sales rate). Pipes, unlike asyncio's subprocess transports, belong to no event loop: the reader
follows whichever loop asks for a picture.

If the worker dies, the pictures it owed are drawn in threads and the next one gets a new
worker; after two deaths in a row (a worker that cannot even start, say) pictures are drawn in
threads for the rest of the process's life.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import functools
import json
import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from speed.picture_worker import ANSWER_HEADER, SYS_PATH, frame

log = logging.getLogger(__name__)

_MAX_DEATHS = 2
_READ_SIZE = 1 << 16
_ROOT = Path(__file__).resolve().parents[1]


class WorkerDied(Exception):
    """The drawing process ended before answering."""


class DrawingFailed(Exception):
    """The drawing raised in the worker; the message is its traceback."""


class _Worker:
    """One drawing process; calls are answered in the order they were sent."""

    def __init__(self) -> None:
        # the bot's import path, as multiprocessing's spawn would give it
        env = {**os.environ, SYS_PATH: json.dumps(sys.path)}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "speed.picture_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=_ROOT, env=env,
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._in = self._process.stdin.fileno()
        self._out = self._process.stdout.fileno()
        os.set_blocking(self._in, False)
        os.set_blocking(self._out, False)
        self._unsent = bytearray()
        self._unread = bytearray()
        self._waiting: collections.deque[asyncio.Future[bytes]] = collections.deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.dead = False

    def draw(self, call: Callable[[], bytes]) -> asyncio.Future[bytes]:
        request = frame(pickle.dumps(call, protocol=pickle.HIGHEST_PROTOCOL))
        loop = asyncio.get_running_loop()
        self._follow(loop)
        future: asyncio.Future[bytes] = loop.create_future()
        self._waiting.append(future)
        self._unsent += request
        self._send()
        return future

    def _follow(self, loop: asyncio.AbstractEventLoop) -> None:
        """Watch the pipes from ``loop``; answers owed to an earlier, finished loop are read
        and dropped."""
        if self._loop is loop:
            return
        self._unwatch()
        self._loop = loop
        loop.add_reader(self._out, self._receive)
        if self._unsent:
            loop.add_writer(self._in, self._send)

    def _unwatch(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._out)
            self._loop.remove_writer(self._in)
        self._loop = None

    def _send(self) -> None:
        try:
            written = os.write(self._in, self._unsent)
        except BlockingIOError:
            written = 0
        except OSError:  # the worker is gone: its end of the pipe is closed
            self._die()
            return
        del self._unsent[:written]
        assert self._loop is not None
        if self._unsent:  # the pipe is full: the worker is busy drawing
            self._loop.add_writer(self._in, self._send)
        else:
            self._loop.remove_writer(self._in)

    def _receive(self) -> None:
        try:
            chunk = os.read(self._out, _READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._die()
            return
        self._unread += chunk
        while len(self._unread) >= ANSWER_HEADER:
            size = int.from_bytes(self._unread[1:ANSWER_HEADER], "big")
            if len(self._unread) < ANSWER_HEADER + size:
                return
            ok = self._unread[0] == 1
            body = bytes(self._unread[ANSWER_HEADER:ANSWER_HEADER + size])
            del self._unread[:ANSWER_HEADER + size]
            future = self._waiting.popleft()
            if future.done() or future.get_loop().is_closed():
                continue
            if ok:
                future.set_result(body)
            else:
                future.set_exception(DrawingFailed(body.decode(errors="replace")))

    def _die(self) -> None:
        self.dead = True
        self._unwatch()
        for future in self._waiting:
            if not future.done() and not future.get_loop().is_closed():
                future.set_exception(WorkerDied())
        self._waiting.clear()
        self.stop()

    def stop(self) -> None:
        """End the worker: it finishes on end of input."""
        self._unwatch()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                pipe.close()
        try:
            self._process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    @property
    def pid(self) -> int:
        return self._process.pid


_worker: _Worker | None = None
_deaths_in_a_row = 0


def _live_worker() -> _Worker | None:
    """The worker, started when there is none; None once workers have died too often."""
    global _worker, _deaths_in_a_row
    if _worker is not None and _worker.dead:
        _worker, _deaths_in_a_row = None, _deaths_in_a_row + 1
    if _deaths_in_a_row >= _MAX_DEATHS:
        return None
    if _worker is None:
        try:
            _worker = _Worker()
        except OSError:
            _deaths_in_a_row += 1
            log.exception("the drawing process could not start; pictures are drawn in threads")
            return None
    return _worker


@atexit.register
def _stop_worker() -> None:
    if _worker is not None and not _worker.dead:
        _worker.stop()


def warm_up() -> None:
    """Start the worker now, so that the first ticket does not wait for it to start."""
    _live_worker()


async def draw(render: Callable[..., bytes], *args: Any, **kwargs: Any) -> bytes:
    """``render(*args, **kwargs)`` in the worker; ``render`` and its arguments must pickle.
    Raises :class:`DrawingFailed` when the drawing raises."""
    global _deaths_in_a_row
    call = functools.partial(render, *args, **kwargs)
    worker = _live_worker()
    if worker is None:
        return await asyncio.to_thread(call)
    try:
        png = await worker.draw(call)
    except WorkerDied:
        log.exception("the drawing process died; this picture is drawn in a thread")
        return await asyncio.to_thread(call)
    _deaths_in_a_row = 0
    return png
