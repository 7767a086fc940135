"""Webhook workers on PostgreSQL and Redis: what a person waits for, and what a sale costs.

The fake Bot API runs in its own process and delivers webhook updates (one at a time per chat,
up to 40 at once, as Telegram); the bot is ``taquilla run --workers N`` (house provider, a fresh
PostgreSQL database per run, Redis for FSM state, each person's lock and the rate limiter).
Telegram's flood limits are lifted in the fake and in the bot: what is measured is the bot.

For 1 and then 2 workers:

- a fixed offered load of ``--rate`` sales a second (20: above the ~30 messages a second Telegram
  lets one bot send, a sale being 2–3 messages) for ``--seconds``: each sale is a new person who
  writes a play and presses Confirmar as soon as the preview shows; latency message → preview and
  Confirmar → ticket (the fake's clock at the bot's call, minus this process's at the update's
  injection) as p50 and p99, and the bot processes' CPU (workers and their picture processes,
  summed) per sale;
- saturation: ``--burst`` sales offered at once; sales per second from the first message to the
  last ticket.

Noise (other work on the machine, the fake's growing history) must not decide the comparison:
the two worker counts run in ``--rounds`` interleaved rounds, their order alternating (1 2, 2 1,
1 2…), each on a fresh database; saturation is the median of the rounds, latencies and CPU per
sale are pooled over them.

Duplicates and losses are counted on what the fake received: each sale must bring one preview and
one ticket. The machine's cores are shared (PostgreSQL, Redis, the fake server, this driver);
on two of them a second worker cannot add much throughput: what this shows is that coordination
is cheap (``cpu_ratio``: CPU per sale with 2 workers ÷ with 1).
Last line: ``workers=2 sales_per_s_1=… sales_per_s_2=… cpu_ratio=… p99_preview_ms=…
p99_ticket_ms=… duplicates=0 lost=0`` (latencies with 2 workers).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import redis.asyncio as aioredis  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from storage.db import make_engine, make_sessionmaker, migrate  # noqa: E402
from storage.models import User, UserRole  # noqa: E402
from tests.fakes.telegram.client import FakeTelegramClient  # noqa: E402

CONFIRM = "✅ Confirmar"
SECRET = "scale-bench-webhook-secret-0123456789"
_FAKE = ("import gc, sys; from tests.fakes import telegram_server as server; "
         "gc.collect(); gc.freeze(); server.main(sys.argv[1:])")
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Phase:
    """What one phase measured."""

    sales: int = 0
    preview_ms: list[float] = field(default_factory=list)
    ticket_ms: list[float] = field(default_factory=list)
    duplicates: int = 0
    lost: int = 0
    seconds: float = 0.0
    cpu_s: float = 0.0
    last_ticket_at: float = 0.0


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of ``root`` and its descendants now alive (``taquilla run``:
    the workers, their picture processes), read from /proc."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / _TICKS
    total, frontier = times.get(root, 0.0), [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid]
        total += sum(times[c] for c in children)
        frontier += children
    return total


def _popen(command: list[str], **options: object) -> subprocess.Popen[str]:
    return subprocess.Popen(command, cwd=ROOT, **options)  # type: ignore[call-overload,no-any-return]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _database(admin_url: str) -> str:
    name = f"taquilla_scale_{secrets.token_hex(3)}"
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name


async def _drop(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _players(db_url: str, ids: range) -> None:
    await migrate(db_url)
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as s, s.begin():
            await s.execute(insert(User), [
                {"id": i, "currency": "VES", "role": UserRole.PLAYER, "balance": 10_000_000,
                 "first_name": "Ana", "locale": "es"} for i in ids
            ])
    finally:
        await engine.dispose()


class Bench:
    def __init__(self, client: FakeTelegramClient, base_url: str, token: str,
                 args: argparse.Namespace) -> None:
        self.client, self.base_url, self.token, self.args = client, base_url, token, args
        self.next_user = 100_000

    def users(self, count: int) -> range:
        first = self.next_user
        self.next_user += count
        return range(first, first + count)

    async def sale(self, uid: int, phase: Phase) -> None:
        t0 = time.time()
        await self.client.send_user_message(uid, f"{uid % 1000:03d} x1 zulia", first_name="Ana")
        preview = await self.client._request("GET", f"chats/{uid}/messages/0", timeout=120)
        phase.preview_ms.append((preview["sent_at"] - t0) * 1000)
        t1 = time.time()
        await self.client.press_button(uid, preview["message_id"], text=CONFIRM)
        ticket = await self.client._request("GET", f"chats/{uid}/messages/1", timeout=120)
        phase.ticket_ms.append((ticket["sent_at"] - t1) * 1000)
        phase.last_ticket_at = max(phase.last_ticket_at, ticket["sent_at"])
        phase.sales += 1

    async def count_twice_sent(self, users: range, phase: Phase) -> None:
        """Once a phase is over (its figures taken): each sale brought one preview and one
        ticket (none: lost). Read after the phase, so that reading does not load the machine
        while it is measured."""
        await asyncio.sleep(1.0)  # anything sent twice would have come by now
        for uid in users:
            sent = await self.client.messages(uid, include_deleted=True)
            tickets = [m for m in sent if "PIN" in (m["content"] or "")]
            previews = [m for m in sent if any(CONFIRM in b["text"] for row in m["buttons"]
                                               for b in row) or m["edits"]]
            phase.duplicates += max(0, len(tickets) - 1) + max(0, len(previews) - 1)
            phase.lost += 0 if tickets else 1

    async def guarded(self, uid: int, phase: Phase) -> None:
        try:
            await self.sale(uid, phase)
        except Exception as exc:
            print(f"sale {uid} failed: {type(exc).__name__}: {exc}", file=sys.stderr)

    async def offered(self, supervisor: int, rate: float, seconds: float) -> Phase:
        phase = Phase()
        users = self.users(round(rate * seconds))
        cpu0, start = _tree_cpu(supervisor), time.perf_counter()
        tasks = []
        for n, uid in enumerate(users):
            await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(self.guarded(uid, phase)))
        await asyncio.gather(*tasks)
        phase.seconds = time.perf_counter() - start
        phase.cpu_s = _tree_cpu(supervisor) - cpu0
        await self.count_twice_sent(users, phase)
        return phase

    async def burst(self, count: int) -> Phase:
        phase = Phase()
        users = self.users(count)
        begun = time.time()
        await asyncio.gather(*(self.guarded(u, phase) for u in users))
        phase.seconds = phase.last_ticket_at - begun
        await self.count_twice_sent(users, phase)
        return phase

    async def run(self, workers: int) -> tuple[Phase, Phase]:
        args = self.args
        name = await _database(args.pg_admin)
        db_url = f"postgresql+asyncpg://postgres@{args.pg_host}/{name}"
        r = aioredis.from_url(args.redis_url)
        await r.flushdb()
        await r.aclose()
        budget = round(args.rate * args.seconds) + args.burst + 50
        await _players(db_url, range(self.next_user, self.next_user + budget))
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(
            ("BOT_", "DATABASE_", "REDIS_", "WEBHOOK_", "TELEGRAM_", "PROVIDER", "TAQUILLA_"))}
        env |= {"BOT_TOKEN": self.token, "TELEGRAM_API_URL": self.base_url,
                "DATABASE_URL": db_url, "REDIS_URL": args.redis_url,
                "WEBHOOK_URL": f"http://127.0.0.1:{port}/webhook", "WEBHOOK_SECRET": SECRET,
                "PORT": str(port), "LOG_LEVEL": "WARNING", "THROTTLE_PER_SECOND": "1000",
                "TELEGRAM_PER_SECOND": "100000", "TELEGRAM_PER_CHAT_PER_SECOND": "100000",
                "TICKET_SECRET": "scale-bench-ticket-secret-0123456789"}
        proc = _popen([sys.executable, "-m", "bot.cli", "run", "--workers", str(workers)],
                      env=env, start_new_session=True)
        try:
            await self._listening(workers)
            await self.offered(proc.pid, 5, 2)  # warm-up: connections, caches, pictures
            fixed = await self.offered(proc.pid, args.rate, args.seconds)
            burst = await self.burst(args.burst)
            return fixed, burst
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            await _drop(args.pg_admin, name)

    async def _listening(self, workers: int) -> None:
        """Until every worker answers: one has set the webhook, and N setWebhook calls came."""
        self._webhooks_set += workers
        for _ in range(1200):
            if len(await self.client.calls(method="setWebhook")) >= self._webhooks_set:
                return
            await asyncio.sleep(0.1)
        raise RuntimeError("the workers did not start")

    _webhooks_set = 0


def _pooled(phases: list[Phase]) -> Phase:
    """The rounds' samples of one worker count as one phase."""
    pooled = Phase()
    for p in phases:
        pooled.sales += p.sales
        pooled.preview_ms += p.preview_ms
        pooled.ticket_ms += p.ticket_ms
        pooled.duplicates += p.duplicates
        pooled.lost += p.lost
        pooled.seconds += p.seconds
        pooled.cpu_s += p.cpu_s
    return pooled


def _rate(burst: Phase) -> float:
    return burst.sales / burst.seconds if burst.seconds > 0 else float("nan")


def _report(
    workers: int, fixed: Phase, burst: Phase, label: str = "", bursts: int = 1
) -> float:
    cpu_ms = 1000 * fixed.cpu_s / fixed.sales if fixed.sales else float("nan")
    load = os.getloadavg()[0]
    print(
        f"{label}{workers} worker(s): offered {fixed.sales} sales in {fixed.seconds:.1f} s: "
        f"preview p50={_pct(fixed.preview_ms, 0.5):.0f} ms p99={_pct(fixed.preview_ms, 0.99):.0f}"
        f" ms; ticket p50={_pct(fixed.ticket_ms, 0.5):.0f} ms "
        f"p99={_pct(fixed.ticket_ms, 0.99):.0f} ms; bot CPU {cpu_ms:.1f} ms/sale; saturation "
        f"({burst.sales} sales offered in {bursts} burst(s)): {_rate(burst):.1f} sales/s (ticket "
        f"p50={_pct(burst.ticket_ms, 0.5):.0f} ms); duplicates "
        f"{fixed.duplicates + burst.duplicates}, lost {fixed.lost + burst.lost}; load {load:.2f}",
        flush=True,
    )
    return cpu_ms


async def main(args: argparse.Namespace) -> None:
    proc = _popen([sys.executable, "-c", _FAKE, "--port", "0"], stdout=subprocess.PIPE,
                  text=True)
    fixed: dict[int, list[Phase]] = {1: [], 2: []}
    bursts: dict[int, list[Phase]] = {1: [], 2: []}
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        async with FakeTelegramClient(base_url, timeout=180) as client:
            token = (await client.info())["token"]
            bench = Bench(client, base_url, token, args)
            for n in range(args.rounds):
                for workers in (1, 2) if n % 2 == 0 else (2, 1):
                    one_fixed, one_burst = await bench.run(workers)
                    _report(workers, one_fixed, one_burst, label=f"round {n + 1}: ")
                    fixed[workers].append(one_fixed)
                    bursts[workers].append(one_burst)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    rates = {w: [_rate(b) for b in bursts[w]] for w in (1, 2)}
    cpu = {w: _report(w, _pooled(fixed[w]), _pooled(bursts[w]), label="all rounds: ",
                      bursts=args.rounds) for w in (1, 2)}
    wins = sum(r2 >= r1 for r1, r2 in zip(rates[1], rates[2], strict=True))
    print(f"saturation per round (sales/s): 1 worker {' '.join(f'{r:.1f}' for r in rates[1])};"
          f" 2 workers {' '.join(f'{r:.1f}' for r in rates[2])}; 2 ≥ 1 in {wins} of "
          f"{args.rounds} rounds")
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} cores")
    two = _pooled(fixed[2])
    phases = [*fixed[1], *fixed[2], *bursts[1], *bursts[2]]
    print(
        f"workers=2 sales_per_s_1={statistics.median(rates[1]):.1f} "
        f"sales_per_s_2={statistics.median(rates[2]):.1f} "
        f"cpu_ratio={cpu[2] / cpu[1]:.2f} p99_preview_ms={_pct(two.preview_ms, 0.99):.0f} "
        f"p99_ticket_ms={_pct(two.ticket_ms, 0.99):.0f} "
        f"duplicates={sum(p.duplicates for p in phases)} lost={sum(p.lost for p in phases)}"
    )


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20.0, help="offered sales/s (20)")
    parser.add_argument("--seconds", type=float, default=15.0, help="at that rate (15)")
    parser.add_argument("--burst", type=int, default=200, help="sales at once (200)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds of 1 and 2 workers (3)")
    parser.add_argument("--pg-admin", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pg-host", default="127.0.0.1:5432")
    parser.add_argument("--redis-url", default=os.environ.get(
        "TAQUILLA_BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        help="a Redis database of its own: it is flushed")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(_args()))
