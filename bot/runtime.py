"""Start-up and the two Telegram run modes: long polling, or webhook behind a load balancer."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.webhook.aiohttp_server import setup_application
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callback_answers import StaleAnswersIgnored
from bot.commands import set_bot_commands
from bot.context import AppContext
from bot.dispatcher import create_dispatcher
from bot.secret_key import ticket_secret
from bot.settings import Settings
from bot.webhook import CheckedRequestHandler
from jobs.lease import Lease, leased
from jobs.loop import run_jobs
from lottery.catalog import load_catalog
from lottery.clock import Clock, system_clock
from lottery.controls import LiveControls
from lottery.ticket_codes import PinHasher
from providers.registry import make_provider
from services.broadcast import BroadcastWorker, Limits, install_rate_limiter, make_limiter
from services.delivery import Deliverer
from speed import heap, pictures, responses
from storage.db import make_engine, make_sessionmaker, migrate

log = logging.getLogger(__name__)

BROADCAST_LEASE = "broadcast"
OUTBOX_SENDER_LEASE = "outbox"


class AlreadyRunning(Exception):
    """Another process already serves this bot where only one may (``one_process``)."""


def bot_id(settings: Settings) -> str:
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    return token.partition(":")[0] or "console"


def _lease_name(settings: Settings) -> str:
    return f"bot:{bot_id(settings)}"


def single_process(settings: Settings) -> bool:
    """Only one process may serve this bot: polling, or anything short of PostgreSQL + Redis."""
    return not (settings.webhook_url and settings.scales_out())


def _refusal(settings: Settings, holder: str) -> str:
    host, _, rest = holder.partition(":")
    return (
        f"bot {bot_id(settings)} is already running (pid {rest.partition(':')[0]} on {host}) "
        "on this database: one process polls a token, and one process serves SQLite. Stop it "
        "first, or run webhook workers on PostgreSQL and Redis (docs/deploy.md)."
    )


async def running_elsewhere(settings: Settings) -> str | None:
    """Why this process may not start (another one serves the bot where only one may), in one
    line; None when it may. Checked before start-up logs anything; :func:`one_process` then
    takes the lease for good (two processes starting at once: one of them is refused there)."""
    if not single_process(settings):
        return None
    await migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        holder = await Lease(make_sessionmaker(engine), _lease_name(settings),
                             ttl=settings.lease_ttl).current_holder()
    finally:
        await engine.dispose()
    return None if holder is None else _refusal(settings, holder)


@asynccontextmanager
async def one_process(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[None]:
    """Hold the bot's own lease while it runs where only one process may: polling (Telegram
    gives one process a token's updates) and anything on SQLite or without Redis (the
    conversations' locks are in memory). A second process is refused, naming the first."""
    name = _lease_name(settings)

    async def hold(lost: asyncio.Event) -> None:
        await lost.wait()

    async with leased(sessionmaker, {name: hold}, ttl=settings.lease_ttl) as leases:
        if not leases[name].held:
            raise AlreadyRunning(_refusal(settings, await leases[name].current_holder() or "?"))
        yield


@asynccontextmanager
async def app_context(
    settings: Settings, clock: Clock = system_clock, *, single: bool = False
) -> AsyncIterator[AppContext]:
    """Migrated database, catalog, provider and the jobs that keep draws current.

    ``single``: this process must be the bot's only one (:func:`one_process`); checked before
    anything else starts.

    With a remote provider the parser reads the provider's catalog (its lotteries, draws and
    plays over the bundled base one): the jobs' first run, before the app is handed out, loads
    it, and later runs refresh it every PROVIDER_CATALOG_TTL. A provider that does not answer
    at start-up leaves the base catalog in place (sales then answer that the lottery system is
    not answering) and is asked again on every tick until it does."""
    await migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    sessionmaker = make_sessionmaker(engine, clock)
    try:
        async with AsyncExitStack() as stack:
            if single:
                await stack.enter_async_context(one_process(settings, sessionmaker))
            yield await stack.enter_async_context(_app(settings, clock, sessionmaker))
    finally:
        await engine.dispose()


@asynccontextmanager
async def _app(
    settings: Settings, clock: Clock, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[AppContext]:
    catalog = load_catalog(settings.catalog)
    secret = ticket_secret(settings)
    controls = LiveControls(catalog)  # shared by the house provider and the handlers
    provider = make_provider(settings, sessionmaker=sessionmaker, catalog=catalog,
                             pin_hasher=PinHasher(secret), clock=clock, controls=controls)
    limits = Limits(
        global_per_second=settings.telegram_per_second,
        per_chat_per_second=settings.telegram_per_chat_per_second,
        paid_per_second=settings.telegram_paid_per_second,
    )
    app = AppContext(
        settings=settings,
        catalog=catalog,
        market_catalog=catalog,
        sessionmaker=sessionmaker,
        provider=provider,
        ticket_secret=secret,
        limiter=make_limiter(settings.redis_url, limits),
        clock=clock,
        controls=controls if settings.provider == "house" else None,
    )
    pictures.warm_up()
    try:
        async with run_jobs(app):
            yield app
    finally:
        await provider.close()


@asynccontextmanager
async def broadcasting(bot: Bot, app: AppContext) -> AsyncIterator[BroadcastWorker]:
    """Every call the bot makes goes through the shared rate limiter, and the broadcast queue and
    the outbox are sent while the bot runs (a restart resumes both), each by the one process
    that holds its lease (``jobs.lease``); every process sends its own sales' tickets first."""
    install_rate_limiter(bot, app.limiter)
    worker = BroadcastWorker(bot, app.sessionmaker, app.limiter, clock=app.clock)
    deliverer = Deliverer(bot, app)
    app.broadcaster, app.deliverer = worker, deliverer
    works = {BROADCAST_LEASE: worker.run_forever, OUTBOX_SENDER_LEASE: deliverer.run_forever}
    try:
        async with leased(app.sessionmaker, works, ttl=app.settings.lease_ttl):
            yield worker
    finally:
        app.broadcaster = app.deliverer = None
        await deliverer.flush_marks()


def create_bot(settings: Settings, session: AiohttpSession | None = None) -> Bot:
    assert settings.bot_token is not None
    if session is None and settings.telegram_api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    bot = Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    bot.session.middleware(StaleAnswersIgnored())
    bot.session.middleware(responses.KeepResponseModels())
    return bot


async def run_polling(bot: Bot, dp: Dispatcher, app: AppContext) -> None:
    await bot.delete_webhook(drop_pending_updates=False)
    await set_bot_commands(bot, app.settings.default_locale, app.provider.capabilities)
    log.info("polling started")
    await dp.start_polling(bot, allowed_updates=dp.resolve_used_update_types())


def webhook_app(bot: Bot, dp: Dispatcher, app: AppContext) -> web.Application:
    """The aiohttp app; the handler refuses requests without the secret (constant-time compare)
    and bodies that are not updates (400).

    As one of several workers it answers Telegram once the update is handled, not at once:
    Telegram sends a chat's next update only after the previous one was answered, so each
    person's updates are handled in order whichever worker gets them (Redis's lock is not
    first-come first-served). One process keeps them in order with its own locks and answers
    at once."""
    settings = app.settings
    assert settings.webhook_secret is not None
    web_app = web.Application()
    CheckedRequestHandler(
        dispatcher=dp, bot=bot, secret_token=settings.webhook_secret.get_secret_value(),
        handle_in_background=not settings.scales_out(),
    ).register(web_app, path=settings.webhook_path)
    setup_application(web_app, dp, bot=bot)
    return web_app


async def run_webhook(
    bot: Bot, dp: Dispatcher, app: AppContext, stop: asyncio.Event | None = None
) -> None:
    """Serve until ``stop`` is set (or the task is cancelled)."""
    settings = app.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    runner = web.AppRunner(webhook_app(bot, dp, app))
    await runner.setup()
    # Workers share the port: the kernel spreads Telegram's connections over them.
    site = web.TCPSite(runner, host=settings.host, port=settings.port,
                       reuse_port=settings.scales_out())
    await site.start()
    try:
        await bot.set_webhook(
            url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=dp.resolve_used_update_types(),
        )
        await set_bot_commands(bot, settings.default_locale, app.provider.capabilities)
        log.info("webhook listening", extra={"host": settings.host, "port": settings.port,
                                             "pid": os.getpid()})
        await (stop or asyncio.Event()).wait()
    finally:
        await runner.cleanup()


def _stop_on_signals() -> asyncio.Event:
    """Set on SIGTERM or SIGINT, so that a worker stops cleanly (its leases given back)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def run_bot(settings: Settings) -> None:
    """One bot process: polling, the only one of its token; or a webhook worker, one of several
    on PostgreSQL and Redis (else the only one too)."""
    async with app_context(settings, single=single_process(settings)) as app:
        bot = create_bot(settings)
        dp = create_dispatcher(app)
        heap.freeze_startup_heap()
        try:
            async with broadcasting(bot, app):
                if settings.webhook_url:
                    await run_webhook(bot, dp, app, _stop_on_signals())
                else:
                    await run_polling(bot, dp, app)
        finally:
            await dp.storage.close()
            await bot.session.close()
