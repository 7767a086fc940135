"""Issue 18, item 7: Anular asks before it cancels, and a ticket whose cancel window passed no
longer offers it."""

from __future__ import annotations

from sqlalchemy import select

from lottery.ticket_codes import format_serial
from storage.models import Ticket, TicketStatus
from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5101


async def test_cancel_asks_first_no_keeps_the_ticket_yes_cancels_it(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=100_000)
        await run.buy(PLAYER, "123 x5 zulia 12:45")
        opened = await run.last_ticket(PLAYER)
        assert "Puedes anular hasta las 9:33" in opened.content
        async with run.app.sessionmaker() as session:
            serial = await session.scalar(select(Ticket.serial))
        assert serial is not None
        shown_serial = format_serial(serial)

        asked = await run.press(PLAYER, opened, "🗑 Anular")
        assert asked.content == f"¿Anular el ticket {shown_serial}?"
        assert asked.button_texts == ["✅ Sí, anular", "↩️ No"]
        assert await run.statuses() == [TicketStatus.SOLD]  # asking changed nothing
        assert await run.balance(PLAYER) == 99_500

        kept = await run.press(PLAYER, asked, "↩️ No")
        assert kept.content == f"No se anuló el ticket {shown_serial}: queda tal como estaba."
        assert await run.statuses() == [TicketStatus.SOLD]
        assert await run.balance(PLAYER) == 99_500

        asked = await run.press(PLAYER, opened, "🗑 Anular")
        done = await run.press(PLAYER, asked, "✅ Sí, anular")
        assert "anulado" in done.content and "Bs. 5,00" in done.content
        assert await run.statuses() == [TicketStatus.VOID]
        assert await run.balance(PLAYER) == 100_000


async def test_after_the_window_the_ticket_offers_no_cancel(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=100_000)
        await run.buy(PLAYER, "123 x5 zulia 12:45")  # sold at 9:30 a. m., window 180 s
        run.clock.advance(seconds=181)
        opened = await run.last_ticket(PLAYER)
        assert "Triple Zulia" in opened.content
        assert "anular" not in opened.content.lower()
        assert opened.button_texts == ["🖨 Reimprimir", "🔁 Repetir"]
        listing = await run.say(PLAYER, "/tickets")
        [button] = [b for b in listing.button_texts if b.startswith("🎟")]
        from_list = await run.press(PLAYER, listing, button)
        assert "anular" not in from_list.content.lower()
        assert "🗑 Anular" not in from_list.button_texts
