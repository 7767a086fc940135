"""Sending the outbox (``services.outbox``): tickets with their PIN and money news, at least once.

The sale's handler sends its own ticket right after the commit (``deliver_ticket``): the buyer
waits for nothing more than before. Everything else, and whatever that first try could not send
(the process died, Telegram failed, a 429), is sent by :class:`Deliverer`, a background task of
every bot process, which claims due rows (``storage.repositories.outbox``) and retries:

- 429: after Telegram's ``retry_after``;
- 403 (the person blocked the bot): every hour, so it arrives if they come back;
- 400: never (Telegram will refuse it again); the row is kept, failed, with the reason logged;
- anything else (a network error, a 5xx, a timeout): with backoff, 2 s doubling up to 5 minutes.

A ticket goes as one message, its picture captioned with its text; a text too long for a caption
goes first on its own, and when the picture cannot be drawn or sent, the text goes alone. The
text is what counts: once it is in the chat the row is sent, and its PIN is dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import BufferedInputFile
from sqlalchemy.ext.asyncio import AsyncSession

from presentation.telegram_text import fits_caption
from services.long_text import send_text
from services.tickets import ticket_png, ticket_text, ticket_view
from storage.models import Ticket, User
from storage.repositories import outbox as repo
from storage.repositories import tickets as tickets_repo
from storage.repositories import users as users_repo
from storage.repositories.outbox import Claimed

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)

#: Deliveries seen in this many seconds are recorded in one transaction (``Deliverer.mark_sent``).
MARK_EVERY = 0.2
BLOCKED_RETRY = timedelta(hours=1)
MAX_BACKOFF = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 2 s, 4 s, 8 s… at most 5 minutes."""
    return min(MAX_BACKOFF, timedelta(seconds=2 ** min(attempts, 20)))


async def send_ticket(
    bot: Bot, app: AppContext, chat_id: int, ticket: Ticket, user: User, pin: str | None
) -> int:
    """The ticket as one message, its picture captioned with its text: one thing to keep or
    forward. Returns the id of the message that carries the text; raises when the text could
    not be sent."""
    view = ticket_view(ticket, app.catalog, brand=app.settings.brand_name, pin=pin)
    text = ticket_text(view, user)
    caption = fits_caption(text)
    text_id = None if caption else (await send_text(bot, chat_id, text)).message_id
    try:
        png = await ticket_png(view, app, user)
        photo = await bot.send_photo(
            chat_id,
            BufferedInputFile(png, filename="ticket.png"),
            caption=text if caption else None,
        )
    except Exception:
        log.exception("ticket image could not be sent; the ticket goes as text")
        if text_id is not None:
            return text_id
        return (await send_text(bot, chat_id, text)).message_id
    return text_id if text_id is not None else photo.message_id


class Deliverer:
    """Sends what the outbox owes, in this process; several processes may share one database.

    ``in_hand``: rows this process is sending itself (a sale's ticket), or has sent and not yet
    recorded, which the background loop leaves alone even past their lease (``_first_try``).
    """

    def __init__(
        self, bot: Bot, app: AppContext, *, poll_interval: float = 1.0, batch: int = 20
    ) -> None:
        self.bot = bot
        self.app = app
        self._poll_interval = poll_interval
        self._batch = batch
        self._wake = asyncio.Event()
        self.in_hand: set[int] = set()
        self._marks: list[repo.Delivered] = []
        self._marking: asyncio.Task[None] | None = None

    def mark_sent(self, row_id: int, message_id: int | None) -> None:
        """Record a delivery within ``MARK_EVERY`` seconds, together with the others of that
        moment: a sale does not pay for a transaction of its own (``bench/sale_cpu.py``: about
        a millisecond). Should the process die before they are written, those messages are sent
        again after the lease: twice, never zero times."""
        self._marks.append(repo.Delivered(row_id, message_id, self.app.clock()))
        if self._marking is None or self._marking.done():
            self._marking = asyncio.create_task(self._write_marks())

    async def _write_marks(self) -> None:
        await asyncio.sleep(MARK_EVERY)
        while self._marks:
            marks, self._marks = self._marks, []
            try:
                async with self.app.sessionmaker() as session, session.begin():
                    await repo.sent_many(session, marks)
            except Exception:
                log.exception("outbox: %s deliveries not recorded; they will be sent again",
                              len(marks))
            for mark in marks:  # written (or to be sent again after the lease): let go
                self.in_hand.discard(mark.row_id)

    async def flush_marks(self) -> None:
        """Write the deliveries still waiting for their batch (before the process stops)."""
        if self._marking is not None:
            await self._marking

    def wake(self) -> None:
        """Look for due rows now rather than at the next poll (call after a commit)."""
        self._wake.set()

    async def run_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:
                log.exception("outbox: pass failed; retrying")
                busy = 0
            if busy < self._batch:
                await self._idle(stop)
        await self.flush_marks()

    async def run_once(self) -> int:
        """Send the rows due now (at most one batch); how many were tried."""
        now = self.app.clock()
        async with self.app.sessionmaker() as session:
            rows = [r for r in await repo.due(session, now, self._batch) if r[0] not in
                    self.in_hand]
        tried = 0
        for row_id, seen_due in rows:
            async with self.app.sessionmaker() as session, session.begin():
                claimed = await repo.claim(session, row_id, seen_due=seen_due,
                                           until=now + self._lease)
            if claimed is not None:
                tried += 1
                await self._deliver(claimed)
        return tried

    @property
    def _lease(self) -> timedelta:
        return timedelta(seconds=self.app.settings.outbox_lease)

    async def _idle(self, stop: asyncio.Event) -> None:
        waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waits, timeout=self._poll_interval,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()
        self._wake.clear()

    async def _deliver(self, row: Claimed) -> None:
        async with self.app.sessionmaker() as session:
            try:
                message_id = await self._send(session, row)
            except Exception as exc:
                await record_failure(session, row.id, row.attempts, exc, self.app.clock())
            else:
                await repo.sent(session, row.id, message_id=message_id, now=self.app.clock())
            await session.commit()

    async def _send(self, session: AsyncSession, row: Claimed) -> int | None:
        if row.ticket_id is None:
            return (await send_text(self.bot, row.chat_id, row.text or "")).message_id
        ticket = await tickets_repo.get_ticket(session, row.ticket_id)
        user = await users_repo.get_user(session, row.chat_id)
        if ticket is None or user is None:
            raise LookupError(f"outbox row {row.id}: no ticket {row.ticket_id} or user")
        return await send_ticket(self.bot, self.app, row.chat_id, ticket, user, row.pin)


async def deliver_ticket(
    session: AsyncSession,
    bot: Bot,
    app: AppContext,
    *,
    row_id: int,
    ticket: Ticket,
    user: User,
    pin: str | None,
    now: datetime,
) -> None:
    """The sale's own first try, right after its commit (:func:`_first_try`)."""
    await _first_try(session, app, row_id, now,
                     lambda: send_ticket(bot, app, user.id, ticket, user, pin))


async def deliver_text(
    session: AsyncSession, bot: Bot, app: AppContext, *, row_id: int, chat_id: int, text: str,
    now: datetime,
) -> None:
    """A sale that words its ticket itself (a jackpot betcard) sends that text as the outbox's
    first try; if it fails, the background sender sends the ticket in the usual form."""

    async def send() -> int:
        return (await send_text(bot, chat_id, text)).message_id

    await _first_try(session, app, row_id, now, send)


async def _first_try(
    session: AsyncSession, app: AppContext, row_id: int, now: datetime,
    send: Callable[[], Awaitable[int]],
) -> None:
    """Send ``row_id`` from the update that queued it. While it is in this process's hands
    (``Deliverer.in_hand``: until its delivery is written), the background loop leaves it alone.
    A failure is recorded in the update's unit of work and left to the background sender, which
    takes the row again when its backoff is over."""
    deliverer = app.deliverer
    if deliverer is not None:
        deliverer.in_hand.add(row_id)
    sent = False
    try:
        message_id = await send()
        sent = True
    except Exception as exc:
        await record_failure(session, row_id, 1, exc, now)
        return
    finally:
        if deliverer is not None and not sent:
            deliverer.in_hand.discard(row_id)
    if deliverer is not None:
        deliverer.mark_sent(row_id, message_id)
    else:
        await repo.sent(session, row_id, message_id=message_id, now=now)


async def record_failure(
    session: AsyncSession, row_id: int, attempts: int, exc: BaseException, now: datetime
) -> None:
    """Why a try failed, and when the next one is due (the module doc's rules)."""
    reason = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, TelegramBadRequest):
        log.error("outbox: Telegram refused message %s for good: %s", row_id, reason)
        await repo.failed(session, row_id, error=reason)
        return
    if isinstance(exc, TelegramRetryAfter):
        wait = timedelta(seconds=exc.retry_after)
    elif isinstance(exc, TelegramForbiddenError):
        wait = BLOCKED_RETRY
    else:
        wait = backoff(attempts)
    log.warning("outbox: message %s not delivered (%s); retrying in %s s", row_id, reason,
                int(wait.total_seconds()))
    await repo.retry_at(session, row_id, due_at=now + wait, error=reason)
