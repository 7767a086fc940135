"""`taquilla run --workers N` in its own process group, against the fake Bot API, and what its
workers logged (``bot.log``: logfmt lines, each with ``worker=<n>``)."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import socket
import sys
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
_FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def parse_line(line: str) -> dict[str, str]:
    """One logfmt line's fields (quoted values unquoted)."""
    fields = {}
    for key, value in _FIELD.findall(line):
        if value.startswith('"'):
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        fields[key] = value
    return fields


@dataclass
class Workers:
    """The supervisor process; its workers' log is ``log``."""

    process: asyncio.subprocess.Process
    log: Path
    url: str
    secret: str

    def lines(self) -> Iterator[dict[str, str]]:
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("ts="):
                yield parse_line(line)

    def logged(self, msg: str) -> list[dict[str, str]]:
        return [f for f in self.lines() if f.get("msg", "").startswith(msg)]

    def pids(self) -> dict[str, int]:
        """The live pid of each worker (the newest start of each)."""
        started = {f["worker"]: int(f["pid"]) for f in self.logged("worker started")}
        return started

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    async def post(self, update: dict[str, Any], tries: int = 60) -> int:
        """POST ``update`` on a connection of its own (the kernel picks a worker for it); as
        Telegram, again after half a second while no worker answers it (one was killed)."""
        for _ in range(tries - 1):
            with suppress(aiohttp.ClientError):
                return await self._post(update)
            await asyncio.sleep(0.5)
        return await self._post(update)

    async def _post(self, update: dict[str, Any]) -> int:
        connector = aiohttp.TCPConnector(force_close=True)
        async with aiohttp.ClientSession(connector=connector) as session, session.post(
            self.url, json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": self.secret},
        ) as resp:
            return resp.status

    async def stop(self) -> None:
        with suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            await self.process.wait()


def worker_env(env: dict[str, str]) -> dict[str, str]:
    """This environment without the bot's settings, plus ``env``."""
    prefixes = ("BOT_", "DATABASE_", "REDIS_", "WEBHOOK_", "TELEGRAM_", "ADMIN_", "PROVIDER",
                "CATALOG", "OUTBOX_", "LEASE_", "JOBS_", "USER_LOCK", "TAQUILLA_WORKER", "HOST",
                "PORT", "LOG_LEVEL")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return {**keep, **env}


async def start_workers(count: int, env: dict[str, str], log: Path) -> Workers:
    """``taquilla run --workers count`` with ``env`` (WEBHOOK_URL, PORT… included); returns once
    every worker listens."""
    with log.open("ab") as err:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--workers", str(count), cwd=ROOT,
            env=worker_env(env), stdout=asyncio.subprocess.DEVNULL, stderr=err,
            start_new_session=True,
        )
    workers = Workers(process, log, env["WEBHOOK_URL"], env["WEBHOOK_SECRET"])
    try:
        for _ in range(1200):
            if len(workers.logged("webhook listening")) >= count:
                return workers
            if process.returncode is not None:
                break
            await asyncio.sleep(0.1)
        raise AssertionError(f"{shlex.join(['taquilla', 'run', '--workers', str(count)])} did "
                             f"not start:\n{workers.tail()}")
    except BaseException:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
        raise
