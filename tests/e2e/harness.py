"""The real bot (Dispatcher, middlewares, handlers, database) against the fake Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select

from bot.context import AppContext
from bot.dispatcher import create_dispatcher
from bot.runtime import app_context, broadcasting, create_bot
from bot.settings import Settings, load_settings
from storage.models import Ticket, TicketStatus, User, UserRole
from storage.repositories import users as users_repo
from storage.repositories.activity import list_activity
from tests.fakes.telegram import FakeTelegram, SentMessage
from tests.fakes.telegram.session import LoopbackSession


@dataclass
class FakeClock:
    """'Now' under the test's control (UTC)."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 13, 30, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def make_settings(tg: FakeTelegram, db_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "_env_file": None,
        "bot_token": tg.token,
        "database_url": db_url,
        "telegram_api_url": tg.base_url,
        "redis_url": None,
        "webhook_url": None,
        "throttle_per_second": 1000.0,  # throttling has its own test (test_e2e_foundation)
        # Telegram's 1/s per chat would make every test wait; the limiter has its own tests.
        "telegram_per_second": 1000.0,
        "telegram_per_chat_per_second": 1000.0,
        "ticket_secret": "test-ticket-secret-0123456789",
    }
    values.update(overrides)
    return load_settings(**values)


class Handled:
    """The updates the dispatcher has finished with: their unit of work committed (or rolled
    back), their answers sent."""

    def __init__(self) -> None:
        self._done: set[int] = set()
        self._changed = asyncio.Event()

    def track(self, dp: Dispatcher) -> None:
        feed_update = dp.feed_update

        async def feed(bot: Bot, update: Any, **kwargs: Any) -> Any:
            try:
                return await feed_update(bot, update, **kwargs)
            finally:
                self._done.add(update.update_id)
                self._changed.set()

        dp.feed_update = feed  # type: ignore[method-assign]

    async def wait(self, update_id: int) -> None:
        """Until ``update_id`` is handled, or 5 s passed (a handler held on purpose)."""
        with suppress(TimeoutError):
            async with asyncio.timeout(5):
                while update_id not in self._done:
                    self._changed.clear()
                    await self._changed.wait()


@dataclass
class RunningBot:
    tg: FakeTelegram
    app: AppContext
    bot: Bot
    dp: Dispatcher
    clock: FakeClock
    handled: Handled = field(default_factory=Handled)

    async def say(self, user_id: int, text: str, **kwargs: Any) -> SentMessage:
        """A user writes; returns the bot's next message to that chat, once the bot is done
        with the update (its commit comes after its answers; a person writes again later)."""
        update_id = self.tg.send_user_message(user_id, text, **kwargs)
        answer = await self.tg.next_message(user_id)
        await self.handled.wait(update_id)
        return answer

    async def edit(self, user_id: int, message_id: int, text: str) -> SentMessage:
        """The user edits an earlier message; returns the bot's next message to that chat."""
        update_id = self.tg.edit_user_message(user_id, message_id, text)
        answer = await self.tg.next_message(user_id)
        await self.handled.wait(update_id)
        return answer

    async def press(self, user_id: int, message: SentMessage, text: str) -> SentMessage:
        update_id = self.tg.press_button(user_id, message, text=text)
        answer = await self.tg.next_message(user_id)
        await self.handled.wait(update_id)
        return answer

    async def fund(self, user_id: int, *, balance: int = 0, credit: int = 0,
                   role: UserRole = UserRole.PLAYER) -> None:
        """Register ``user_id`` with ``role``, topping up ``balance`` and setting a seller's
        ``credit`` limit (minor units of the catalog's currency)."""
        currency = self.app.catalog.currency
        async with self.app.sessionmaker() as session, session.begin():
            await users_repo.ensure_user(session, user_id, currency=currency,
                                         first_name="Ana", role=role)
            await users_repo.set_role(session, user_id, role)
            if balance:
                await users_repo.credit_balance(session, user_id, balance, currency)
            if credit:
                await users_repo.set_credit_limit(session, user_id, credit)

    async def balance(self, user_id: int) -> int:
        async with self.app.sessionmaker() as session:
            user = await session.get(User, user_id)
            assert user is not None
            return user.balance

    async def logged(self, **filters: Any) -> list[str]:
        """The actions in the activity log matching ``filters`` (``list_activity``'s), oldest
        first."""
        async with self.app.sessionmaker() as session:
            entries = await list_activity(session, **filters)
        return [entry.action for entry in reversed(entries)]

    async def statuses(self) -> list[TicketStatus]:
        """Every ticket's status, oldest first."""
        async with self.app.sessionmaker() as session:
            rows = await session.scalars(select(Ticket.status).order_by(Ticket.id))
            return list(rows.all())

    async def last_ticket(self, user_id: int) -> SentMessage:
        """/ultimo: the ticket's text with its buttons (its picture is skipped)."""
        shown = await self.say(user_id, "/ultimo")
        await self.tg.next_message(user_id)
        return shown

    async def buy(self, user_id: int, plays: str) -> SentMessage:
        """Preview and confirm; returns the ticket: its picture, captioned with its text."""
        preview = await self.say(user_id, plays)
        return await self.press(user_id, preview, "✅ Confirmar")


@asynccontextmanager
async def running_bot(
    tg: FakeTelegram, settings: Settings, clock: FakeClock | None = None, *, polling: bool = True
) -> AsyncIterator[RunningBot]:
    """Starts the bot as `taquilla run` would (minus signals), stops it on the way out."""
    clock = clock or FakeClock()
    async with app_context(settings, clock=clock) as app:
        bot = create_bot(settings, LoopbackSession(api=TelegramAPIServer.from_base(tg.base_url)))
        dp = create_dispatcher(app)
        handled = Handled()
        handled.track(dp)
        task = None
        if polling:
            task = asyncio.create_task(
                dp.start_polling(
                    bot,
                    handle_signals=False,
                    polling_timeout=1,
                    allowed_updates=dp.resolve_used_update_types(),
                )
            )
            await tg.wait_for_call("getUpdates")
        try:
            async with broadcasting(bot, app):
                yield RunningBot(tg=tg, app=app, bot=bot, dp=dp, clock=clock, handled=handled)
        finally:
            if task is not None:
                with suppress(RuntimeError):
                    await dp.stop_polling()
                await task
            await dp.storage.close()
            await bot.session.close()


def jackpot_settings(tg: FakeTelegram, db_url: str, sim: Any, **overrides: Any) -> Settings:
    """PROVIDER=jackpot against a running ``tests.fakes.providers.jackpot.JackpotSimulator``."""
    return make_settings(
        tg,
        db_url,
        provider="jackpot",
        jackpot_url=sim.base_url,
        jackpot_operator=sim.operator,
        jackpot_token=sim.token,
        **overrides,
    )
