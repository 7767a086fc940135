"""What the money tests share: ledger sums against the balance columns, presses and their
answers, a receipt photo sent by a player."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from sqlalchemy import func, select

from storage.models import Account, LedgerEntry, RequestState, User, Withdrawal
from storage.repositories import ledger
from tests.e2e.harness import RunningBot
from tests.fakes.telegram import FakeTelegram, SentMessage
from tests.fakes.telegram.records import UploadedFile


async def ledger_mismatches(sessionmaker: Any) -> list[str]:
    """Every balance recomputed from the ledger against its column; [] when they agree."""
    async with sessionmaker() as session:
        sums = await ledger.all_sums(session)
        users = (await session.scalars(select(User))).all()
        held_pending = dict((await session.execute(
            select(Withdrawal.user_id, func.sum(Withdrawal.amount))
            .where(Withdrawal.state == RequestState.PENDING).group_by(Withdrawal.user_id))).all())
    wrong = []
    for user in users:
        for account, column in ((Account.BALANCE, user.balance),
                                (Account.SELLER, user.credit_used)):
            total = sum(v for (u, a, _c), v in sums.items() if u == user.id and a == account)
            if total != column:
                wrong.append(f"user {user.id} {account}: ledger {total} != column {column}")
        held = sum(v for (u, a, _c), v in sums.items() if u == user.id and a == Account.HELD)
        if held != int(held_pending.get(user.id, 0)):
            wrong.append(f"user {user.id} held: ledger {held} != pending {held_pending}")
    return wrong


async def rows(run: RunningBot, **where: Any) -> list[LedgerEntry]:
    async with run.app.sessionmaker() as session:
        stmt = select(LedgerEntry).order_by(LedgerEntry.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(LedgerEntry, key) == value)
        return list((await session.scalars(stmt)).all())


async def tap(run: RunningBot, user_id: int, message: SentMessage, text: str) -> str:
    """Press a button (again, as a double tap does, after the bot took it away); the alert or
    toast the bot answered it with."""
    snapshots = [message.reply_markup or {}] + [h.get("reply_markup") or {} for h in
                                                message.history]
    data = next(b["callback_data"] for markup in snapshots
                for row in markup.get("inline_keyboard", []) for b in row if b["text"] == text)
    update_id = run.tg.press_button(user_id, message, data, strict=False)
    await run.handled.wait(update_id)
    query = run.tg.callback_query(update_id)
    assert query is not None and query.answered
    return query.text or ""


def send_photo(tg: FakeTelegram, user_id: int, caption: str) -> tuple[int, str]:
    """The player sends a photo (a receipt) with ``caption``; (update id, its file id)."""
    buffer = io.BytesIO()
    Image.new("RGB", (60, 90), "white").save(buffer, format="PNG")
    stored = tg.world.store_upload(UploadedFile("recibo.png", "image/png", buffer.getvalue()),
                                   "photo")
    user = tg.add_user(user_id)
    chat = tg.world.ensure_chat(user_id)
    message = tg.world.user_message(user, chat, caption)
    message["caption"] = message.pop("text")
    if "entities" in message:
        message["caption_entities"] = message.pop("entities")
    message["photo"] = stored.sizes
    return tg.inject_update({"message": message}), stored.sizes[-1]["file_id"]
