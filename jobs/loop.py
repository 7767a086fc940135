"""Background jobs: prizes expired on time; in house mode draws created ahead and closed on
time; with a remote provider the pending tickets reconciled and the results fetched after each
draw (the draws job, one lease: ``jobs.lease``; it also watches that the provider answers,
``services.provider_watch``), and its catalog kept fresh (in every process:
each one's parser reads its own copy).

Each run is idempotent, but with several workers the draws job runs in the one process that holds
its lease, so a result is fetched, and broadcast, once. A failing run is logged and retried on the
next tick; it never stops the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from typing import TYPE_CHECKING

from jobs.lease import Work, leased
from jobs.reconcile import GRACE, reconcile_pending
from jobs.results_feed import run_results_feed_once
from providers.base import ProviderError, ProviderUnavailable
from providers.house import HouseProvider, close_due_draws, ensure_upcoming_draws
from services.controls import refresh_app
from services.payments import expire_prizes
from services.provider_watch import note_probe

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0
#: The lease of the draws job (and with it the results feed and reconciliation).
JOBS_LEASE = "jobs"


def _remote(app: AppContext) -> bool:
    return not isinstance(app.provider, HouseProvider)


async def run_draw_jobs_once(app: AppContext) -> None:
    """Everything once, as a lone process does at start-up: the catalog, then the shared jobs."""
    await refresh_catalog_once(app)
    await run_shared_jobs_once(app)


async def refresh_catalog_once(app: AppContext) -> None:
    """This process's copy of a remote provider's catalog, when due."""
    if _remote(app) and catalog_due(app):
        await load_provider_catalog(app)


async def run_shared_jobs_once(app: AppContext) -> None:
    """The work done for the whole banca (in the process holding ``JOBS_LEASE``)."""
    remote = _remote(app)
    log.info("job ran", extra={"job": JOBS_LEASE})
    now = app.clock()
    async with app.sessionmaker() as session, session.begin():
        if app.controls is not None:  # the banca's closing minutes close the draws below
            await refresh_app(session, app)
        expired = await expire_prizes(session, app.catalog, now)
    if expired:
        log.info("prizes expired", extra={"tickets": expired})
    if remote:
        await watch_provider(app)
        await reconcile_once(app)
        await run_results_feed_once(app)
        return
    created = await ensure_upcoming_draws(app.sessionmaker, app.catalog, now)
    closed = await close_due_draws(app.sessionmaker, app.catalog, now)
    if created or closed:
        log.info("draws job", extra={"draws_created": created, "draws_closed": len(closed)})


async def watch_provider(app: AppContext) -> None:
    """Ask the remote provider whether it answers (its catalog, no stale copy) and note the
    outcome: an alert once it has not answered for PROVIDER_DOWN_MINUTES."""
    probe = getattr(app.provider, "probe", None)
    if not callable(probe):
        return
    answered = True  # a refusal (ProviderError) is an answer
    try:
        await probe()
    except ProviderUnavailable as exc:
        log.warning("provider not answering", extra={"provider": app.provider.name,
                                                    "detail": exc.detail})
        answered = False
    except ProviderError:
        pass
    except Exception:  # never let the watchdog stop the reconciliation and the results
        log.exception("provider probe failed")
        return
    after = timedelta(minutes=app.settings.provider_down_minutes)
    async with app.sessionmaker() as session, session.begin():
        queued = await note_probe(session, app.catalog, app.provider.name, answered=answered,
                                  now=app.clock(), after=after)
    if queued:
        app.wake_broadcaster()


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


def tick_seconds(app: AppContext) -> float:
    return app.settings.jobs_tick or TICK_SECONDS


async def _catalog_loop(app: AppContext) -> None:
    while True:
        await asyncio.sleep(tick_seconds(app))
        try:
            await refresh_catalog_once(app)
        except Exception:
            log.exception("catalog refresh failed; retrying on the next tick")


def shared_jobs(app: AppContext, ran: asyncio.Event | None = None) -> Work:
    """The draws job as leased work: a run at once (draws exist before the first sale; ``ran``
    is set after it), then one every tick, until the lease is lost."""

    async def work(lost: asyncio.Event) -> None:
        while not lost.is_set():
            try:
                await run_shared_jobs_once(app)
            except Exception:
                log.exception("draws job failed; retrying on the next tick")
            if ran is not None:
                ran.set()
            with suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), tick_seconds(app))

    return work


@asynccontextmanager
async def run_jobs(app: AppContext) -> AsyncIterator[None]:
    await refresh_catalog_once(app)  # first, so the parser has its catalog
    catalog = asyncio.create_task(_catalog_loop(app), name="catalog")
    ran = asyncio.Event()
    work = {JOBS_LEASE: shared_jobs(app, ran)}
    try:
        async with leased(app.sessionmaker, work, ttl=app.settings.lease_ttl) as leases:
            if leases[JOBS_LEASE].held:  # a lone process: draws exist before the first sale
                await ran.wait()
            yield
    finally:
        catalog.cancel()
        with suppress(asyncio.CancelledError):
            await catalog
