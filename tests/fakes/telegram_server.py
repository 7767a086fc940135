"""The fake Telegram Bot API server as a process of its own (benchmarks, and the test of that).

Tests import it from ``tests.fakes.telegram`` (``from tests.fakes.telegram import FakeTelegram``).
As its own process (run from the repository root)::

    python -m tests.fakes.telegram_server --port 0 --rate-limit 30

prints the base URL on the first stdout line, then serves until SIGINT/SIGTERM; drive it with
``tests.fakes.telegram.FakeTelegramClient`` (``/_control`` API). The implementation lives in
``tests/fakes/telegram/``.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from tests.fakes.telegram import DEFAULT_TOKEN, FakeTelegram, RateLimit

__all__ = ["main"]


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument(
        "--rate-limit", type=float, default=None, help="overall messages/s (default: off)"
    )
    parser.add_argument(
        "--per-chat-rate-limit", type=float, default=None, help="messages/s per chat"
    )
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    limit = RateLimit(
        global_per_second=args.rate_limit, per_chat_per_second=args.per_chat_rate_limit
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with FakeTelegram(args.token, rate_limit=limit, host=args.host, port=args.port) as tg:
        print(tg.base_url, flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python -m tests.fakes.telegram_server``."""
    asyncio.run(_serve(_parse_args(argv)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
