"""A seller's order is a conversation (issue 18, items 1–4 and 9): a ticket built over several
messages, edits, Corregir with every line, and a confirm that finds a draw closed; through the
fake Bot API on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.models import TicketStatus, UserRole
from tests.e2e.harness import FakeClock, make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

SELLER = 6001
CREDIT = 1_000_000


async def test_a_second_message_adds_to_the_open_ticket_on_its_draw(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        first = await run.say(SELLER, "zulia 7:05pm 777 x5")
        second = await run.say(SELLER, "678 x5")
        # one ticket: both plays, on the draw the first message named, and the total of both
        assert "777" in second.content and "678" in second.content
        assert "7:05" in second.content and "12:45" not in second.content
        assert "Total: Bs. 10,00" in second.content and "(2 jugadas)" in second.content
        # named in the message it is in: the order's line 2 is the second message's line 1
        note = "Mensaje 2, línea 1: no nombra lotería; va con el ticket abierto (Triple Zulia"
        assert note in second.content
        assert first.buttons == [] and tg.messages(SELLER)[0].buttons == []
        ticket = await run.press(SELLER, second, "✅ Confirmar")
        assert "777" in ticket.content and "678" in ticket.content
        assert await run.statuses() == [TicketStatus.SOLD]


async def test_an_older_preview_of_a_grown_ticket_sells_nothing(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        first = await run.say(SELLER, "zulia 7:05pm 777 x5")
        await run.say(SELLER, "678 x5")
        shown = first.history[0] if first.history else first.api()  # before its buttons went
        data = shown["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        assert data.startswith("sale:ok:")
        pressed = tg.press_button(SELLER, first, data, strict=False)
        query = await tg.wait_for(lambda: (q := tg.callback_query(pressed)) and q.answered and q)
        assert "cambió" in (query.text or "")
        assert await run.statuses() == []


async def test_cancel_empties_the_open_ticket(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        await run.say(SELLER, "zulia 7:05pm 777 x5")
        second = await run.say(SELLER, "678 x5")
        await run.press(SELLER, second, "✖️ Cancelar")
        fresh = await run.say(SELLER, "555 x5 zulia 7:05pm")
        assert "555" in fresh.content and "777" not in fresh.content
        assert "Total: Bs. 5,00" in fresh.content


async def test_the_open_ticket_survives_a_restart(tg: FakeTelegram, db_url: str) -> None:
    settings = make_settings(tg, db_url)
    async with running_bot(tg, settings) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        await run.say(SELLER, "zulia 7:05pm 777 x5")
    async with running_bot(tg, settings) as run:
        second = await run.say(SELLER, "678 x5")
        assert "777" in second.content and "678" in second.content
        assert "Total: Bs. 10,00" in second.content and "12:45" not in second.content
        ticket = await run.press(SELLER, second, "✅ Confirmar")
        assert "777" in ticket.content and "678" in ticket.content


async def test_an_edit_rereads_its_message_and_an_edit_after_the_sale_changes_nothing(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        await run.say(SELLER, "zulia 7:05pm 777 x5")
        await run.say(SELLER, "678 x5")
        typo = tg.last_user_message_id(SELLER)
        edited = await run.edit(SELLER, typo, "679 x10")
        assert "Editaste" in edited.content
        assert "679" in edited.content and "678" not in edited.content
        assert "777" in edited.content and "Total: Bs. 15,00" in edited.content
        ticket = await run.press(SELLER, edited, "✅ Confirmar")
        assert "679" in ticket.content
        late = await run.edit(SELLER, typo, "680 x10")
        assert "ya se vendió" in late.content
        serial = late.content.split("ticket ")[1].split(":")[0]
        assert serial in ticket.content
        assert late.button_texts == [f"🗑️ Anular ticket {serial}"]
        assert await run.statuses() == [TicketStatus.SOLD]
        shown = await run.last_ticket(SELLER)
        assert "679" in shown.content and "680" not in shown.content


async def test_correct_gives_back_every_line_and_the_reply_replaces_the_order(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        preview = await run.say(SELLER, "zulia 4:45pm\n444 5k\n555 x5,5\n111 x 1.000")
        fix = await run.press(SELLER, preview, "✏️ Corregir")
        block = fix.text or ""
        for line in ("zulia 4:45pm", "444 5k", "555 x5.5", "111 x1000"):
            assert line in block, line
        assert "«444 5k» — No entendí «5k»" in block  # its reason, beside the block
        (edit_here,) = fix.buttons[0]
        assert edit_here.text == "✏️ Editar aquí"
        prefilled = edit_here.raw["switch_inline_query_current_chat"]
        assert "444 5k" in prefilled and "555 x5.5" in prefilled
        again = await run.say(SELLER, "@taquilla_bot zulia 4:45pm\n444 x5\n555 x5.5")
        assert "444" in again.content and "555" in again.content and "111" not in again.content
        assert "Total: Bs. 10,50" in again.content and "Línea" not in again.content


def _early() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 11, 50, tzinfo=UTC))  # 07:50 in Caracas


async def test_a_closed_draw_at_confirm_offers_to_sell_the_open_plays(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url), _early()) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        preview = await run.say(SELLER, "leon x5 activo 8am\ntigre x5 activo 9am")
        assert "Total: Bs. 10,00" in preview.content
        run.clock.advance(minutes=10)  # 08:00: the 8 a. m. draw is closed
        refused = await run.press(SELLER, preview, "✅ Confirmar")
        assert "No se vendió nada" in refused.content
        assert refused.button_texts == ["✅ Vender las abiertas · Bs. 5,00",
                                        "⏭️ Pasar al próximo sorteo", "✖️ Cancelar"]
        assert await run.statuses() == []
        ticket = await run.press(SELLER, refused, "✅ Vender las abiertas · Bs. 5,00")
        assert "Tigre" in ticket.content and "León" not in ticket.content
        assert await run.statuses() == [TicketStatus.SOLD]


async def test_a_closed_draw_at_confirm_can_move_to_the_next_draw(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url), _early()) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        preview = await run.say(SELLER, "leon x5 activo 8am\ntigre x5 activo 9am")
        run.clock.advance(minutes=10)
        refused = await run.press(SELLER, preview, "✅ Confirmar")
        moved = await run.press(SELLER, refused, "⏭️ Pasar al próximo sorteo")
        assert "ya cerró" in moved.content and "Total: Bs. 10,00" in moved.content
        assert "8:00" in moved.content  # said: it was the 8 a. m. draw
        assert await run.statuses() == []  # a new preview first, not a sale
        ticket = await run.press(SELLER, moved, "✅ Confirmar")
        assert "León" in ticket.content and "Tigre" in ticket.content
        assert await run.statuses() == [TicketStatus.SOLD]


async def test_a_line_on_the_remembered_lottery_says_so(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        await run.buy(SELLER, "leon x5 activo")
        refused = await run.say(SELLER, "123 x5")
        assert "123" in refused.content and "Lotto Activo" in refused.content
        assert "usé tu última lotería" in refused.content
        assert "escríbela en la línea, p. ej. «123 x5 zulia»" in refused.content
        read = await run.say(SELLER, "5 x5")
        assert "La línea 1 no nombra lotería: usé tu última lotería, Lotto Activo" in read.content


@pytest.mark.redis
async def test_the_open_ticket_survives_a_restart_with_redis(
    tg: FakeTelegram, db_url: str, redis_url: str
) -> None:
    settings = make_settings(tg, db_url, redis_url=redis_url)
    async with running_bot(tg, settings) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        await run.say(SELLER, "zulia 7:05pm 777 x5")
    async with running_bot(tg, settings) as run:
        second = await run.say(SELLER, "678 x5")
        assert "777" in second.content and "Total: Bs. 10,00" in second.content


async def test_an_edit_delivered_twice_is_read_once(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        await run.say(SELLER, "zulia 7:05pm 777 x5")
        mine = tg.last_user_message_id(SELLER)
        update_id = tg.edit_user_message(SELLER, mine, "zulia 7:05pm 778 x5")
        edited = await tg.next_message(SELLER)
        await run.handled.wait(update_id)
        assert "778" in edited.content
        again = tg.redeliver(update_id)
        await run.handled.wait(again)
        assert tg.messages(SELLER)[-1].message_id == edited.message_id  # nothing more said
        assert edited.button_texts[0] == "✅ Confirmar"


async def test_a_message_with_no_plays_keeps_the_open_ticket(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        preview = await run.say(SELLER, "zulia 7:05pm 777 x5")
        said = await run.say(SELLER, "👍")
        assert "sigue" in said.content or "queda igual" in said.content
        assert preview.button_texts[0] == "✅ Confirmar"  # still the current preview
        ticket = await run.press(SELLER, preview, "✅ Confirmar")
        assert "777" in ticket.content


async def test_an_edit_fixes_a_message_nothing_of_which_could_be_sold(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        failed = await run.say(SELLER, "777 5k zulia 7:05pm")
        assert failed.button_texts == []
        fixed = await run.edit(SELLER, tg.last_user_message_id(SELLER), "777 x5 zulia 7:05pm")
        assert "777" in fixed.content and "Total: Bs. 5,00" in fixed.content
        ticket = await run.press(SELLER, fixed, "✅ Confirmar")
        assert "777" in ticket.content


async def test_correct_without_its_button_when_telegram_refuses_it(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        preview = await run.say(SELLER, "zulia 4:45pm\n444 5k\n555 x5,5")
        tg.fail_next("sendMessage", 400, description="Bad Request: BUTTON_TYPE_INVALID")
        fix = await run.press(SELLER, preview, "✏️ Corregir")
        assert "444 5k" in fix.content and "555 x5.5" in fix.content
        assert fix.buttons == [] and "Editar aquí" not in fix.content


async def test_an_error_in_an_order_of_several_messages_names_its_message_and_line(
    tg: FakeTelegram, db_url: str
) -> None:
    """The order's own numbering runs through its messages: «line 4» is nowhere in the chat."""
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        alone = await run.say(SELLER, "zulia 7:05pm 777 x5\n5k")
        assert "Línea 2: «5k» — No entendí «5k»." in alone.content  # one message: as ever
        await run.press(SELLER, alone, "✖️ Cancelar")
        await run.say(SELLER, "zulia 7:05pm 777 x5")
        await run.say(SELLER, "678 x5")
        third = await run.say(SELLER, "555 x5\n5k")
        assert "Mensaje 3, línea 2: «5k» — No entendí «5k»." in third.content
        # the parser's own "line 2" is the message's: now the line named beside it
        assert ("Mensaje 3, línea 1: «555 x5» — Esta línea toma su sorteo de la línea 2,"
                in third.content)
        assert "Línea 4" not in third.content
        note = "ℹ️ Mensaje 2, línea 1: no nombra lotería; va con el ticket abierto (Triple Zulia"
        assert note in third.content


async def test_a_reason_of_lines_in_several_messages_says_them_per_message(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        await run.say(SELLER, "zulia 7:05pm\n777 x5\n123 x0\n123 x0")
        second = await run.say(SELLER, "123 x0\n123 x0")
        assert "4 líneas (mensaje 1, líneas 3–4; mensaje 2, líneas 1–2): " in second.content
        third = await run.say(SELLER, "123 x0\n123 x0")
        assert ("6 líneas (mensaje 1, líneas 3–4; mensajes 2–3, líneas 1–2): "
                in third.content)


async def test_plays_refused_at_confirm_are_named_by_message_and_line(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url), _early()) as run:
        await run.fund(SELLER, credit=CREDIT, role=UserRole.SELLER)
        await run.say(SELLER, "leon x5 activo 8am")
        preview = await run.say(SELLER, "tigre x5\nburro x5")
        assert "Total: Bs. 15,00" in preview.content
        run.clock.advance(minutes=10)  # 08:00: the 8 a. m. draw is closed
        refused = await run.press(SELLER, preview, "✅ Confirmar")
        assert "No se vendió nada" in refused.content
        assert "3 líneas (mensaje 1, línea 1; mensaje 2, líneas 1–2): Lotto Activo" in (
            refused.content)
