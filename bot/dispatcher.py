"""Builds the Dispatcher: storage, event isolation, middlewares in a fixed order, routers."""

from __future__ import annotations

from aiogram import Dispatcher, Router
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

from bot.context import AppContext
from bot.fsm_storage import make_fsm_storage
from bot.i18n import UserLocaleMiddleware, make_i18n
from bot.middlewares.clean_text import CleanTextMiddleware
from bot.middlewares.controls import ControlsMiddleware
from bot.middlewares.db import DbSessionMiddleware
from bot.middlewares.dedup import DedupMiddleware
from bot.middlewares.formatter import FormatterMiddleware
from bot.middlewares.fsm import LockedContextMiddleware, StateMiddleware
from bot.middlewares.in_flight import InFlightMiddleware
from bot.middlewares.throttle import ThrottlingMiddleware
from bot.middlewares.user import UserMiddleware
from handlers import build_root_router


def create_dispatcher(
    app: AppContext,
    storage: BaseStorage | None = None,
    *,
    throttle: bool = True,
    router: Router | None = None,
) -> Dispatcher:
    """`throttle=False` for console mode: one local person, and piped input is fast by nature.
    ``router``: the handlers behind the middlewares (the bot's own unless given; the sales
    benchmark measures the middlewares with handlers that do nothing else)."""
    storage = storage or make_fsm_storage(app.settings.redis_url, app.sessionmaker)
    isolation: BaseEventIsolation
    if isinstance(storage, RedisStorage):
        # A worker killed while it holds a person's lock leaves it until it expires.
        isolation = RedisEventIsolation(
            storage.redis, lock_kwargs={"timeout": app.settings.user_lock_seconds}
        )
    else:
        isolation = SimpleEventIsolation()
    # aiogram's FSM middleware is replaced by one that reads the state inside the unit of work
    dp = Dispatcher(storage=storage, events_isolation=isolation, disable_fsm=True, app=app)
    dp.fsm = LockedContextMiddleware(storage=storage, events_isolation=isolation)

    # Order matters: control characters leave the update's strings before anything reads them
    # (the FSM's key included), so that SQLite and PostgreSQL (which refuses NUL) store the same
    # text; stopping waits for the updates in hand; the unit of work wraps everything
    # below the FSM middleware, which must stay outside it: its per-user lock (event isolation)
    # then covers the commit, so a user's next update cannot read the state before this one's is
    # written; duplicates are dropped before any side effect; the state is read inside the unit
    # of work; the user must be loaded before their language is chosen, and before their
    # formatter (``fmt``: money, dates, numbers as they read them) is built.
    dp.update.outer_middleware(CleanTextMiddleware())
    dp.update.outer_middleware(dp.fsm)
    in_flight = InFlightMiddleware()
    dp.update.outer_middleware(in_flight)
    dp.shutdown.register(in_flight.drain)
    dp.update.outer_middleware(DbSessionMiddleware(app.sessionmaker))
    dp.update.outer_middleware(DedupMiddleware())
    dp.update.outer_middleware(StateMiddleware())
    dp.update.outer_middleware(UserMiddleware())
    dp.update.outer_middleware(ControlsMiddleware())  # before fmt: it reads the catalog
    dp.update.outer_middleware(FormatterMiddleware())
    # Not on errors: by then the update's user went with its rolled-back unit of work
    # (handlers/errors.py reads the language itself).
    UserLocaleMiddleware(make_i18n(app.settings.default_locale)).setup(dp, exclude={"error"})
    if throttle:
        limiter = ThrottlingMiddleware(app.settings.throttle_per_second)
        dp.message.outer_middleware(limiter)
        dp.callback_query.outer_middleware(limiter)
        dp.edited_message.outer_middleware(limiter)

    dp.include_router(router or build_root_router(app.provider.capabilities))
    return dp
