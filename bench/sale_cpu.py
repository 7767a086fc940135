"""CPU time of a complete sale in this bot, with no HTTP: the dispatcher is fed the updates and
the Bot API is answered in memory (Telegram's JSON, read back by aiogram's own code: how it reads
an answer costs the bot, see docs/speed.md).

    .venv/bin/python bench/sale_cpu.py [--users 20] [--sales 10] [--rounds 5]

``bench/sale.py`` compares sales with an echo bot over HTTP, where this shared machine's noise
(wake-up latency, the other processes) weighs heavily: its echo rate moved from 276 to 684
updates/s between two rounds of one run. This measures what changes when the bot's own code
changes: the process's CPU time per sale (message → preview → confirm → ticket; the connection
threads' commits included, the picture worker, another process, not), for the whole bot and for
its stack alone (middlewares, unit of work, FSM draft, the sale's Bot API calls and no sale:
``bench/sale.py``'s ``sale_calls``), and for the same calls on a bare aiogram dispatcher (no
middlewares, FSM in memory, no database): what aiogram itself costs, the floor under the other
two. N users sell at once, as in ``bench/sale.py``; each figure is the median of the rounds,
after a warm-up round. Last line:
``cpu_ms_per_sale=… stack_cpu_ms_per_sale=… bare_cpu_ms_per_sale=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendMessage, SendPhoto
from aiogram.methods.base import TelegramMethod, TelegramType
from aiogram.types import Update
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sale import _png, fund_players, sale_calls  # noqa: E402
from bot.context import AppContext  # noqa: E402
from bot.dispatcher import create_dispatcher  # noqa: E402
from bot.runtime import app_context, create_bot  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from services.delivery import Deliverer  # noqa: E402
from storage.models import Ticket  # noqa: E402

BOT_ID = 42
FIRST_USER = 2000


class MemoryBotAPI(BaseSession):
    """Answers the calls a sale makes as Telegram would, and remembers each chat's buttons."""

    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1)
        self.buttons: dict[int, tuple[int, str, str]] = {}  # chat → (message, data, text)

    async def close(self) -> None:
        """Nothing to close."""

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None,  # noqa: ASYNC109
    ) -> TelegramType:
        """The answer as Telegram's JSON, read back as aiogram's own sessions read it."""
        result = self._result(method)
        content = json.dumps({"ok": True, "result": result})
        response = self.check_response(bot, method, 200, content)
        return response.result  # type: ignore[return-value]

    def _result(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, AnswerCallbackQuery | EditMessageReplyMarkup):
            return True
        if not isinstance(method, SendMessage | SendPhoto):
            raise AssertionError(f"a sale does not call {type(method).__name__}")
        message: dict[str, Any] = {
            "message_id": next(self._ids), "date": int(time.time()),
            "chat": {"id": method.chat_id, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Taquilla"},
        }
        if isinstance(method, SendPhoto):
            message["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
            message["caption"] = method.caption
        else:
            message["text"] = method.text
            markup = method.reply_markup
            if markup is not None and hasattr(markup, "inline_keyboard"):
                message["reply_markup"] = markup.model_dump(mode="json", exclude_none=True)
                data = markup.inline_keyboard[0][0].callback_data or ""
                self.buttons[int(method.chat_id)] = (message["message_id"], data, method.text)
        return message


class Players:
    """Feeds the dispatcher a player's message, then the press of the preview's first button."""

    def __init__(self, dp: Dispatcher, bot: Bot, api: MemoryBotAPI) -> None:
        self.dp, self.bot, self.api = dp, bot, api
        self._update_ids = itertools.count(1)

    async def _feed(self, user_id: int, kind: str, event: dict[str, Any]) -> None:
        update_id = next(self._update_ids)
        person = {"id": user_id, "is_bot": False, "first_name": "Bench", "language_code": "es"}
        update = {"update_id": update_id, kind: {"from": person, **event}}
        await self.dp.feed_update(self.bot, Update.model_validate(update))

    async def sell(self, user_id: int, n: int) -> None:
        chat = {"id": user_id, "type": "private"}
        now = int(time.time())
        await self._feed(user_id, "message", {
            "message_id": n, "date": now, "chat": chat,
            "text": f"{(user_id * 7 + n) % 1000:03d} x1 zulia"})
        message_id, data, text = self.api.buttons.pop(user_id)
        await self._feed(user_id, "callback_query", {
            "id": f"{user_id}-{n}", "chat_instance": "bench", "data": data,
            "message": {"message_id": message_id, "date": now, "chat": chat, "text": text,
                        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Taquilla"}}})

    async def round(self, users: int, first: int, sales: int) -> float:
        """CPU milliseconds per sale of ``sales`` sales by each of ``users`` at once."""
        async def one(user_id: int) -> None:
            for n in range(first, first + sales):
                await self.sell(user_id, n)

        start = time.process_time()
        await asyncio.gather(*(one(FIRST_USER + u) for u in range(users)))
        return (time.process_time() - start) * 1000 / (users * sales)


@asynccontextmanager
async def bench_app(users: int) -> AsyncIterator[AppContext]:
    """The bot on the embedded defaults (a temporary SQLite file), players with money."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            _env_file=None,
            database_url=f"sqlite+aiosqlite:///{tmp}/bench.db",
            throttle_per_second=1_000_000.0,
            bot_token=f"{BOT_ID}:BENCH",
            ticket_secret="bench-secret-0123456789abcdef",
        )
        async with app_context(settings) as app:
            await fund_players(app, users, FIRST_USER)
            yield app


async def bare_cpu_per_sale(users: int, sales: int, rounds: int) -> list[float]:
    """The sale's calls on aiogram alone, as ``bench/sale.py``'s harness ceiling runs them."""
    dp = Dispatcher()
    dp.include_router(sale_calls(_png(), keeps_state=True))
    api = MemoryBotAPI()
    bot = Bot(f"{BOT_ID}:BENCH", session=api, default=DefaultBotProperties(parse_mode="HTML"))
    players = Players(dp, bot, api)
    await players.round(users, 0, 2)
    return [await players.round(users, 2 + r * sales, sales) for r in range(rounds)]


async def cpu_per_sale(users: int, sales: int, rounds: int, *, stack_only: bool) -> list[float]:
    async with bench_app(users) as app:
        router = sale_calls(_png(), keeps_state=True) if stack_only else None
        dp = create_dispatcher(app, router=router)
        api = MemoryBotAPI()
        bot = create_bot(app.settings, session=api)  # the running bot's session middlewares
        app.deliverer = Deliverer(bot, app)  # records the tickets sent, as the running bot does
        players = Players(dp, bot, api)
        await players.round(users, 0, 2)  # warm-up: caches, connections, the picture worker
        figures = [await players.round(users, 2 + r * sales, sales) for r in range(rounds)]
        await app.deliverer.flush_marks()  # before the database goes with the temporary folder
        if not stack_only:  # every sale was a sale: a refused one would cost less
            async with app.sessionmaker() as session:
                sold = await session.scalar(select(func.count()).select_from(Ticket))
            assert sold == users * (2 + rounds * sales), sold
        return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--sales", type=int, default=10, help="sales per user and round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    figures = {}
    for name in ("stack", "sale", "bare"):
        if name == "bare":
            rounds = await bare_cpu_per_sale(args.users, args.sales, args.rounds)
        else:
            rounds = await cpu_per_sale(args.users, args.sales, args.rounds,
                                        stack_only=name == "stack")
        figures[name] = statistics.median(rounds)
        print(f"{name}: {' '.join(f'{r:.2f}' for r in rounds)} CPU ms per sale, "
              f"median {figures[name]:.2f}")
    print(f"cpu_ms_per_sale={figures['sale']:.2f} stack_cpu_ms_per_sale={figures['stack']:.2f} "
          f"bare_cpu_ms_per_sale={figures['bare']:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
