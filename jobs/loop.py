"""Background jobs of one bot process: prizes expired on time; in house mode draws created
ahead and closed on time; with a remote provider its catalog kept fresh, the pending tickets
reconciled and the results fetched after each draw.

Each run is idempotent and safe from several workers at once, so no leader election is needed.
A failing run is logged and retried on the next tick; it never stops the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from typing import TYPE_CHECKING

from jobs.reconcile import GRACE, reconcile_pending
from jobs.results_feed import run_results_feed_once
from providers.house import HouseProvider, close_due_draws, ensure_upcoming_draws
from services.controls import refresh_app
from services.payments import expire_prizes

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0


async def run_draw_jobs_once(app: AppContext) -> None:
    remote = not isinstance(app.provider, HouseProvider)
    if remote and catalog_due(app):  # first, so the start-up run gives the parser its catalog
        await load_provider_catalog(app)
    now = app.clock()
    async with app.sessionmaker() as session, session.begin():
        if app.controls is not None:  # the banca's closing minutes close the draws below
            await refresh_app(session, app)
        expired = await expire_prizes(session, app.catalog, now)
    if expired:
        log.info("prizes expired", extra={"tickets": expired})
    if remote:
        await reconcile_once(app)
        await run_results_feed_once(app)
        return
    created = await ensure_upcoming_draws(app.sessionmaker, app.catalog, now)
    closed = await close_due_draws(app.sessionmaker, app.catalog, now)
    if created or closed:
        log.info("draws job", extra={"draws_created": created, "draws_closed": len(closed)})


def catalog_due(app: AppContext) -> bool:
    """Due every PROVIDER_CATALOG_TTL, and on every tick while the provider has not answered."""
    if app.catalog_loaded_at is None:
        return True
    ttl = timedelta(seconds=app.settings.provider_catalog_ttl)
    return app.clock() - app.catalog_loaded_at >= ttl


async def load_provider_catalog(app: AppContext) -> bool:
    """Replace ``app.catalog`` (what the parser reads) with the provider's, fetched now. When the
    provider cannot give it, keep the current one (at start-up the bundled base catalog, so the
    bot still starts and tells people the lottery system is not answering) and try again on the
    next tick. True when the catalog was replaced."""
    provider = app.provider
    refresh = getattr(provider, "refresh", None)
    try:
        catalog = await (refresh() if callable(refresh) else provider.catalog())
    except Exception as exc:
        log.warning(
            "provider catalog unavailable; keeping the current one, retrying on the next tick",
            extra={"provider": provider.name, "error": type(exc).__name__,
                   "detail": getattr(exc, "detail", "")},
        )
        app.catalog_loaded_at = None
        return False
    first = app.catalog_loaded_at is None
    app.catalog = catalog
    app.catalog_loaded_at = app.clock()
    if first:
        log.info("provider catalog loaded", extra={"provider": provider.name,
                                                   "lotteries": len(catalog.lotteries)})
    return True


async def reconcile_once(app: AppContext) -> None:
    """Settle the pending tickets the provider can now answer for; wake the broadcast worker
    for the notices it queued."""
    grace = max(GRACE, timedelta(seconds=3 * app.settings.provider_timeout))
    summary = await reconcile_pending(
        app.sessionmaker,
        provider=app.provider,
        catalog=app.catalog,
        pins=app.pins,
        brand=app.settings.brand_name,
        now=app.clock(),
        grace=grace,
    )
    if summary.notified:
        app.wake_broadcaster()


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
