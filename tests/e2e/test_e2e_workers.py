"""Three webhook workers (`taquilla run --workers 3`) on PostgreSQL and Redis, one banca.

The fake Bot API delivers webhook updates concurrently (one at a time per chat, as Telegram) and
some updates are posted again, at the same moment, on connections of their own (the kernel
hands each connection to any of the three workers). 50 people buy at once; an admin publishes a
result to them; then the worker doing the background work is killed with -9 in the middle of a
second round of sales, and Telegram (the fake) posts again what it could not deliver.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
from collections import Counter, defaultdict
from contextlib import suppress
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import make_engine, make_sessionmaker
from storage.models import Ticket, UserRole
from storage.repositories import subscriptions
from storage.repositories import users as users_repo
from tests.e2e.workers import Workers, free_port, start_workers
from tests.fakes.telegram import FakeTelegram, RateLimit, SentMessage

pytestmark = pytest.mark.postgres

USERS = list(range(7001, 7051))
ADMIN = 9001
SECRET = "workers-webhook-secret-0123456789"
PIN = re.compile(r"PIN: (\d+)")
CONFIRM = "✅ Confirmar"
WAIT = 180.0


def _env(tg: FakeTelegram, db_url: str, redis_url: str, port: int) -> dict[str, str]:
    return {
        "BOT_TOKEN": tg.token, "TELEGRAM_API_URL": tg.base_url, "DATABASE_URL": db_url,
        "REDIS_URL": redis_url, "WEBHOOK_URL": f"http://127.0.0.1:{port}/webhook",
        "WEBHOOK_SECRET": SECRET, "HOST": "127.0.0.1", "PORT": str(port),
        "TICKET_SECRET": "workers-ticket-secret-0123456789", "ADMIN_IDS": str(ADMIN),
        "THROTTLE_PER_SECOND": "1000", "TELEGRAM_PER_CHAT_PER_SECOND": "1000",
        # the three workers share one budget (in Redis), kept under Telegram's 30 a second by a
        # margin for the jitter between a permit and the message's arrival on a loaded machine
        # (25 left room for 0.2 s of it: a full-suite run, a worker restarting beside the other
        # two on two cores, once had the fake count 31 in a second; 20 leaves 0.5 s)
        "TELEGRAM_PER_SECOND": "20",
        # quick takeovers, so that the test does not wait for production's margins
        "LEASE_TTL": "10", "JOBS_TICK": "1", "OUTBOX_LEASE": "3", "USER_LOCK_SECONDS": "20",
    }


async def _prepare(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            for uid in USERS:
                await users_repo.ensure_user(session, uid, currency="VES", first_name="Ana",
                                             role=UserRole.PLAYER)
                await users_repo.credit_balance(session, uid, 100_000, "VES")
                await subscriptions.subscribe(session, uid, "zulia")
    finally:
        await engine.dispose()


async def _tickets_per_user(db_url: str) -> Counter[int]:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            rows = await session.execute(
                select(Ticket.buyer_id, func.count()).group_by(Ticket.buyer_id)
            )
            return Counter({user: count for user, count in rows.all()})
    finally:
        await engine.dispose()


def _tickets(tg: FakeTelegram, uid: int) -> list[SentMessage]:
    return [m for m in tg.messages(uid) if PIN.search(m.content or "")]


def _previews(tg: FakeTelegram, uid: int) -> list[SentMessage]:
    return [m for m in tg.messages(uid)
            if CONFIRM in m.button_texts or any(CONFIRM in str(h) for h in m.history)]


async def _buy_round(tg: FakeTelegram, workers: Workers, play: str, round_: int,
                     twice: list[int]) -> list[int]:
    """Everyone writes ``play`` (``{n}``: a number of their own, under the banca's limit for
    one number) at once, then confirms at once; the updates of the people in
    ``twice`` are also posted twice more, straight away, on connections of their own. Returns
    those updates' ids."""
    again: list[int] = []
    posts = []
    for uid in USERS:
        update_id = tg.send_user_message(uid, play.format(n=f"{uid % 1000:03d}"))
        if uid in twice:
            again.append(update_id)
            posts += [workers.post(tg.update(update_id)) for _ in range(2)]
    for uid in USERS:
        await tg.wait_for(lambda uid=uid: len(_previews(tg, uid)) >= round_, timeout=WAIT)
    for uid in USERS:
        update_id = tg.press_button(uid, _previews(tg, uid)[-1], text=CONFIRM)
        if uid in twice:
            again.append(update_id)
            posts += [workers.post(tg.update(update_id)) for _ in range(2)]
    statuses = await asyncio.gather(*posts, return_exceptions=True)
    assert all(s == 200 for s in statuses), statuses
    return again


def _handled_by(workers: Workers, update_ids: list[int]) -> dict[int, list[tuple[str, bool]]]:
    """Per update: (worker, handled?) of every delivery the workers logged."""
    wanted = {str(u) for u in update_ids}
    seen: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for f in workers.lines():
        match = re.match(r"Update id=(\d+) is (handled|not handled)", f.get("msg", ""))
        if match and match.group(1) in wanted:
            seen[int(match.group(1))].append((f["worker"], match.group(2) == "handled"))
    return seen


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_three_workers_sell_once_in_order_and_survive_a_kill(
    tg: FakeTelegram, db_url: str, redis_url: str, tmp_path: Path
) -> None:
    tg.set_rate_limit(RateLimit(global_per_second=30))  # Telegram's limit: the fake says 429
    tg.retry_webhooks(0.5)  # as Telegram, a delivery that failed is posted again
    await _prepare(db_url)
    for uid in USERS:
        tg.add_user(uid, first_name="Ana")
    port = free_port()
    workers = await start_workers(3, _env(tg, db_url, redis_url, port), tmp_path / "bot.log")
    try:
        # Round 1: fifty people buy at once; ten of them have every update delivered 3 times.
        again = await _buy_round(tg, workers, "{n} x5 zulia", 1, USERS[:10])
        await tg.wait_for(lambda: all(len(_tickets(tg, u)) >= 1 for u in USERS), timeout=WAIT)
        assert await _tickets_per_user(db_url) == Counter({u: 1 for u in USERS})

        # Each twice-delivered update was handled once, by one worker; the copies were
        # dropped, some of them by another worker than the one that handled it.
        seen = _handled_by(workers, again)
        assert all(sum(ok for _, ok in seen[u]) == 1 and len(seen[u]) == 3 for u in again), seen
        assert any(len({w for w, _ in seen[u]}) > 1 for u in again), seen

        # A result to the fifty subscribers: sent once to each, within Telegram's limits.
        tg.send_user_message(ADMIN, "/resultado zulia ayer 12:45 123 ACU")
        await tg.wait_for(lambda: all(any("🎯" in m.content for m in tg.messages(u))
                                      for u in USERS), timeout=WAIT)

        # The background work ran in one worker each, not three times.
        for lease in ("jobs", "broadcast", "outbox"):
            taken = workers.logged(f"lease taken: {lease}")
            assert len(taken) == 1, (lease, taken)
        holder = workers.logged("lease taken: jobs")[0]["worker"]
        assert {f["worker"] for f in workers.logged("job ran")} == {holder}
        assert len(workers.logged("job ran")) >= 2  # and kept running, every JOBS_TICK

        # Round 2: that worker is killed with -9 while fifty more sales go on.
        killed = workers.pids()[holder]
        round2 = asyncio.create_task(_buy_round(tg, workers, "{n} x2 zulia", 2, USERS[10:15]))
        await tg.wait_for(lambda: sum(len(_tickets(tg, u)) for u in USERS) >= len(USERS) + 5,
                          timeout=WAIT)
        os.kill(killed, signal.SIGKILL)
        await round2
        await tg.wait_for(lambda: all(len(_tickets(tg, u)) >= 2 for u in USERS), timeout=WAIT)
        # another process takes the background work over
        await tg.wait_for(lambda: {f["pid"] for f in workers.logged("lease taken: outbox")}
                          - {str(killed)}, timeout=WAIT)
        await asyncio.sleep(2)  # anything sent twice would have arrived by now

        # Nothing lost, nothing doubled: two tickets each, each confirm one ticket.
        assert await _tickets_per_user(db_url) == Counter({u: 2 for u in USERS})
        for uid in USERS:
            # the outbox delivers at least once: a ticket resent after the kill is the same one
            pins = {PIN.search(m.content).group(1) for m in _tickets(tg, uid)}  # type: ignore[union-attr]
            assert len(pins) == 2, [m.content for m in _tickets(tg, uid)]
            # in order: preview, ticket, preview, ticket
            kinds = ["preview" if m in _previews(tg, uid) else "ticket" if m in _tickets(tg, uid)
                     else "other" for m in tg.messages(uid)]
            steps: list[str] = []
            for kind in kinds:
                if kind != "other" and (not steps or steps[-1] != kind):
                    steps.append(kind)
            assert steps == ["preview", "ticket", "preview", "ticket"], kinds
            assert sum("🎯" in m.content for m in tg.messages(uid)) == 1
        assert tg.counters.rate_limited == 0
    finally:
        with suppress(ProcessLookupError):
            await workers.stop()
