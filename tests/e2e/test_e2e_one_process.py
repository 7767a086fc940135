"""Where only one bot process may run, a second one is refused with one clear line: polling
twice on one token, and webhook workers without PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import sys

import pytest

from tests.e2e.workers import ROOT, worker_env
from tests.fakes.telegram import FakeTelegram


def _env(tg: FakeTelegram, db_url: str, **extra: str) -> dict[str, str]:
    return worker_env({"BOT_TOKEN": tg.token, "TELEGRAM_API_URL": tg.base_url,
                       "DATABASE_URL": db_url, "TICKET_SECRET": "one-process-secret-0123456789",
                       **extra})


async def _run(env: dict[str, str], *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await asyncio.wait_for(process.communicate(), 60)
    except TimeoutError:  # it did not stop: it was not refused
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, err.decode()


async def test_polling_twice_on_one_token_is_refused(tg: FakeTelegram, db_url: str) -> None:
    first = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=_env(tg, db_url),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await tg.wait_for(lambda: tg.calls_to("getUpdates"), timeout=60)
        code, err = await _run(_env(tg, db_url))
        assert code == 2
        assert err.count("\n") == 1, err
        assert err.startswith(f"taquilla: bot {tg.token.split(':')[0]} is already running "
                              f"(pid {first.pid} on "), err
        polls = len(tg.calls_to("getUpdates"))
        await tg.wait_for(lambda: len(tg.calls_to("getUpdates")) > polls, timeout=30)  # still on
    finally:
        first.terminate()
        await first.wait()
    # once it stopped, the bot starts again at once
    assert await asyncio.wait_for(_starts_polling(_env(tg, db_url)), 90)


async def _starts_polling(env: dict[str, str]) -> bool:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    started = False
    async for line in process.stderr:
        if b"polling started" in line:
            started = True
            break
    process.terminate()
    await process.wait()
    return started


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_webhook_workers_need_postgresql_and_redis(tg: FakeTelegram, db_url: str) -> None:
    webhook = {"WEBHOOK_URL": "https://bot.example/webhook", "WEBHOOK_SECRET": "s" * 24}
    code, err = await _run(_env(tg, db_url, **webhook), "--workers", "2")
    assert (code, err) == (2, "taquilla: --workers: webhook workers need PostgreSQL "
                              "(DATABASE_URL=postgresql+asyncpg://…); SQLite serves one process\n")
    pg = "postgresql+asyncpg://postgres@127.0.0.1:5432/unused"
    code, err = await _run(_env(tg, pg, **webhook), "--workers", "2")
    assert (code, err) == (2, "taquilla: --workers: webhook workers need Redis (REDIS_URL) for "
                              "the conversations and each person's lock\n")
    code, err = await _run(_env(tg, db_url), "--workers", "2")
    assert (code, err) == (2, "taquilla: --workers: polling is one process per token; set "
                              "WEBHOOK_URL (and WEBHOOK_SECRET) to run webhook workers\n")
