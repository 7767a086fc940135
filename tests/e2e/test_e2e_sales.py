"""Selling as players and sellers see it, through the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import Connection, event, func, select, text

from storage.models import Ticket, User, UserRole
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5001
SELLER = 6001
ADMIN = 9001


async def _tickets(run: RunningBot) -> int:
    async with run.app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)


async def test_player_buys_previews_confirms_and_gets_ticket_and_image(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)  # Bs 100,00
        preview = await run.say(PLAYER, "123-ARI 5 zamorano 12pm")
        assert "Triple Zamorano" in preview.content
        assert "123" in preview.content and "Aries" in preview.content
        assert "12:00" in preview.content
        assert "5,00" in preview.content
        assert preview.button_texts == ["✅ Confirmar", "✏️ Corregir", "✖️ Cancelar"]
        assert await _tickets(run) == 0  # a preview books nothing

        ticket = await run.press(PLAYER, preview, "✅ Confirmar")
        # one message to keep or forward: the ticket's picture, captioned with its text
        assert ticket.file_bytes is not None and ticket.file_bytes.startswith(b"\x89PNG")
        assert "Serial" in ticket.content and "PIN" in ticket.content
        assert "Puedes anular hasta" in ticket.content
        assert len(tg.messages(PLAYER)) == 2  # the preview and the ticket
        assert await _tickets(run) == 1
        assert await run.balance(PLAYER) == 9_500
        assert tg.messages(PLAYER)[0].buttons == []  # the preview cannot be pressed again


async def test_a_ticket_too_long_for_a_caption_comes_as_text_then_picture(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        numbers = " ".join(f"{n:03d}" for n in range(100, 160))
        text = await run.buy(SELLER, f"cliente: Juan Pérez\nzulia 12:45\n{numbers} x1")
        assert text.file_bytes is None
        assert "159" in text.content and "PIN" in text.content and "60,00" in text.content
        picture = await tg.next_message(SELLER)
        assert picture.file_bytes is not None and picture.file_bytes.startswith(b"\x89PNG")
        assert not picture.content


async def test_a_ticket_whose_picture_fails_comes_as_text(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        tg.fail_next("sendPhoto", 500)
        ticket = await run.buy(PLAYER, "123 x5 zulia 12:45")
        assert ticket.file_bytes is None
        assert "Serial" in ticket.content and "PIN" in ticket.content
        assert await _tickets(run) == 1


async def test_double_tap_and_redelivered_confirm_book_one_ticket(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        preview = await run.say(PLAYER, "123 x5 zulia 12:45")
        data = preview.button("✅ Confirmar").callback_data
        first = tg.press_button(PLAYER, preview, data)
        tg.press_button(PLAYER, preview, data, strict=False)  # the double tap
        await tg.wait_for(lambda: len(tg.photos(PLAYER)) == 1)
        tg.redeliver(first)
        await run.say(PLAYER, "/saldo")
    assert await _tickets(run) == 1
    assert await run.balance(PLAYER) == 9_500


async def test_a_sale_is_one_commit_with_its_updates_bookkeeping(
    tg: FakeTelegram, db_url: str
) -> None:
    # The debit, the booking, the ticket, the spent preview and the update's mark commit
    # together or not at all; the preview's update likewise writes its mark with its state.
    committed: list[list[str]] = []
    open_: dict[int, list[str]] = {}

    def statement(conn: Connection, _cursor: Any, sql: str, *_args: Any) -> None:
        if not sql.lstrip().upper().startswith(("SELECT", "PRAGMA")):
            open_.setdefault(id(conn), []).append(" ".join(sql.split()[:3]))

    def commit(conn: Connection) -> None:
        if writes := open_.pop(id(conn), None):
            committed.append(writes)

    def rollback(conn: Connection) -> None:
        open_.pop(id(conn), None)

    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        engine = run.app.sessionmaker.kw["bind"].sync_engine
        listeners = [("before_cursor_execute", statement), ("commit", commit),
                     ("rollback", rollback)]
        for name, fn in listeners:
            event.listen(engine, name, fn)
        try:
            await run.buy(PLAYER, "123 x5 zulia 12:45")
        finally:
            for name, fn in listeners:
                event.remove(engine, name, fn)
    marks = [writes for writes in committed if "INSERT INTO processed_updates" in writes]
    assert len(marks) == 2  # the message and the button press, each committed once
    preview, sale = marks
    assert "INSERT INTO fsm_states" in preview
    assert "INSERT INTO fsm_states" in sale and "INSERT INTO tickets" in sale
    assert [w for w in committed if "INSERT INTO tickets" in w] == [sale]


async def test_a_preview_survives_a_restart_and_confirms_once(
    tg: FakeTelegram, db_url: str
) -> None:
    settings = make_settings(tg, db_url)
    async with running_bot(tg, settings) as run:
        await run.fund(PLAYER, balance=10_000)
        preview = await run.say(PLAYER, "leon x10 lotto activo 10am")
        assert "5 León" in preview.content
    async with running_bot(tg, settings) as run:  # a new process: state comes from the database
        ticket = await run.press(PLAYER, preview, "✅ Confirmar")
        assert "PIN" in ticket.content
        assert await _tickets(run) == 1
        assert await run.balance(PLAYER) == 9_000


async def test_seller_sells_a_multiline_order_for_a_customer(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=100_000, role=UserRole.SELLER)
        order = "cliente: Juan Pérez\nzulia 12:45\n123 456 x5\n789 x10\n23 x2 4:45pm"
        preview = await run.say(SELLER, order)
        assert "Juan Pérez" in preview.content
        assert "Total: Bs. 22,00" in preview.content
        assert "(4 jugadas)" in preview.content
        ticket = await run.press(SELLER, preview, "✅ Confirmar")
        assert "Juan Pérez" in ticket.content
        assert "22,00" in ticket.content
        async with run.app.sessionmaker() as session:
            seller = await session.get(User, SELLER)
            assert seller is not None and seller.credit_used == 2_200


async def test_sold_out_number_is_refused_in_the_preview(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=100_000)
        await run.buy(PLAYER, "123 x100 zulia 12:45")
        again = await run.say(PLAYER, "123 x5 zulia 12:45")
        assert "agotado" in again.content
        assert again.button_texts == []
        assert await _tickets(run) == 1


async def test_a_draw_that_closes_before_confirm_is_refused_with_the_reason(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        preview = await run.say(PLAYER, "123 x5 zulia 12:45")
        run.clock.advance(hours=3, minutes=11)  # 12:41 in Caracas: closed at 12:40
        answer = await run.press(PLAYER, preview, "✅ Confirmar")
        assert "No se vendió nada" in answer.content
        assert "cerrado" in answer.content
        assert await _tickets(run) == 0
        assert await run.balance(PLAYER) == 10_000
        closed = await run.say(PLAYER, "456 x5 zulia 12:45")
        assert "cerró" in closed.content and closed.button_texts == []


async def test_a_number_sold_out_between_preview_and_confirm_takes_no_money(
    tg: FakeTelegram, db_url: str
) -> None:
    # The refusal comes from the booking itself, after the debit: all of it must be undone.
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        await run.fund(PLAYER + 1, balance=100_000)
        preview = await run.say(PLAYER, "123 x5 zulia 12:45")
        await run.buy(PLAYER + 1, "123 x100 zulia 12:45")  # takes the whole tope
        data = preview.button("✅ Confirmar").callback_data
        confirm = tg.press_button(PLAYER, preview, data)
        answer = await tg.next_message(PLAYER)
        assert "No se vendió nada" in answer.content and "agotado" in answer.content
        assert await _tickets(run) == 1
        assert await run.balance(PLAYER) == 10_000
        # the sale was rolled back, not the update: the preview is spent and the update marked
        again = tg.press_button(PLAYER, preview, data, strict=False)
        alert = await tg.wait_for(lambda: (q := tg.callback_query(again)) and q.answered and q)
        assert "ya no está vigente" in (alert.text or "")
        tg.redeliver(confirm)
        said = len(tg.messages(PLAYER))
        await run.say(PLAYER, "/saldo")
        assert len(tg.messages(PLAYER)) == said + 1  # only the balance: no second refusal
        # the conversation goes on: the same player buys another number at once
        ticket = await run.buy(PLAYER, "124 x5 zulia 12:45")
        assert "124" in ticket.content
        assert await run.balance(PLAYER) == 9_500
        assert await _tickets(run) == 2


async def test_insufficient_balance_offers_no_confirm(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=300)  # Bs. 3,00
        preview = await run.say(PLAYER, "123 x5 zulia 12:45")
        assert "Bs. 2,00" in preview.content  # what is missing
        assert "Confirmar" not in " ".join(preview.button_texts)


async def test_a_partly_unreadable_message_sells_the_readable_lines(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        preview = await run.say(PLAYER, "123 x5 zulia 12:45\n1234 x5 zulia 12:45")
        assert "Línea 2" in preview.content and "1234" in preview.content
        assert "(1 jugada)" in preview.content
        await run.press(PLAYER, preview, "✅ Confirmar")
        assert await run.balance(PLAYER) == 9_500


async def test_the_last_lottery_is_remembered(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        await run.buy(PLAYER, "123 x5 zamorano 12pm")
        preview = await run.say(PLAYER, "456 x5")
        assert "Triple Zamorano" in preview.content
        assert "última" in preview.content


async def test_admin_tops_up_sets_limits_and_roles_others_are_refused(
    tg: FakeTelegram, db_url: str
) -> None:
    settings = make_settings(tg, db_url, admin_ids=str(ADMIN))
    async with running_bot(tg, settings) as run:
        await run.say(PLAYER, "/start", username="ana")
        await run.say(SELLER, "/start", username="luis")
        await run.say(ADMIN, "/start")
        topped = await run.say(ADMIN, "/recargar @ana 250,50")
        assert "Bs. 250,50" in topped.content
        told = await tg.next_message(PLAYER)  # the player hears of it (the outbox)
        assert "Se abonaron Bs. 250,50 a tu saldo" in told.content
        assert "Bs. 250,50" in (await run.say(PLAYER, "/saldo")).content
        assert "vendedor" in (await run.say(ADMIN, f"/rol {SELLER} vendedor")).content
        assert "5.000,00" in (await run.say(ADMIN, "/cupo @luis 5000")).content
        assert "Disponible: Bs. 5.000,00" in (await run.say(SELLER, "/saldo")).content
        refused = await run.say(PLAYER, "/recargar @ana 1000")
        assert "solo para" in refused.content
        assert "Bs. 250,50" in (await run.say(PLAYER, "/saldo")).content
        bad = await run.say(ADMIN, "/recargar @nadie 5")
        assert "no conozco" in bad.content.lower()


async def test_correct_offers_the_plays_as_text_and_cancel_sells_nothing(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        preview = await run.say(PLAYER, "zulia 12:45\n123 456 x5")
        hint = await run.press(PLAYER, preview, "✏️ Corregir")
        assert "Cópialo, corrígelo y envíalo" in hint.content
        assert "zulia" in hint.content and "123 456 x5" in hint.content
        cancelled = await run.press(PLAYER, preview, "✖️ Cancelar")
        assert "no se vendió nada" in cancelled.content
        assert await _tickets(run) == 0
        assert await run.balance(PLAYER) == 10_000



async def test_a_hundred_plays_come_in_as_many_messages_as_telegram_needs(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        numbers = [f"{n:03d}" for n in range(100, 200)]
        tg.send_user_message(SELLER, "zamorano 12pm " + " ".join(f"{n}-SAG" for n in numbers)
                             + " x1")
        head, preview = await tg.next_message(SELLER), await tg.next_message(SELLER)
        assert "Vista previa" in head.content and not head.buttons
        assert "Total: Bs. 100,00" in preview.content
        assert preview.button_texts == ["✅ Confirmar", "✏️ Corregir", "✖️ Cancelar"]
        shown = head.content + "\n" + preview.content
        assert all(f"{n} Sagitario" in shown for n in numbers)

        ticket = await run.press(SELLER, preview, "✅ Confirmar")
        rest = await tg.next_message(SELLER)
        picture = await tg.next_message(SELLER)
        text = ticket.content + "\n" + rest.content
        assert "Serial" in ticket.content and "PIN" in rest.content
        assert all(f"{n} Sagitario" in text for n in numbers)
        assert picture.file_bytes is not None and picture.file_bytes.startswith(b"\x89PNG")
        assert await _tickets(run) == 1
        assert head.buttons == [] and tg.messages(SELLER)[1].buttons == []  # pressed once

        tg.send_user_message(SELLER, "/ultimo")  # the reprint: the same text, then its actions
        first, last = await tg.next_message(SELLER), await tg.next_message(SELLER)
        assert all(f"{n} Sagitario" in first.content + "\n" + last.content for n in numbers)
        assert last.button_texts[0] == "🖨 Reimprimir"


@asynccontextmanager
async def _missing(run: RunningBot, table: str) -> AsyncIterator[None]:
    """A real failure inside the bot: one of its tables is gone (back afterwards: PostgreSQL's
    test database is shared)."""
    async def rename(old: str, new: str) -> None:
        async with run.app.sessionmaker() as session, session.begin():
            await session.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))

    await rename(table, f"{table}_gone")
    try:
        yield
    finally:
        await rename(f"{table}_gone", table)


async def test_a_sale_that_fails_inside_sells_nothing_and_the_buyer_is_told(
    tg: FakeTelegram, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        preview = await run.say(PLAYER, "123 x5 zulia 12:45")
        # the sale's log entry cannot be written
        with caplog.at_level(logging.ERROR, logger="handlers.errors"):
            async with _missing(run, "activity_log"):
                pressed = tg.press_button(PLAYER, preview, text="✅ Confirmar")
                apology = await tg.next_message(PLAYER)
        assert "Algo falló" in apology.content and "/tickets" in apology.content
        query = tg.callback_query(pressed)
        assert query is not None and query.answered  # no spinner left turning
        assert await _tickets(run) == 0  # nothing half-sold: no ticket, no money taken
        assert await run.balance(PLAYER) == 10_000
        failures = [r for r in caplog.records if r.name == "handlers.errors"]
        assert [(r.levelname, r.exc_info is not None) for r in failures] == [("ERROR", True)]
        # the conversation goes on
        again = await run.say(PLAYER, "123 x5 zulia 12:45")
        assert again.button_texts == ["✅ Confirmar", "✏️ Corregir", "✖️ Cancelar"]


async def test_when_the_bot_cannot_read_its_own_state_the_person_still_hears_back(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        async with _missing(run, "fsm_states"):  # every update fails before its handler
            apology = await run.say(PLAYER, "123 x5 zulia 12:45")
        assert "Algo falló" in apology.content
        assert await _tickets(run) == 0
