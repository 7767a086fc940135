"""Start-up time and idle memory of the bot process (console mode, SQLite, house provider).

Starts `taquilla console` on a fresh database, sends `/start`, and measures the time until the
answer arrives (imports, migrations, draws created ahead, dispatcher) and the process's resident
memory once idle. Last line: `startup_s=… idle_rss_mb=…`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bot.db",
               "TICKET_SECRET": "bench-secret-0123456789"}
        env.pop("BOT_TOKEN", None)
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "console"], cwd=tmp, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("/start\n")
        proc.stdin.flush()
        while "bot>" not in proc.stdout.readline():
            pass
        startup = time.perf_counter() - start
        time.sleep(2)  # idle: the answer is out and the jobs have run
        idle = rss_mb(proc.pid)
        proc.stdin.close()
        proc.wait(timeout=30)
    print(f"startup: {startup:.2f} s to the first answer; idle RSS {idle:.0f} MB")
    print(f"startup_s={startup:.2f} idle_rss_mb={idle:.0f}")


if __name__ == "__main__":
    main()
