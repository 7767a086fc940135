"""`taquilla run` in its own process, killed with -9 right after a sale's commit: every ticket still
reaches its buyer with its PIN once the bot is started again (the outbox)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from contextlib import suppress
from pathlib import Path

from sqlalchemy import func, select

from lottery.ticket_codes import PinHasher, format_serial
from storage.db import make_engine, make_sessionmaker
from storage.models import Ticket, TicketStatus, UserRole
from storage.repositories import users as users_repo
from tests.fakes.telegram import FakeTelegram, SentMessage

ROOT = Path(__file__).resolve().parents[2]
PLAYER = 4242
SECRET = "crash-test-ticket-secret-0123456789"
PIN = re.compile(r"PIN: (\d+)")
PIN_SENT = r"PIN: <code>\d+"  # the same in the HTML the bot sends (what faults match)


def _env(tg: FakeTelegram, db_url: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("BOT_", "DATABASE_", "REDIS_", "WEBHOOK_", "TELEGRAM_",
                                 "ADMIN_", "PROVIDER", "CATALOG", "OUTBOX_"))}
    return {**keep, "BOT_TOKEN": tg.token, "TELEGRAM_API_URL": tg.base_url,
            "DATABASE_URL": db_url, "TICKET_SECRET": SECRET, "OUTBOX_LEASE": "1",
            "THROTTLE_PER_SECOND": "1000", "TELEGRAM_PER_CHAT_PER_SECOND": "1000"}


async def _start(tg: FakeTelegram, db_url: str, log: Path) -> asyncio.subprocess.Process:
    """The bot as a person runs it; returns once it polls for updates."""
    polls = len(tg.calls_to("getUpdates"))
    with log.open("ab") as err:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=_env(tg, db_url),
            stdout=asyncio.subprocess.DEVNULL, stderr=err,
        )
    try:
        await tg.wait_for(lambda: len(tg.calls_to("getUpdates")) > polls, timeout=60)
    except BaseException:
        process.kill()
        raise
    return process


async def _tickets(db_url: str) -> list[Ticket]:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return list(await session.scalars(select(Ticket).order_by(Ticket.id)))
    finally:
        await engine.dispose()


async def _wait_tickets(db_url: str, count: int) -> None:
    for _ in range(600):
        engine = make_engine(db_url)
        try:
            async with make_sessionmaker(engine)() as session:
                if await session.scalar(select(func.count()).select_from(Ticket)) >= count:
                    return
        finally:
            await engine.dispose()
        await asyncio.sleep(0.05)
    raise AssertionError(f"no ticket {count} was sold")


async def _fund(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            await users_repo.ensure_user(session, PLAYER, currency="VES", first_name="Ana",
                                         role=UserRole.PLAYER)
            await users_repo.credit_balance(session, PLAYER, 100_000, "VES")
    finally:
        await engine.dispose()


def _pin_messages(tg: FakeTelegram) -> list[SentMessage]:
    return [m for m in tg.messages(PLAYER) if PIN.search(m.content or "")]


async def test_tickets_sold_just_before_a_kill_reach_their_buyer_after_a_restart(
    tg: FakeTelegram, db_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    await _fund(db_url)
    tg.add_user(PLAYER, first_name="Ana")
    for sold in range(1, 4):
        # Telegram stops answering the bot's tickets (the preview still goes through), armed
        # before the start: the tickets owed by the runs killed before are retried as soon as
        # this run starts, and must not reach the buyer either.
        tg.fail_next("sendPhoto", "timeout", times=100, matching=PIN_SENT)
        tg.fail_next("sendMessage", "timeout", times=100, matching=PIN_SENT)
        process = await _start(tg, db_url, log)
        try:
            tg.send_user_message(PLAYER, "123 x5 zulia")
            preview = await tg.wait_for(
                lambda: next((m for m in reversed(tg.messages(PLAYER)) if m.reply_markup), None),
                timeout=30,
            )
            # The ticket is committed, then the bot dies before anything reaches the buyer.
            tg.press_button(PLAYER, preview, text="✅ Confirmar")
            await _wait_tickets(db_url, sold)
        finally:
            process.kill()
            await process.wait()
        tg.clear_faults()

    tickets = await _tickets(db_url)
    assert [t.status for t in tickets] == [TicketStatus.SOLD] * 3
    assert _pin_messages(tg) == []
    process = await _start(tg, db_url, log)
    try:
        with suppress(TimeoutError):  # the asserts below say which ticket is missing
            await tg.wait_for(lambda: len(_pin_messages(tg)) >= 3, timeout=60)
    finally:
        with suppress(ProcessLookupError):
            process.terminate()
        await process.wait()

    pins = PinHasher(SECRET.encode())
    for ticket in tickets:
        serial = format_serial(ticket.serial)
        mine = [m for m in _pin_messages(tg) if serial in (m.content or "")]
        assert mine, f"ticket {serial} never reached its buyer:\n{log.read_text()[-3000:]}"
        assert len(mine) == 1, f"ticket {serial} reached its buyer {len(mine)} times"
        pin = PIN.search(mine[-1].content or "")
        assert pin is not None and pins.verify(pin.group(1), ticket.pin_hash)


