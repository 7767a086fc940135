"""The admin's progress message of a running broadcast: sent once, then edited with the counts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.clock import Clock
from services.broadcast.progress import Progress, progress_text
from services.broadcast.run import Run
from storage.repositories import broadcasts as repo

log = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]
Write = Callable[[], AbstractAsyncContextManager[AsyncSession]]


async def counts(sessionmaker: Sessions, run: Run, clock: Clock) -> Progress:
    async with sessionmaker() as s:
        broadcast = await repo.get_broadcast(s, run.job.id)
        assert broadcast is not None
        counted = await repo.counts(s, run.job.id)
    elapsed = (clock() - run.started).total_seconds()
    rate = run.sent_here / elapsed if elapsed > 0 else 0.0
    return Progress.of(broadcast, counted, rate)


async def open_message(bot: Bot, sessionmaker: Sessions, write: Write, run: Run, clock: Clock
                       ) -> None:
    """Send the message once per broadcast: a second worker adopts the first one's."""
    chat_id = run.job.progress_chat_id
    if chat_id is None or run.progress_message_id is not None:
        return
    text = progress_text(await counts(sessionmaker, run, clock), run.job.progress_locale)
    try:
        message = await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
    except TelegramAPIError as exc:
        log.warning("broadcast %s: no progress message for chat %s: %s", run.job.id, chat_id, exc)
        return
    async with write() as s:
        if await repo.set_progress_message(s, run.job.id, message.message_id, clock()):
            run.progress_message_id = message.message_id
            return
        broadcast = await repo.get_broadcast(s, run.job.id)
    assert broadcast is not None
    run.progress_message_id = broadcast.progress_message_id  # another worker's, same text


async def edit_message(bot: Bot, sessionmaker: Sessions, run: Run, clock: Clock) -> None:
    if run.job.progress_chat_id is None or run.progress_message_id is None:
        return
    text = progress_text(await counts(sessionmaker, run, clock), run.job.progress_locale)
    try:
        await bot.edit_message_text(
            text=text,
            chat_id=run.job.progress_chat_id,
            message_id=run.progress_message_id,
            parse_mode=ParseMode.HTML,
        )
    except TelegramBadRequest as exc:
        if "not modified" not in exc.message:
            log.warning("broadcast %s: progress edit refused: %s", run.job.id, exc.message)
    except TelegramAPIError as exc:
        log.warning("broadcast %s: progress edit failed: %s", run.job.id, exc)
