"""Issue 18, item 8: Repetir after today's draws passed says the plays go to a later day."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Ticket, TicketStatus
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.fakes.telegram import FakeTelegram, SentMessage

PLAYER = 5102


async def _statuses(run: RunningBot) -> list[TicketStatus]:
    async with run.app.sessionmaker() as session:
        return list((await session.scalars(select(Ticket.status).order_by(Ticket.id))).all())


async def _last(run: RunningBot) -> SentMessage:
    """/ultimo: the ticket's text with its buttons (its picture is skipped)."""
    shown = await run.say(PLAYER, "/ultimo")
    await run.tg.next_message(PLAYER)
    return shown


async def test_repeat_after_todays_draw_says_the_plays_go_to_tomorrow(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=100_000)
        await run.buy(PLAYER, "123 456 x5 zulia 12:45")
        early = await run.press(PLAYER, await _last(run), "🔁 Repetir")  # 9:30: today's is open
        assert early.content.startswith("🧾")  # the preview itself: nothing moved
        assert "Hoy ya no queda" not in early.content
        run.clock.advance(hours=4)  # 13:30: today's 12:45 is over
        note = await run.press(PLAYER, await _last(run), "🔁 Repetir")
        assert note.content.replace("\u202f", " ") == (
            "ℹ️ Hoy ya no queda sorteo de Triple Zulia a las 12:45 p. m.: "
            "estas jugadas van para el mar, 24 nov., 12:45 p. m."
        )
        preview = await tg.next_message(PLAYER)
        assert "mar, 24 nov" in preview.content and "Bs. 10,00" in preview.content
        await run.press(PLAYER, preview, "✅ Confirmar")
        assert await _statuses(run) == [TicketStatus.SOLD, TicketStatus.SOLD]
