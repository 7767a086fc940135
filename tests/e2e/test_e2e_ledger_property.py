"""The ledger's property, over `taquilla run` in its own process: a random workload (players and a
seller buying, cancelling, asking for top-ups and withdrawals, admins deciding, prizes collected
into balances and paid in cash), all users at once, with the bot killed with -9 in the middle;
then every balance recomputed from the ledger equals its column, and the ledger agrees with the
tickets, requests and withdrawals it stands for. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import random
import re
import sys
from collections import defaultdict
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from services.settlement import enter_and_settle
from storage.db import make_engine, make_sessionmaker
from storage.models import (
    Account,
    Draw,
    LedgerEntry,
    PaidHow,
    Reason,
    RequestState,
    Ticket,
    TicketStatus,
    TopUpRequest,
    UserRole,
    Wager,
    Withdrawal,
)
from storage.repositories import users as users_repo
from tests.e2e.money_helpers import ledger_mismatches
from tests.fakes.telegram import FakeTelegram, SentMessage

ROOT = Path(__file__).resolve().parents[2]
SECRET = "ledger-test-ticket-secret-0123456789"
PLAYERS = (7301, 7302, 7303, 7304)
SELLER = 7401
ADMIN = 9301
STEPS = 10
SERIAL_PIN = re.compile(r"Serial: ([0-9A-Z-]+).*?PIN: (\d+)", re.S)
WIN = {"number": "123", "sign": "ACU"}


def _env(tg: FakeTelegram, db_url: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("BOT_", "DATABASE_", "REDIS_", "WEBHOOK_", "TELEGRAM_",
                                 "ADMIN_", "PROVIDER", "CATALOG", "OUTBOX_", "WITHDRAW_",
                                 "TOPUP_"))}
    return {**keep, "BOT_TOKEN": tg.token, "TELEGRAM_API_URL": tg.base_url,
            "DATABASE_URL": db_url, "TICKET_SECRET": SECRET, "OUTBOX_LEASE": "1",
            "ADMIN_IDS": str(ADMIN), "THROTTLE_PER_SECOND": "1000",
            "TELEGRAM_PER_CHAT_PER_SECOND": "1000"}


async def _start(tg: FakeTelegram, db_url: str, log: Path) -> asyncio.subprocess.Process:
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


class Session:
    """The database, opened by the test itself."""

    def __init__(self, db_url: str) -> None:
        self.engine = make_engine(db_url)
        self.maker = make_sessionmaker(self.engine)

    async def scalars(self, stmt: Any) -> list[Any]:
        async with self.maker() as session:
            return list(await session.scalars(stmt))


class Workload:
    def __init__(self, tg: FakeTelegram, rng: random.Random) -> None:
        self.tg = tg
        self.rng = rng

    async def say(self, uid: int, text: str, wait: float = 20) -> SentMessage | None:
        seen = len(self.tg.messages(uid))
        self.tg.send_user_message(uid, text)
        try:
            await self.tg.wait_for(lambda: len(self.tg.messages(uid)) > seen, timeout=wait)
        except TimeoutError:
            return None  # the bot was down: the update waits for the next process
        return self.tg.messages(uid)[seen]

    async def press(self, uid: int, message: SentMessage, data: str) -> None:
        seen = len(self.tg.messages(uid))
        update_id = self.tg.press_button(uid, message, data, strict=False)
        with suppress(TimeoutError):
            await self.tg.wait_for(lambda: ((q := self.tg.callback_query(update_id)) is not None
                                    and q.answered) or len(self.tg.messages(uid)) > seen,
                                   timeout=8)

    async def buy(self, uid: int, number: str | None = None) -> None:
        number = number or self.rng.choice(["123", "456", "789"])
        seen = len(self.tg.messages(uid))
        self.tg.send_user_message(uid, f"{number} x{self.rng.randint(1, 5)} zulia")

        def preview() -> tuple[SentMessage, str] | None:  # other news may come first
            for message in self.tg.messages(uid)[seen:]:
                for row in message.buttons:
                    for b in row:
                        if b.callback_data and b.callback_data.startswith("sale:ok"):
                            return message, b.callback_data
            return None

        try:
            found = await self.tg.wait_for(preview, timeout=20)
        except TimeoutError:
            return  # the bot was down: the play waits for the next process
        await self.press(uid, *found)

    async def cancel_last(self, uid: int) -> None:
        shown = await self.say(uid, "/ultimo")
        data = [b.callback_data for row in (shown.buttons if shown else []) for b in row
                if b.callback_data and b.callback_data.startswith("tk:x:")]
        if shown is None or not data:
            return
        await self.press(uid, shown, data[0])
        await self.press(uid, shown, data[0].replace("tk:x:", "tk:y:"))

    async def top_up(self, uid: int, step: int) -> None:
        await self.say(uid, f"/reportar pagomovil {self.rng.randint(1, 20)}0 ref-{uid}-{step}")

    async def withdraw(self, uid: int) -> None:
        await self.say(uid, f"/retiro {self.rng.randint(1, 30)} pago móvil 0414-{uid}")

    async def player(self, uid: int) -> None:
        for step in range(STEPS):
            action = self.rng.choice(["buy", "buy", "cancel", "top_up", "withdraw"])
            if action == "buy":
                await self.buy(uid)
            elif action == "cancel":
                await self.cancel_last(uid)
            elif action == "top_up":
                await self.top_up(uid, step)
            else:
                await self.withdraw(uid)

    async def player_as_seller(self) -> None:
        """The seller sells on their cupo and sometimes cancels."""
        for _ in range(STEPS):
            if self.rng.random() < 0.8:
                await self.buy(SELLER, "123")  # sure winners, paid from the till
            else:
                await self.cancel_last(SELLER)

    async def admin(self, done: asyncio.Event) -> None:
        """Decides what reaches the admin: top-ups approved or rejected, withdrawals paid or
        rejected, sometimes with a second tap."""
        handled: set[int] = set()
        while not done.is_set():
            for message in list(self.tg.messages(ADMIN)):
                if message.message_id in handled or not message.reply_markup:
                    continue
                handled.add(message.message_id)
                data = [b.callback_data for row in message.buttons for b in row]
                if data and data[0] and data[0].startswith("tu:"):
                    choice = data[0] if self.rng.random() < 0.7 else data[1]
                    await self.press(ADMIN, message, choice or "")
                    if self.rng.random() < 0.3:  # a double tap
                        await self.press(ADMIN, message, choice or "")
                elif "/pagado" in (message.content or ""):
                    number = re.search(r"/pagado (\d+)", message.content or "")
                    if self.rng.random() < 0.6 and number:
                        await self.say(ADMIN, f"/pagado {number.group(1)} BNC{number.group(1)}")
                    elif data and data[0]:
                        await self.press(ADMIN, message, data[0])
            await asyncio.sleep(0.1)


async def _seed(db: Session) -> None:
    async with db.maker() as session, session.begin():
        for uid in PLAYERS:
            await users_repo.ensure_user(session, uid, currency="VES", first_name="P")
            await users_repo.credit_balance(session, uid, 5_000, "VES")
        await users_repo.ensure_user(session, SELLER, currency="VES", first_name="S",
                                     role=UserRole.SELLER)
        await users_repo.set_credit_limit(session, SELLER, 50_000)
        await users_repo.ensure_user(session, ADMIN, currency="VES", first_name="A",
                                     role=UserRole.ADMIN)


async def _settle_draws(db: Session, catalog: Any) -> None:
    """Results for every draw sold on (entered as the admin would, once it was drawn)."""
    draws = await db.scalars(select(Draw).where(Draw.id.in_(select(Wager.draw_id))))
    for draw in draws:
        async with db.maker() as session, session.begin():
            await enter_and_settle(session, catalog, draw.lottery_id, draw.draw_at, WIN,
                                   now=draw.draw_at + timedelta(minutes=5), actor_id=ADMIN)


async def _collect(work: Workload, db: Session) -> None:
    """Winners collect: players into their balance, the seller in cash for their sales."""
    winners = {t.serial for t in await db.scalars(
        select(Ticket).where(Ticket.status == TicketStatus.WINNER))}
    for uid in (*PLAYERS, SELLER):
        for message in list(work.tg.messages(uid)):
            found = SERIAL_PIN.search(message.content or "")
            if found and found.group(1).replace("-", "") in winners:
                await work.say(uid, f"/pagar {found.group(1)} {found.group(2)}")


async def _check_against_the_books(db: Session) -> list[str]:
    entries = await db.scalars(select(LedgerEntry))
    by: dict[tuple[int, Account, Reason], int] = defaultdict(int)
    for e in entries:
        by[(e.user_id, e.account, e.reason)] += e.amount
    tickets = await db.scalars(select(Ticket))
    wrong: list[str] = []
    live = {TicketStatus.SOLD, TicketStatus.WINNER, TicketStatus.LOSER, TicketStatus.PAID,
            TicketStatus.EXPIRED, TicketStatus.PENDING}
    for uid in (*PLAYERS, SELLER):
        account = Account.SELLER if uid == SELLER else Account.BALANCE
        sign = 1 if uid == SELLER else -1
        spent = sum(t.total for t in tickets if (t.seller_id or t.buyer_id) == uid
                    and t.status in live)
        net = by[(uid, account, Reason.SALE)] + by[(uid, account, Reason.REFUND)]
        if net != sign * spent:
            wrong.append(f"{uid}: sales net {net} != tickets {sign * spent}")
        prizes = sum(t.prize or 0 for t in tickets if t.status == TicketStatus.PAID
                     and t.paid_by == uid)
        reason = Reason.PRIZE_CASH if uid == SELLER else Reason.PRIZE
        if by[(uid, account, reason)] != -sign * prizes:
            wrong.append(f"{uid}: prizes {by[(uid, account, reason)]} != paid {prizes}")
    approved = await db.scalars(select(TopUpRequest).where(
        TopUpRequest.state == RequestState.APPROVED))
    for uid in PLAYERS:
        want = sum(r.amount for r in approved if r.user_id == uid)
        if by[(uid, Account.BALANCE, Reason.TOP_UP)] != want:
            wrong.append(f"{uid}: top-ups {by[(uid, Account.BALANCE, Reason.TOP_UP)]} != {want}")
    paid = await db.scalars(select(Withdrawal).where(Withdrawal.state == RequestState.APPROVED))
    for uid in PLAYERS:
        want = -sum(w.amount for w in paid if w.user_id == uid)
        if by[(uid, Account.HELD, Reason.WITHDRAW_PAID)] != want:
            wrong.append(f"{uid}: withdrawals paid {want} != ledger")
    return wrong


async def test_every_balance_is_its_ledger_after_a_random_workload_and_a_kill(
    tg: FakeTelegram, db_url: str, tmp_path: Path
) -> None:
    from lottery.catalog import bundled_catalog_path, load_catalog

    log = tmp_path / "bot.log"
    db = Session(db_url)
    work = Workload(tg, random.Random(19))
    process = await _start(tg, db_url, log)  # migrates the database
    try:
        await _seed(db)
        for uid in (*PLAYERS, SELLER, ADMIN):
            tg.add_user(uid)
        await work.say(ADMIN, "/start")
        done = asyncio.Event()
        admin = asyncio.create_task(work.admin(done))
        people = [asyncio.create_task(work.player(uid)) for uid in PLAYERS]
        people.append(asyncio.create_task(work.player_as_seller()))
        await asyncio.sleep(3)
        process.kill()  # -9, in the middle of it all
        await process.wait()
        process = await _start(tg, db_url, log)
        await asyncio.gather(*people)
        # then, whatever the dice said, one of each kind the property must cover
        await asyncio.gather(work.buy(PLAYERS[0], "123"), work.buy(SELLER, "123"),
                             work.top_up(PLAYERS[1], STEPS), work.withdraw(PLAYERS[2]))
        await asyncio.sleep(2)  # the last decisions
        done.set()
        await admin
        await _settle_draws(db, load_catalog(bundled_catalog_path("ve")))
        await _collect(work, db)
        await asyncio.sleep(1)
    finally:
        with suppress(ProcessLookupError):
            process.terminate()
        await process.wait()

    sold = await db.scalars(select(Ticket))
    paid = [t for t in sold if t.status == TicketStatus.PAID]
    kinds = {t.paid_how for t in paid}
    entries = await db.scalars(select(LedgerEntry.reason).distinct())
    try:
        assert await ledger_mismatches(db.maker) == []
        assert await _check_against_the_books(db) == []
        # the workload did what it says (else the property holds of nothing)
        assert len(sold) >= 2 and {PaidHow.BALANCE, PaidHow.CASH} <= kinds, log.read_text()[-3000:]
        assert {Reason.SALE, Reason.TOP_UP, Reason.WITHDRAW_HOLD, Reason.PRIZE,
                Reason.PRIZE_CASH} <= set(entries)
    finally:
        await db.engine.dispose()
