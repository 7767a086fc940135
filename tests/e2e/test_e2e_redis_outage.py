"""Redis going away, as people and operators notice it (``REDIS_URL`` set).

Each test runs its own ``redis-server`` on a free port and stops and restarts it at will. With
Redis down the bot must not go silent: a person is told the system is busy and to try again in
a minute (in their language), the outage is logged once, and when Redis is back the bot serves
again without a restart. At start-up, an unreachable Redis stops ``taquilla run`` with one line.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiogram import Dispatcher, Router
from aiogram.filters import Command
from aiogram.types import Message
from redis.asyncio import Redis
from sqlalchemy import func, select

import tests.e2e.harness as harness
from bot.context import AppContext
from bot.dispatcher import create_dispatcher
from handlers import build_root_router
from storage.models import Ticket
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PLAYER = 5001
ENGLISH = 5002
PLAYS = "123-ARI 5 zamorano 12pm"
BUSY_ES = "⏳ El sistema está ocupado, inténtalo en un minuto."
BUSY_EN = "⏳ The system is busy, try again in a minute."
BUSY_MIDWAY_ES = (
    "⏳ El sistema está ocupado, inténtalo en un minuto. Si estabas comprando, revisa primero "
    "/tickets: un ticket nunca se vende dos veces."
)

pytestmark = pytest.mark.skipif(
    not Path(REDIS_SERVER).exists(), reason="redis-server is not installed"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisProcess:
    """A private ``redis-server`` that the test can stop and start again on the same port."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self.process is None
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:  # answering PING, not merely listening
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def _tickets(run: RunningBot) -> int:
    async with run.app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)


async def _limiter_keys(url: str) -> list[bytes]:
    client = Redis.from_url(url)
    try:
        return [key async for key in client.scan_iter(match="{taquilla:rl}:*")]
    finally:
        await client.aclose()


async def test_redis_down_gets_a_busy_answer_and_the_bot_recovers_by_itself(
    tg: FakeTelegram, db_url: str, redis_server: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tg, db_url, redis_url=redis_server.url)
    async with running_bot(tg, settings) as run:
        assert "¡Hola" in (await run.say(PLAYER, "/start")).content
        english = await run.say(ENGLISH, "/start", first_name="John", language_code="en-US")
        assert "Hello" in english.content
        await run.fund(PLAYER, balance=10_000)
        assert "Serial" in (await run.buy(PLAYER, PLAYS)).content

        caplog.set_level(logging.WARNING)
        caplog.clear()
        redis_server.stop()
        # Every update during the outage is answered, in the person's language.
        assert (await run.say(PLAYER, "/help")).content == BUSY_ES
        assert (await run.say(PLAYER, PLAYS)).content == BUSY_ES
        assert (await run.say(ENGLISH, "/help")).content == BUSY_EN
        assert (await run.say(PLAYER, "/start")).content == BUSY_ES
        # One error for the outage, not one per update, and no tracebacks.
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert [r.getMessage() for r in errors] == [errors[0].getMessage()]
        assert "Redis" in errors[0].getMessage() and "REDIS_URL" in errors[0].getMessage()
        assert not [r for r in caplog.records if r.exc_info]
        assert await _tickets(run) == 1

        redis_server.start()  # empty: what Redis held is gone, as after a real crash
        reply = await run.say(PLAYER, "/help")
        assert reply.content != BUSY_ES and "/sorteos" in reply.content
        preview = await run.say(PLAYER, PLAYS)  # the sale's draft lives in Redis again
        assert "Triple Zamorano" in preview.content
        assert "Serial" in (await run.press(PLAYER, preview, "✅ Confirmar")).content
        assert await _tickets(run) == 2 and await run.balance(PLAYER) == 9_000
        assert await _limiter_keys(redis_server.url)  # the shared limiter counts in Redis again
        assert any("answers again" in r.getMessage() for r in caplog.records)
        assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1


def _probe_router(redis_server: RedisProcess) -> Router:
    """Handlers during which Redis dies: half-way through, and right after answering."""
    router = Router(name="redis-probe")

    @router.message(Command("midway"))
    async def midway(message: Message) -> None:
        await message.answer("first half")
        redis_server.stop()
        await message.answer("second half")  # waits on the shared limiter, in Redis

    @router.message(Command("answered"))
    async def answered(message: Message) -> None:
        await message.answer("all done")
        redis_server.stop()  # the update's lock is released after this, in Redis

    return router


async def test_redis_dying_while_an_update_is_handled(
    tg: FakeTelegram, db_url: str, redis_server: RedisProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dispatcher(app: AppContext) -> Dispatcher:
        root = Router(name="test-root")
        root.include_routers(_probe_router(redis_server),
                             build_root_router(app.provider.capabilities))
        return create_dispatcher(app, router=root)

    monkeypatch.setattr(harness, "create_dispatcher", dispatcher)
    async with running_bot(tg, make_settings(tg, db_url, redis_url=redis_server.url)) as run:
        assert "¡Hola" in (await run.say(PLAYER, "/start")).content
        # Half-way: something may have been done, so a buyer is sent to /tickets first.
        assert (await run.say(PLAYER, "/midway")).content == "first half"
        assert (await tg.next_message(PLAYER)).content == BUSY_MIDWAY_ES
        redis_server.start()
        assert "/sorteos" in (await run.say(PLAYER, "/help")).content

        # Answered, then the lock could not be released: the update was handled, no apology.
        assert (await run.say(PLAYER, "/answered")).content == "all done"
        await asyncio.sleep(0.3)
        redis_server.start()
        assert "/sorteos" in (await run.say(PLAYER, "/help")).content


async def test_run_stops_with_one_line_when_redis_does_not_answer(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        BOT_TOKEN=tg.token,
        TELEGRAM_API_URL=tg.base_url,  # a live fake: the bot would otherwise poll it forever
        REDIS_URL=f"redis://127.0.0.1:{_free_port()}/0",  # nothing listens there
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        TICKET_SECRET="test-ticket-secret-0123456789",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    stderr = err.decode()
    assert process.returncode == 2, stderr
    assert stderr.strip().count("\n") == 0 and "Traceback" not in stderr
    assert stderr.startswith("taquilla: ") and "REDIS_URL" in stderr
    assert not tg.calls_to("getUpdates") and not tg.calls_to("deleteWebhook")
    assert not (tmp_path / "bot.db").exists()  # stopped before touching the database
