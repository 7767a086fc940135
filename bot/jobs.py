"""Background jobs of one bot process: prizes expired on time; in house mode draws created
ahead and closed on time.

Each run is idempotent and safe from several workers at once, so no leader election is needed.
A failing run is logged and retried on the next tick; it never stops the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING

from providers.house import HouseProvider, close_due_draws, ensure_upcoming_draws
from services.payments import expire_prizes

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0


async def run_draw_jobs_once(app: AppContext) -> None:
    now = app.clock()
    async with app.sessionmaker() as session, session.begin():
        expired = await expire_prizes(session, app.catalog, now)
    if expired:
        log.info("prizes expired", extra={"tickets": expired})
    if not isinstance(app.provider, HouseProvider):
        return
    created = await ensure_upcoming_draws(app.sessionmaker, app.catalog, now)
    closed = await close_due_draws(app.sessionmaker, app.catalog, now)
    if created or closed:
        log.info("draws job", extra={"draws_created": created, "draws_closed": len(closed)})


async def _loop(app: AppContext) -> None:
    while True:
        await asyncio.sleep(TICK_SECONDS)
        try:
            await run_draw_jobs_once(app)
        except Exception:
            log.exception("draws job failed; retrying on the next tick")


@asynccontextmanager
async def run_jobs(app: AppContext) -> AsyncIterator[None]:
    await run_draw_jobs_once(app)  # draws exist before the first sale
    task = asyncio.create_task(_loop(app), name="draw-jobs")
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
