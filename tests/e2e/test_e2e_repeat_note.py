"""Issue 18, item 8: Repetir after today's draws passed says the plays go to a later day."""

from __future__ import annotations

from storage.models import TicketStatus
from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5102


async def test_repeat_after_todays_draw_says_the_plays_go_to_tomorrow(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=100_000)
        await run.buy(PLAYER, "123 456 x5 zulia 12:45")
        # 9:30: today's is open
        early = await run.press(PLAYER, await run.last_ticket(PLAYER), "🔁 Repetir")
        assert early.content.startswith("🧾")  # the preview itself: nothing moved
        assert "Hoy ya no queda" not in early.content
        run.clock.advance(hours=4)  # 13:30: today's 12:45 is over
        note = await run.press(PLAYER, await run.last_ticket(PLAYER), "🔁 Repetir")
        assert note.content.replace("\u202f", " ") == (
            "ℹ️ Hoy ya no queda sorteo de Triple Zulia a las 12:45 p. m.: "
            "estas jugadas van para el mar, 24 nov., 12:45 p. m."
        )
        preview = await tg.next_message(PLAYER)
        assert "mar, 24 nov" in preview.content and "Bs. 10,00" in preview.content
        await run.press(PLAYER, preview, "✅ Confirmar")
        assert await run.statuses() == [TicketStatus.SOLD, TicketStatus.SOLD]
