"""A sold ticket reaches its buyer with its PIN even when Telegram fails the first sends."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from storage.models import OutboxMessage, OutboxState, Ticket
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 501
PIN = re.compile(r"PIN: (\d+)")


async def _outbox(run: RunningBot) -> list[OutboxMessage]:
    async with run.app.sessionmaker() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def _ticket(run: RunningBot) -> Ticket:
    async with run.app.sessionmaker() as session:
        return (await session.scalars(select(Ticket))).one()


def _pins(tg: FakeTelegram) -> list[str]:
    return [m.group(1) for sent in tg.messages(PLAYER) if (m := PIN.search(sent.content or ""))]


async def _sell_while_telegram_fails(run: RunningBot, tg: FakeTelegram, status: int,
                                     **fault: int) -> None:
    preview = await run.say(PLAYER, "123 x5 zulia 12:45")
    tg.fail_next("sendPhoto", status, **fault)
    tg.fail_next("sendMessage", status, **fault)
    tg.press_button(PLAYER, preview, text="✅ Confirmar")
    # the preview, then the ticket's text alone when its picture failed
    await tg.wait_for(lambda: len(tg.calls_to("sendMessage")) >= 2, timeout=15)


async def test_a_ticket_telegram_failed_to_take_is_sent_again_with_its_pin(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        await _sell_while_telegram_fails(run, tg, 500)
        [owed] = await _wait_rows(run, _owed)
        assert _pins(tg) == [] and await run.balance(PLAYER) == 9_500  # sold, not yet told
        assert owed.error is not None and "Internal Server Error" in owed.error

        run.clock.advance(seconds=3)  # past the first backoff (2 s)
        run.app.wake_broadcaster()
        [pin] = await tg.wait_for(lambda: _pins(tg))
        photo = tg.photos(PLAYER)[-1]
        assert PIN.search(photo.content or "") is not None  # the picture, captioned
        assert run.app.pins.verify(pin, (await _ticket(run)).pin_hash)
        [sent] = await _wait_rows(run, _sent)
        assert sent.pin is None and sent.message_id == photo.message_id  # the PIN is dropped


async def test_after_429s_past_the_retries_the_ticket_waits_as_long_as_telegram_says(
    tg: FakeTelegram, db_url: str
) -> None:
    # The rate limiter retries a 429 three times itself; a fourth gives the ticket back to the
    # outbox, due when Telegram's retry_after says.
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        await _sell_while_telegram_fails(run, tg, 429, retry_after=1, times=4)
        [owed] = await _wait_rows(run, _owed)
        assert owed.due_at == run.clock.now + timedelta(seconds=1)
        assert "TelegramRetryAfter" in (owed.error or "") and _pins(tg) == []

        run.clock.advance(seconds=1)
        run.app.wake_broadcaster()
        [pin] = await tg.wait_for(lambda: _pins(tg), timeout=10)
        assert run.app.pins.verify(pin, (await _ticket(run)).pin_hash)


async def test_a_delivered_ticket_leaves_no_pin_behind(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        ticket = await run.buy(PLAYER, "123 x5 zulia 12:45")
        assert PIN.search(ticket.content or "")
        [row] = await _wait_rows(run, _sent)
        assert (row.pin, row.text, row.message_id) == (None, None, ticket.message_id)


async def _wait_rows(run: RunningBot, wanted: Callable[[OutboxMessage], bool]
                     ) -> list[OutboxMessage]:
    """The outbox's rows once there are some and every one is ``wanted``."""
    rows: list[OutboxMessage] = []
    for _ in range(250):
        rows = await _outbox(run)
        if rows and all(wanted(r) for r in rows):
            return rows
        await asyncio.sleep(0.02)
    raise AssertionError(f"outbox: {[(r.state, r.error) for r in rows]}")


def _owed(row: OutboxMessage) -> bool:
    return row.state is OutboxState.PENDING and row.error is not None


def _sent(row: OutboxMessage) -> bool:
    return row.state is OutboxState.SENT
