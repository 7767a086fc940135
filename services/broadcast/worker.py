"""The broadcast worker: claims deliveries, sends them through the shared limiter, records each
outcome the moment Telegram answers.

Never twice, and what a restart does
------------------------------------
A delivery is claimed (``pending → sending``) only when the limiter has room to send it now
(or within one burst, ``Limits.smoothing`` seconds), and its outcome is written right after the
Bot API call returns (group commit: the next transaction, a few milliseconds), so a row is
``sending`` for about one HTTP round trip. Telegram has no idempotency key: a row found
``sending`` after a crash may or may not be in the chat. The choice is **at most once**: such a
row becomes ``unknown`` once it is older than ``stale_after`` and is never resent automatically
(an admin may resend the unknown ones knowingly, ``queue.retry_unknown``). Network errors and
5xx answers (the request may have been processed) are ``unknown`` too, and make every sender
back off; a connection that could not even be opened, and a 429 (after which everyone waits
``retry_after``), mean "not sent": the row goes back to ``pending``.

A *stop* (``stop`` event, or cancelling the task, as a SIGTERM does) is not a crash: sends still
waiting for a permit are abandoned and their rows released to ``pending``; sends already on the
wire are awaited and recorded. So a restart leaves no ``sending`` row behind and resumes with
neither duplicates nor losses; only a hard kill leaves ambiguity, bounded by the rows in flight.

Blocked users (403) are marked ``blocked``, unsubscribed from every lottery and set inactive in
the same transaction. Other refusals (400) are ``failed`` with Telegram's description.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext, suppress
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.clock import Clock, system_clock
from services.broadcast import progress_message
from services.broadcast.failures import classify
from services.broadcast.limiter import RateLimiter
from services.broadcast.middleware import (
    Attempt,
    AttemptState,
    RateLimitMiddleware,
    current_attempt,
    install_rate_limiter,
)
from services.broadcast.progress import Progress
from services.broadcast.recorder import OutcomeRecorder
from services.broadcast.run import Job, Run
from storage.models import BroadcastStatus, DeliveryState
from storage.repositories import broadcasts as repo
from storage.repositories import subscriptions as subscriptions_repo
from storage.repositories import users as users_repo
from storage.repositories.broadcasts import ClaimedDelivery

log = logging.getLogger(__name__)

_ACTIVE = (BroadcastStatus.QUEUED, BroadcastStatus.RUNNING)


class BroadcastWorker:
    """Sends queued broadcasts with ``bot``; one per process (several processes may share a
    PostgreSQL queue and a Redis limiter).

    ``limiter`` is installed on ``bot.session`` (``RateLimitMiddleware``) if it is not yet, so the
    broadcast and the bot's replies share it. ``concurrency``: sends in flight at most.
    ``stale_after``: seconds after which a ``sending`` row of a dead worker becomes ``unknown``
    (longer than any Bot API call can take). ``progress_every``: seconds between edits of the
    admin's progress message. ``clock`` gives aware UTC datetimes (timestamps, progress pace).
    """

    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        limiter: RateLimiter,
        *,
        clock: Clock = system_clock,
        concurrency: int = 50,
        max_batch: int = 100,
        poll_interval: float = 1.0,
        progress_every: float = 2.0,
        stale_after: float = 120.0,
        max_backoff: float = 30.0,
    ) -> None:
        if concurrency < 1 or max_batch < 1:
            raise ValueError("concurrency and max_batch must be at least 1")
        self.bot = bot
        self.limiter = limiter
        self.middleware: RateLimitMiddleware = install_rate_limiter(bot, limiter)
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._concurrency = concurrency
        self._max_batch = max_batch
        self._poll_interval = poll_interval
        self._progress_every = timedelta(seconds=progress_every)
        self._stale_after = timedelta(seconds=stale_after)
        self._max_backoff = max_backoff
        self._wake = asyncio.Event()
        sqlite = sessionmaker.kw["bind"].dialect.name == "sqlite"
        # SQLite has one writer: queueing writes here beats its busy-wait sleeps.
        self._write_lock: asyncio.Lock | None = asyncio.Lock() if sqlite else None
        self._recorder = OutcomeRecorder(self._write, clock)

    # -- public API ------------------------------------------------------------------------

    def wake(self) -> None:
        """Look for work now instead of at the next poll (call after committing an enqueue)."""
        self._wake.set()

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Send broadcasts, most urgent first, until ``stop`` is set or the task is cancelled.

        Both stop the same clean way (see the module docstring): setting ``stop`` cancels the
        pass under way, which settles its sends before this returns. Errors are logged and the
        pass is retried after ``poll_interval``.
        """
        while not stop.is_set():
            work = asyncio.ensure_future(self._run_next())
            stopped = asyncio.ensure_future(stop.wait())
            try:
                await asyncio.wait({work, stopped}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopped.cancel()
                if not work.done():
                    work.cancel()
                    with suppress(asyncio.CancelledError):
                        await work  # returns once in-flight sends are recorded
            if work.cancelled():
                return
            if (error := work.exception()) is not None:
                log.error("broadcast worker: pass failed; retrying", exc_info=error)
            if error is not None or not work.result():
                await self._idle(stop)

    async def run_once(self) -> bool:
        """Work on the most urgent unfinished broadcast until it is done (or a more urgent one
        arrives); False when there was nothing to do."""
        return await self._run_next()

    async def drain(self, broadcast_id: int) -> Progress:
        """Send one broadcast to the end, whatever else is queued; return its final counts."""
        await self._run(broadcast_id, yield_to_urgent=False)
        return await self.progress(broadcast_id)

    async def progress(self, broadcast_id: int) -> Progress:
        async with self._sessionmaker() as s:
            broadcast = await repo.get_broadcast(s, broadcast_id)
            if broadcast is None:
                raise LookupError(f"no broadcast {broadcast_id}")
            return Progress.of(broadcast, await repo.counts(s, broadcast_id))

    # -- the loop --------------------------------------------------------------------------

    async def _run_next(self) -> bool:
        async with self._sessionmaker() as s:
            broadcast_id = await repo.next_broadcast(s)
        if broadcast_id is None:
            return False
        await self._run(broadcast_id, yield_to_urgent=True)
        return True

    async def _idle(self, stop: asyncio.Event | None) -> None:
        waits = [asyncio.ensure_future(self._wake.wait())]
        if stop is not None:
            waits.append(asyncio.ensure_future(stop.wait()))
        try:
            await asyncio.wait(waits, timeout=self._poll_interval, return_when="FIRST_COMPLETED")
        finally:
            for w in waits:
                w.cancel()
        self._wake.clear()

    async def _run(self, broadcast_id: int, *, yield_to_urgent: bool) -> bool:
        """True when the broadcast is finished; False when yielding to a more urgent one.
        Cancelling it stops cleanly (``_settle``)."""
        now = self._clock()
        async with self._write() as s:
            await repo.start(s, broadcast_id, now)
            broadcast = await repo.get_broadcast(s, broadcast_id)
        if broadcast is None:
            raise LookupError(f"no broadcast {broadcast_id}")
        if broadcast.status not in _ACTIVE:
            return True
        run = Run(
            job=Job.of(broadcast),
            started=now,
            image_file_id=broadcast.image_file_id,
            progress_message_id=broadcast.progress_message_id,
            next_tick=now,
        )
        try:
            await self._open_progress(run)
            finished = await self._loop(run, yield_to_urgent)
        finally:
            await self._settle(run)
        if run.final_edit:
            await self._edit_progress(run)
        return finished

    async def _loop(self, run: Run, yield_to_urgent: bool) -> bool:
        while True:
            run.changed.clear()
            if run.fatal is not None:
                raise run.fatal
            now = self._clock()
            if now >= run.next_tick:
                run.next_tick = now + self._progress_every
                if await self._tick(run, now, yield_to_urgent):
                    return False
            free = self._concurrency - len(run.in_flight)
            if run.job.image is not None and run.image_file_id is None:
                free = 0 if run.in_flight else 1  # upload once, then send Telegram's file id
            if free > 0:
                # Claim what may leave now plus one slice ahead, so the next slice's sends are
                # already queued on the limiter when it opens (instead of a claim later).
                ready = await self.limiter.ready(paid=run.job.paid)
                ahead = self.limiter.limits.lookahead(run.job.paid)
                free = min(free, ready + ahead - run.waiting(), self._max_batch)
            if free <= 0:
                await self._wait_change(run)
                continue
            rows = await self._claim(run, free)
            if rows:
                self._start(run, rows)
            elif run.in_flight:
                await self._wait_change(run)
            elif await self._try_finish(run):
                return True
            else:
                await self._idle(None)  # another worker is still sending the last rows

    async def _wait_change(self, run: Run) -> None:
        with suppress(TimeoutError):
            async with asyncio.timeout(0.25):
                await run.changed.wait()

    async def _tick(self, run: Run, now: datetime, yield_to_urgent: bool) -> bool:
        """Periodic housekeeping: progress edit, and True if a more urgent broadcast waits."""
        if not yield_to_urgent and run.progress_message_id is None:
            return False
        async with self._write() as s:
            urgent = yield_to_urgent and await repo.more_urgent_waiting(s, run.job.id, run.job.kind)
            edit = (
                run.progress_message_id is not None
                and (run.progress_task is None or run.progress_task.done())
                and await repo.take_progress_slot(s, run.job.id, now, self._progress_every)
            )
        if edit:
            run.progress_task = asyncio.create_task(self._edit_progress(run))
        return urgent

    async def _claim(self, run: Run, limit: int) -> list[ClaimedDelivery]:
        async def claim() -> list[ClaimedDelivery]:
            async with self._write() as s:
                return await repo.claim(s, run.job.id, limit, self._clock())

        task = asyncio.ensure_future(claim())
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            # Stopped mid-claim: the rows may be ours already; nothing was sent, give them back.
            with suppress(Exception):
                await self._release_all(await task)
            raise

    def _start(self, run: Run, rows: list[ClaimedDelivery]) -> None:
        for row in rows:
            attempt = Attempt(on_change=run.changed.set)
            task = asyncio.create_task(self._deliver(run, row, attempt))
            run.in_flight[task] = (row, attempt)
            run.unsettled[row.id] = (row, attempt)
            task.add_done_callback(lambda t, run=run: self._delivered(run, t))

    def _delivered(self, run: Run, task: asyncio.Task[None]) -> None:
        run.in_flight.pop(task, None)
        run.changed.set()
        if task.cancelled():
            return
        error = task.exception()
        if error is not None and run.fatal is None:
            run.fatal = error

    async def _settle(self, run: Run) -> None:
        """Stop cleanly: abandon sends still waiting for a permit, wait for those on the wire,
        give the abandoned rows back. A row whose call went out but whose outcome could not be
        recorded stays ``sending`` (it becomes ``unknown``): it may be in the chat."""
        for task, (row, attempt) in list(run.in_flight.items()):
            if attempt.state is AttemptState.WAITING and row.id in run.unsettled:
                task.cancel()
        if run.in_flight:
            await asyncio.wait(list(run.in_flight))
        await self._recorder.flushed()
        if run.progress_task is not None and not run.progress_task.done():
            run.progress_task.cancel()
            with suppress(asyncio.CancelledError):
                await run.progress_task
        abandoned = [r for r, a in run.unsettled.values() if a.state is AttemptState.WAITING]
        run.unsettled.clear()
        if abandoned:
            await self._release_all(abandoned)

    async def _try_finish(self, run: Run) -> bool:
        now = self._clock()
        async with self._write() as s:
            expired = await repo.expire_stale(s, run.job.id, now - self._stale_after, now)
            if expired:
                log.warning(
                    "broadcast %s: %s deliveries left mid-send by a dead worker are "
                    "now 'unknown' (not resent)",
                    run.job.id,
                    expired,
                )
            won = await repo.finish(s, run.job.id, now)
            broadcast = await repo.get_broadcast(s, run.job.id)
        assert broadcast is not None
        if won or broadcast.status is BroadcastStatus.CANCELLED:
            run.final_edit = True
            return True
        return broadcast.status is BroadcastStatus.DONE

    # -- one delivery ----------------------------------------------------------------------

    async def _deliver(self, run: Run, row: ClaimedDelivery, attempt: Attempt) -> None:
        current_attempt.set(attempt)  # this task's own context: the middleware moves it along
        try:
            message_id, file_id = await self._send(run, row)
        except TelegramAPIError as exc:
            failure = classify(exc)
            if failure.blocked:
                await self._blocked(run, row, failure.reason)
            else:
                await self._outcome(run, row, failure.state, failure.reason)
            if failure.trouble:
                await self._trouble(run)
            if failure.fatal:
                raise
        else:
            run.failure_streak = 0
            await self._sent(run, row, message_id, file_id)

    async def _send(self, run: Run, row: ClaimedDelivery) -> tuple[int, str | None]:
        """The Bot API call; returns (message id, Telegram's file id of a first upload)."""
        text = row.text if row.text is not None else (run.job.text or "")
        paid = True if run.job.paid else None
        if not run.has_image:
            message = await self.bot.send_message(
                row.chat_id, text, parse_mode=ParseMode.HTML, allow_paid_broadcast=paid
            )
            return message.message_id, None
        uploading = run.image_file_id is None
        photo = run.image_file_id or BufferedInputFile(run.job.image or b"", "broadcast.png")
        message = await self.bot.send_photo(
            row.chat_id,
            photo,
            caption=text or None,
            parse_mode=ParseMode.HTML,
            allow_paid_broadcast=paid,
        )
        file_id = message.photo[-1].file_id if uploading and message.photo else None
        if file_id is not None:
            run.image_file_id = file_id
        return message.message_id, file_id

    async def _sent(
        self, run: Run, row: ClaimedDelivery, message_id: int, file_id: str | None
    ) -> None:
        run.unsettled.pop(row.id, None)
        run.sent_here += 1
        if file_id is not None:
            await self._recorder.run(lambda s: repo.set_image_file_id(s, run.job.id, file_id))
        await self._recorder.sent(row.id, message_id)

    async def _outcome(
        self, run: Run, row: ClaimedDelivery, state: DeliveryState | None, reason: str
    ) -> None:
        """Record a failure (``state``), or with None give the row back: it was not sent."""
        run.unsettled.pop(row.id, None)
        if state is None:
            await self._recorder.run(lambda s: repo.release(s, row.id, reason))
            return
        log.info("broadcast %s: chat %s %s: %s", run.job.id, row.chat_id, state, reason)
        await self._recorder.run(
            lambda s: repo.mark_outcome(s, row.id, state, reason, self._clock())
        )

    async def _blocked(self, run: Run, row: ClaimedDelivery, reason: str) -> None:
        """403: this chat will not hear from us again until the user comes back."""
        run.unsettled.pop(row.id, None)

        async def write(s: AsyncSession) -> None:
            if not await repo.mark_outcome(s, row.id, DeliveryState.BLOCKED, reason, self._clock()):
                return
            for lottery_id in await subscriptions_repo.user_subscriptions(s, row.chat_id):
                await subscriptions_repo.unsubscribe(s, row.chat_id, lottery_id)
            await users_repo.set_active(s, row.chat_id, False)

        await self._recorder.run(write)

    async def _trouble(self, run: Run) -> None:
        """Telegram unreachable or failing: everybody waits, longer each time in a row."""
        run.failure_streak += 1
        await self.limiter.backoff(min(self._max_backoff, 2.0 ** (run.failure_streak - 1)))

    async def _release_all(self, rows: list[ClaimedDelivery]) -> None:
        async def write(s: AsyncSession) -> None:
            for row in rows:
                await repo.release(s, row.id, None)

        await self._recorder.run(write)

    # -- progress message ------------------------------------------------------------------

    async def _open_progress(self, run: Run) -> None:
        await progress_message.open_message(self.bot, self._sessionmaker, self._write, run,
                                            self._clock)

    async def _edit_progress(self, run: Run) -> None:
        await progress_message.edit_message(self.bot, self._sessionmaker, run, self._clock)

    # -- transactions ----------------------------------------------------------------------

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]:
        return self._transaction()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        lock: Any = self._write_lock if self._write_lock is not None else nullcontext()
        async with lock, self._sessionmaker() as s, s.begin():
            yield s
