"""After the sale: my tickets, reprint, cancel in the window, repeat, results and their entry."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Ticket, TicketStatus, User, UserRole
from storage.repositories import users as users_repo
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5001
ADMIN = 9001


async def _player(run: RunningBot, balance: int = 100_000) -> None:
    async with run.app.sessionmaker() as session, session.begin():
        await users_repo.ensure_user(session, PLAYER, currency="VES", first_name="Ana",
                                     role=UserRole.PLAYER)
        await users_repo.credit_balance(session, PLAYER, balance, "VES")


async def _balance(run: RunningBot) -> int:
    async with run.app.sessionmaker() as session:
        user = await session.get(User, PLAYER)
        assert user is not None
        return user.balance




async def test_tickets_list_opens_a_ticket_and_reprints_it(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await _player(run)
        await run.buy(PLAYER, "123 x5 zulia 12:45")
        listing = await run.say(PLAYER, "/tickets")
        assert "Tus tickets" in listing.content and "vendido" in listing.content
        [button] = [b for b in listing.button_texts if b.startswith("🎟")]
        opened = await run.press(PLAYER, listing, button)
        assert "Triple Zulia" in opened.content
        assert "PIN" not in opened.content  # only the original copy carries it
        assert opened.button_texts == ["🖨 Reimprimir", "🗑 Anular", "🔁 Repetir"]
        reprint = await run.press(PLAYER, opened, "🖨 Reimprimir")
        photo = await tg.next_message(PLAYER)
        assert "Triple Zulia" in reprint.content
        assert photo.file_bytes is not None and photo.file_bytes.startswith(b"\x89PNG")
        assert "PIN" in photo.content  # the caption says where the PIN is
        last = await run.say(PLAYER, "/ultimo")
        assert last.content == reprint.content


async def test_cancel_inside_the_window_returns_the_money(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await _player(run)
        await run.buy(PLAYER, "123 x5 zulia 12:45")
        assert await _balance(run) == 99_500
        opened = await run.say(PLAYER, "/ultimo")
        await tg.next_message(PLAYER)  # its image
        asked = await run.press(PLAYER, opened, "🗑 Anular")
        done = await run.press(PLAYER, asked, "✅ Sí, anular")
        assert "anulado" in done.content and "Bs. 5,00" in done.content
        assert await _balance(run) == 100_000
        assert await run.statuses() == [TicketStatus.VOID]
        again = await run.press(PLAYER, opened, "🗑 Anular")  # an old button, pressed again
        assert "ya está anulado" in again.content
        # the serial the player holds finds the sale and the cancel in the log, once each
        async with run.app.sessionmaker() as session:
            serial = await session.scalar(select(Ticket.serial))
        assert await run.logged(target_id=serial) == ["TICKET_SELL", "TICKET_CANCEL"]


async def test_cancel_refused_after_the_window_names_the_deadline(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await _player(run)
        await run.buy(PLAYER, "123 x5 zulia 12:45")  # sold at 9:30 a. m., window 180 s
        opened = await run.say(PLAYER, "/ultimo")
        await tg.next_message(PLAYER)
        run.clock.advance(seconds=181)  # its button, pressed after the window
        refused = await run.press(PLAYER, opened, "🗑 Anular")
        assert "9:33" in refused.content and "ya pasó" in refused.content
        assert await _balance(run) == 99_500
        assert await run.statuses() == [TicketStatus.SOLD]


async def test_cancel_refused_once_the_draw_closed(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await _player(run)
        run.clock.advance(hours=3, minutes=8)  # 12:38 in Caracas; Zulia 12:45 closes at 12:40
        await run.buy(PLAYER, "123 x5 zulia 12:45")
        opened = await run.say(PLAYER, "/ultimo")
        await tg.next_message(PLAYER)
        run.clock.advance(minutes=2, seconds=30)  # 12:40:30: inside the window, draw closed
        refused = await run.press(PLAYER, opened, "🗑 Anular")
        assert "cerró" in refused.content and "12:40" in refused.content
        assert await run.statuses() == [TicketStatus.SOLD]


async def test_repeat_books_the_same_plays_on_the_next_draw(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await _player(run)
        await run.buy(PLAYER, "123 456 x5 zulia 12:45")
        run.clock.advance(hours=4)  # 13:30: today's 12:45 is over
        opened = await run.say(PLAYER, "/ultimo")
        await tg.next_message(PLAYER)
        await run.press(PLAYER, opened, "🔁 Repetir")  # first, that it goes to tomorrow
        preview = await tg.next_message(PLAYER)
        assert "mar, 24 nov" in preview.content and "12:45" in preview.content
        assert "Bs. 10,00" in preview.content
        await run.press(PLAYER, preview, "✅ Confirmar")
        assert await run.statuses() == [TicketStatus.SOLD, TicketStatus.SOLD]


async def test_admin_enters_results_winners_are_settled_and_everyone_sees_them(
    tg: FakeTelegram, db_url: str
) -> None:
    settings = make_settings(tg, db_url, admin_ids=str(ADMIN))
    async with running_bot(tg, settings) as run:
        await _player(run)
        await run.buy(PLAYER, "123 x5 zulia 12:45")
        await run.buy(PLAYER, "leon x10 lotto activo 10am")
        await run.say(ADMIN, "/start")
        early = await run.say(ADMIN, "/resultado zulia 12:45 123 ACU")
        assert "❌" in early.content  # not drawn yet
        run.clock.advance(hours=4)  # 13:30 in Caracas
        entered = await run.say(ADMIN, "/resultado zulia 12:45 123 ACU")
        assert "Triple Zulia" in entered.content and "123 Acuario" in entered.content
        assert "ganadores: 1" in entered.content.lower()
        notice = await tg.next_message(PLAYER)  # the winner hears of the prize
        assert "ganó Bs. 3.000,00" in notice.content  # 5 × 600
        assert "/pagar" in notice.content
        await run.say(ADMIN, "/resultado activo 10am tigre")
        shown = await run.say(PLAYER, "/resultados")
        assert "123 Acuario" in shown.content and "10 Tigre" in shown.content
        assert await run.statuses() == [TicketStatus.WINNER, TicketStatus.LOSER]
        fixed = await run.say(ADMIN, "/resultado zulia 12:45 124 ACU")
        assert "corregido" in fixed.content.lower()
        assert await run.statuses() == [TicketStatus.LOSER, TicketStatus.LOSER]
        refused = await run.say(PLAYER, "/resultado zulia 12:45 123 ACU")
        assert "solo para" in refused.content
