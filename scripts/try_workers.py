"""Two webhook workers behind nginx on this machine, the fake Bot API standing in for Telegram:
a player is topped up and buys a ticket (docs/deploy.md, "Try it on this machine").

Needs nginx (``apt-get install -y nginx``), PostgreSQL and Redis on 127.0.0.1. Starts, in order:
the fake Bot API; ``taquilla migrate``; two workers as the systemd template units would (``taquilla
run``, ports 18081 and 18082); nginx on 127.0.0.1:18088 (``deploy/nginx/try.conf``), which the
workers give Telegram as their webhook. Stops everything at the end and prints which worker
handled each update, and nginx's access log. Usage: ``.venv/bin/python scripts/try_workers.py``.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402

from tests.fakes.telegram.client import FakeTelegramClient  # noqa: E402

DB = "taquilla_try_workers"
PG = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS = os.environ.get("TRY_REDIS_URL", "redis://127.0.0.1:6379/9")
ADMIN, PLAYER = 1, 7


def _popen(command: list[str], **options: object) -> subprocess.Popen[str]:
    return subprocess.Popen(command, cwd=ROOT, **options)  # type: ignore[call-overload,no-any-return]


async def _fresh_database() -> str:
    conn = await asyncpg.connect(PG)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DB}"')
    finally:
        await conn.close()
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{DB}"


HANDLED = re.compile(r'msg="Update id=(\d+) is handled.*worker=(\d)')


async def _say(tg: FakeTelegramClient, user: int, text: str, log: Path) -> dict[str, object]:
    """Send ``text`` as ``user``; return the reply once its update is handled, i.e. committed
    (a reply is sent before its unit of work commits, and the next update may go to the other
    worker: an admin's /recargar must find the player that /start has just written)."""
    update_id = await tg.send_user_message(user, text,
                                           first_name="Banca" if user == ADMIN else "Ana")
    message = await tg.next_message(user, timeout=30)
    for _ in range(300):
        logged = await asyncio.to_thread(log.read_text)
        if any(int(u) == update_id for u, _w in HANDLED.findall(logged)):
            break
        await asyncio.sleep(0.1)
    print(f"{user} > {text}\n{user} < {str(message['content']).splitlines()[0]}")
    return message


async def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="taquilla-try-"))
    conf = (ROOT / "deploy/nginx/try.conf").read_text().replace("@WORK@", str(work))
    (work / "nginx.conf").write_text(conf)
    fake = _popen([sys.executable, "-m", "tests.fakes.telegram_server", "--port", "0"],
                  stdout=subprocess.PIPE, text=True)
    assert fake.stdout is not None
    base = fake.stdout.readline().strip()
    units: list[subprocess.Popen[str]] = []
    nginx = None
    log = (work / "workers.log").open("w")
    try:
        async with FakeTelegramClient(base) as tg:
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith(("BOT_", "REDIS_", "DATABASE_", "WEBHOOK_", "PORT"))}
            env |= {"BOT_TOKEN": (await tg.info())["token"], "TELEGRAM_API_URL": base,
                    "DATABASE_URL": await _fresh_database(), "REDIS_URL": REDIS,
                    "WEBHOOK_URL": "http://127.0.0.1:18088/telegram",
                    "WEBHOOK_SECRET": "try-webhook-secret-0123456789", "HOST": "127.0.0.1",
                    "TICKET_SECRET": "try-ticket-secret-0123456789", "ADMIN_IDS": str(ADMIN)}
            taquilla = [sys.executable, "-m", "bot.cli"]
            migrate = _popen([*taquilla, "migrate"], env=env)
            assert await asyncio.to_thread(migrate.wait) == 0
            units = [_popen([*taquilla, "run"], env=env | {"PORT": f"1808{i}",
                                                           "TAQUILLA_WORKER": str(i)},
                            stderr=log, start_new_session=True) for i in (1, 2)]
            nginx = _popen(["nginx", "-c", str(work / "nginx.conf"), "-p", str(work)])
            for _ in range(600):
                if (work / "workers.log").read_text().count("webhook listening") >= 2:
                    break
                await asyncio.sleep(0.1)
            print("webhook:", (await tg.info())["webhook_url"])
            said = work / "workers.log"
            await _say(tg, ADMIN, "/start", said)
            await _say(tg, PLAYER, "/start", said)
            await _say(tg, ADMIN, f"/recargar {PLAYER} 100", said)
            await asyncio.sleep(1)  # the player's notice of the top-up
            tg._cursors[PLAYER] = len(await tg.messages(PLAYER))
            preview = await _say(tg, PLAYER, "123 x5 zulia", said)
            await tg.press_button(PLAYER, int(str(preview["message_id"])), text="✅ Confirmar")
            ticket = await tg.next_message(PLAYER, timeout=30)
            lines = " | ".join(str(ticket["content"]).splitlines())
            print(f"{PLAYER} < ({ticket['kind']}) {lines}")
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)
            nginx.wait()
        for unit in units:
            unit.send_signal(signal.SIGTERM)
        for unit in units:
            unit.wait()
        fake.terminate()
        fake.wait()
    handled = HANDLED.findall((work / "workers.log").read_text())
    print("update → worker:", ", ".join(f"{u}→{w}" for u, w in handled))
    print("nginx access log:\n" + (work / "access.log").read_text())


if __name__ == "__main__":
    if shutil.which("nginx") is None:
        sys.exit("nginx is not installed: apt-get install -y nginx (docs/deploy.md), then again")
    asyncio.run(main())
