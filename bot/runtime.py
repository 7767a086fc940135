"""Start-up and the two Telegram run modes: long polling, or webhook behind a load balancer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.webhook.aiohttp_server import setup_application
from aiohttp import web

from bot.commands import set_bot_commands
from bot.context import AppContext
from bot.dispatcher import create_dispatcher
from bot.secret_key import ticket_secret
from bot.settings import Settings
from bot.webhook import CheckedRequestHandler
from jobs.loop import run_jobs
from lottery.catalog import load_catalog
from lottery.clock import Clock, system_clock
from lottery.controls import LiveControls
from lottery.ticket_codes import PinHasher
from providers.registry import make_provider
from services.broadcast import BroadcastWorker, Limits, install_rate_limiter, make_limiter
from services.delivery import Deliverer
from speed import pictures
from storage.db import make_engine, make_sessionmaker, migrate

log = logging.getLogger(__name__)


@asynccontextmanager
async def app_context(settings: Settings, clock: Clock = system_clock) -> AsyncIterator[AppContext]:
    """Migrated database, catalog, provider and the jobs that keep draws current.

    With a remote provider the parser reads the provider's catalog (its lotteries, draws and
    plays over the bundled base one): the jobs' first run, before the app is handed out, loads
    it, and later runs refresh it every PROVIDER_CATALOG_TTL. A provider that does not answer
    at start-up leaves the base catalog in place (sales then answer that the lottery system is
    not answering) and is asked again on every tick until it does."""
    await migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    sessionmaker = make_sessionmaker(engine, clock)
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
        await engine.dispose()


@asynccontextmanager
async def broadcasting(bot: Bot, app: AppContext) -> AsyncIterator[BroadcastWorker]:
    """Every call the bot makes goes through the shared rate limiter, and the broadcast queue and
    the outbox are sent while the bot runs (a restart resumes both)."""
    install_rate_limiter(bot, app.limiter)
    worker = BroadcastWorker(bot, app.sessionmaker, app.limiter, clock=app.clock)
    deliverer = Deliverer(bot, app)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(worker.run_forever(stop), name="broadcast"),
             asyncio.create_task(deliverer.run_forever(stop), name="outbox")]
    app.broadcaster, app.deliverer = worker, deliverer
    try:
        yield worker
    finally:
        app.broadcaster = app.deliverer = None
        stop.set()
        await asyncio.gather(*tasks)


def create_bot(settings: Settings, session: AiohttpSession | None = None) -> Bot:
    assert settings.bot_token is not None
    if session is None and settings.telegram_api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


async def run_polling(bot: Bot, dp: Dispatcher, app: AppContext) -> None:
    await bot.delete_webhook(drop_pending_updates=False)
    await set_bot_commands(bot, app.settings.default_locale, app.provider.capabilities)
    log.info("polling started")
    await dp.start_polling(bot, allowed_updates=dp.resolve_used_update_types())


def webhook_app(bot: Bot, dp: Dispatcher, app: AppContext) -> web.Application:
    """The aiohttp app; the handler refuses requests without the secret (constant-time compare)
    and bodies that are not updates (400)."""
    settings = app.settings
    assert settings.webhook_secret is not None
    web_app = web.Application()
    CheckedRequestHandler(
        dispatcher=dp, bot=bot, secret_token=settings.webhook_secret.get_secret_value()
    ).register(web_app, path=settings.webhook_path)
    setup_application(web_app, dp, bot=bot)
    return web_app


async def run_webhook(bot: Bot, dp: Dispatcher, app: AppContext) -> None:
    settings = app.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    runner = web.AppRunner(webhook_app(bot, dp, app))
    await runner.setup()
    site = web.TCPSite(runner, host=settings.host, port=settings.port)
    await site.start()
    try:
        await bot.set_webhook(
            url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=dp.resolve_used_update_types(),
        )
        await set_bot_commands(bot, settings.default_locale, app.provider.capabilities)
        log.info("webhook listening", extra={"host": settings.host, "port": settings.port})
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def run_bot(settings: Settings) -> None:
    async with app_context(settings) as app:
        bot = create_bot(settings)
        dp = create_dispatcher(app)
        try:
            async with broadcasting(bot, app):
                if settings.webhook_url:
                    await run_webhook(bot, dp, app)
                else:
                    await run_polling(bot, dp, app)
        finally:
            await dp.storage.close()
            await bot.session.close()
