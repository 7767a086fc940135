"""Broadcast throughput against Telegram-style flood control: how close to the limit, and exact.

The fake Bot API server runs in its own process enforcing ``--limit`` messages/s overall (and
one per second per chat); this process runs the real worker (aiogram Bot, SQLite queue in a
temp dir, the in-memory limiter configured with the same limit) and sends one broadcast to
``--subscribers`` chats, with the admin's progress message edited along the way. Duplicates and
losses are read from the fake's own per-chat counts.
Last line: ``sent=… limit_per_s=… achieved_ratio=… retry_after_429=… duplicates=… lost=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.broadcast import (  # noqa: E402
    BroadcastKind,
    BroadcastWorker,
    Limits,
    audience,
    enqueue,
    make_limiter,
)
from services.broadcast.redis_limiter import RedisRateLimiter  # noqa: E402
from storage.db import make_engine, make_sessionmaker, migrate  # noqa: E402
from storage.models import Subscription, User  # noqa: E402
from storage.repositories import broadcasts as repo  # noqa: E402
from tests.fakes.telegram.client import FakeTelegramClient  # noqa: E402

LOTTERY = "lotto_activo"
ADMIN = 1
FIRST_CHAT = 10_000


#: The fake server, with its start-up objects frozen out of the garbage collector's scans: the
#: fake stands for Telegram's servers, and a long collection pause there would bunch up the
#: requests it then counts, which real Telegram does not do to us.
_FAKE = (
    "import gc, sys; from tests.fakes import telegram_server as server; "
    "gc.collect(); gc.freeze(); server.main(sys.argv[1:])"
)


def start_fake(limit: float) -> subprocess.Popen[str]:
    """The fake Bot API server in its own process, with Telegram's flood control at ``limit``."""
    command = [sys.executable, "-c", _FAKE, "--port", "0"]
    command += ["--rate-limit", str(limit), "--per-chat-rate-limit", "1"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)


@asynccontextmanager
async def fake_server(limit: float) -> AsyncIterator[tuple[str, FakeTelegramClient]]:
    proc = start_fake(limit)
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        async with FakeTelegramClient(base_url, timeout=120) as client:
            yield base_url, client
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def run(subscribers: int, limit: float, concurrency: int, redis_url: str | None) -> None:
    chats = list(range(FIRST_CHAT, FIRST_CHAT + subscribers))
    now = datetime.now(UTC)
    async with fake_server(limit) as (base_url, client):
        # Telegram knows a chat once its user has written to the bot.
        await client.send_user_messages([{"user_id": c, "text": "/start"} for c in [ADMIN, *chats]])
        token = (await client.info())["token"]
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            await migrate(url)
            engine = make_engine(url)
            sessionmaker = make_sessionmaker(engine)
            async with sessionmaker() as s, s.begin():
                await s.execute(insert(User), [{"id": c, "currency": "VES"} for c in chats])
                await s.execute(
                    insert(Subscription),
                    [{"user_id": c, "lottery_id": LOTTERY, "created_at": now} for c in chats],
                )
            async with sessionmaker() as s, s.begin():
                broadcast_id = await enqueue(
                    s,
                    kind=BroadcastKind.RESULTS,
                    text="<b>Lotto Activo</b> 12:00 → 25 Camello",
                    chat_ids=await audience(s, LOTTERY),
                    now=now,
                    progress_chat=ADMIN,
                    progress_locale="en",
                )
            bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
            limiter = make_limiter(redis_url, Limits(global_per_second=limit))
            worker = BroadcastWorker(bot, sessionmaker, limiter, concurrency=concurrency)
            try:
                start = time.perf_counter()
                final = await worker.drain(broadcast_id)
                drained = time.perf_counter() - start
                async with sessionmaker() as s:
                    broadcast = await repo.get_broadcast(s, broadcast_id)
            finally:
                await bot.session.close()
                await engine.dispose()
                if isinstance(limiter, RedisRateLimiter):
                    await limiter.aclose()
        counters = await client.counters()
    per_chat = {int(k): v for k, v in counters["per_chat"].items()}
    duplicates = sum(max(0, per_chat.get(c, 0) - 1) for c in chats)
    lost = sum(1 for c in chats if per_chat.get(c, 0) == 0)
    # The broadcast's own duration: from the worker starting on it to the last outcome
    # recorded (the admin's final progress edit comes after, and may wait for its chat's 1/s).
    assert broadcast is not None and broadcast.started_at and broadcast.finished_at
    elapsed = (broadcast.finished_at - broadcast.started_at).total_seconds()
    rate = final.sent / elapsed
    print(
        f"broadcast #{broadcast_id}: {final.sent} sent, {final.failed} failed, "
        f"{final.unknown} unknown in {elapsed:.1f} s ({rate:.1f}/s against a limit of "
        f"{limit:g}/s; drain() returned after {drained:.1f} s, final progress edit included); "
        f"progress edits: {counters['edits']}"
    )
    print(
        f"sent={final.sent} limit_per_s={limit:g} achieved_ratio={rate / limit:.3f} "
        f"retry_after_429={counters['rate_limited']} duplicates={duplicates} lost={lost}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", "-n", type=int, default=3000)
    parser.add_argument("--limit", "-l", type=float, default=100.0, help="messages/s overall")
    parser.add_argument("--concurrency", type=int, default=50, help="sends in flight at most")
    parser.add_argument("--redis-url", default=None, help="share the limiter through Redis")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    gc.collect()
    gc.freeze()  # aiogram's and SQLAlchemy's start-up objects: no need to scan them again
    asyncio.run(run(args.subscribers, args.limit, args.concurrency, args.redis_url))


if __name__ == "__main__":
    main()
