"""Jackpot tickets as players and sellers see them: PROVIDER=jackpot against the seed-003
simulator, through the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import select

from storage.models import Ticket, TicketStatus, User, UserRole
from storage.repositories import users as users_repo
from tests.e2e.harness import FakeClock, RunningBot, jackpot_settings, make_settings, running_bot
from tests.fakes.providers.jackpot import JackpotSimulator
from tests.fakes.telegram import FakeTelegram, SentMessage

PLAYER = 5101
SELLER = 6101


@asynccontextmanager
async def jackpot_bot(tg: FakeTelegram, db_url: str) -> AsyncIterator[tuple[RunningBot,
                                                                             JackpotSimulator]]:
    clock = FakeClock()
    async with JackpotSimulator(clock=clock) as sim, running_bot(
        tg, jackpot_settings(tg, db_url, sim), clock
    ) as run:
        yield run, sim


async def sold_tickets(run: RunningBot) -> list[Ticket]:
    async with run.app.sessionmaker() as session:
        rows = await session.scalars(select(Ticket).where(Ticket.status == TicketStatus.SOLD))
        return list(rows)


async def user_row(run: RunningBot, user_id: int) -> User:
    async with run.app.sessionmaker() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user


async def tap(run: RunningBot, message: SentMessage, text: str, user_id: int = PLAYER
              ) -> SentMessage:
    """Press a button of a question that the bot answers by editing it in place."""
    edits = len(message.history)
    run.tg.press_button(user_id, message, text=text)
    await run.tg.wait_for(lambda: len(message.history) > edits or None)
    return message


async def summary_for(run: RunningBot, picks: tuple[str, ...] = ("1", "1", "1"),
                      price: str = "2", user_id: int = PLAYER) -> SentMessage:
    """/jackpot → the betcard → one outcome per event (by its name) → the price written."""
    menu = await run.say(user_id, "/jackpot")
    question = await tap(run, menu, menu.button_texts[0], user_id)
    for name in picks:
        label = next(t for t in question.button_texts if t.split(" · ")[0] == name)
        await tap(run, question, label, user_id)
    return await run.say(user_id, price)


def answers(run: RunningBot) -> list[str]:
    """The alerts and toasts the bot showed on button presses."""
    return [str(c.params.get("text") or "") for c in run.tg.calls_to("answerCallbackQuery")]


async def test_player_buys_a_jackpot_ticket_and_sees_payout_and_taxes(
    tg: FakeTelegram, db_url: str
) -> None:
    async with jackpot_bot(tg, db_url) as (run, sim):
        await run.fund(PLAYER, balance=10_000)  # Bs. 100,00
        menu = await run.say(PLAYER, "/jackpot")
        assert "Jackpot Liga FUTVE" in menu.content
        assert "9:25" in menu.content  # 13:25 UTC on the catalog's clock (Caracas)
        assert "3 eventos" in menu.button_texts[0]

        question = await tap(run, menu, menu.button_texts[0])
        assert "Caracas FC - Deportivo Táchira" in question.content
        assert "1 de 3" in question.content
        assert question.button_texts == ["1 · 2,10", "X · 3,20", "2 · 3,50",
                                         "⬅️ Atrás", "✖️ Cancelar"]
        await tap(run, question, "1 · 2,10")
        assert "Zamora - Carabobo" in question.content and "2 de 3" in question.content
        await tap(run, question, "X · 3,20")
        assert "Monagas - Estudiantes" in question.content
        await tap(run, question, "⬅️ Atrás")  # change the pick of the second match
        assert "Zamora - Carabobo" in question.content
        await tap(run, question, "2 · 3,50")
        await tap(run, question, "1 · 2,10")
        assert "Bs. 1,00" in question.content  # one line's price

        wrong = await run.say(PLAYER, "1,50")
        assert "múltiplo" in wrong.content
        summary = await run.say(PLAYER, "2")
        text = summary.content
        assert "Zamora - Carabobo: 2 (3,50)" in text
        assert "15,44" in text  # 2,10 × 3,50 × 2,10
        for figure in ("Bs. 2,00", "Bs. 1,75", "Bs. 0,25", "Bs. 500.000,00", "Bs. 99.999,65",
                       "Bs. 400.000,35"):
            assert figure in text, figure
        assert summary.button_texts == ["✅ Confirmar", "✖️ Cancelar"]
        assert sim.tickets == []  # a summary books nothing

        ticket = await run.press(PLAYER, summary, "✅ Confirmar")
        assert "Serial" in ticket.content and "PIN" in ticket.content
        assert "Premio neto: Bs. 400.000,35" in ticket.content
        assert "Bs. 99.999,65" in ticket.content and "Bs. 1,75" in ticket.content
        [booked] = sim.tickets
        assert (booked["price"], booked["currency"], booked["net_payout"],
                booked["wht_amount"]) == (200, "VES", 400_000_35, 99_999_65)
        assert [(e["id"], e["bet"]) for e in sim.booked[0].events] == [
            (101, 1001), (102, 1013), (103, 1021)]
        [mine] = await sold_tickets(run)
        assert mine.provider == "jackpot" and mine.provider_ticket_id == booked["id"]
        assert mine.serial[:5] in ticket.content
        assert (await user_row(run, PLAYER)).balance == 9_800
        assert summary.buttons == []  # the summary cannot be pressed again


async def test_a_jackpot_ticket_shows_in_the_last_ticket_and_the_list(
    tg: FakeTelegram, db_url: str
) -> None:
    # The betcard is not a lottery of the catalog: the after-sale commands must still answer.
    async with jackpot_bot(tg, db_url) as (run, _sim):
        await run.fund(PLAYER, balance=10_000)
        summary = await summary_for(run)
        await run.press(PLAYER, summary, "✅ Confirmar")
        [mine] = await sold_tickets(run)
        shown = f"{mine.serial[:5]}-{mine.serial[5:]}"
        last = await run.say(PLAYER, "/ultimo")
        assert shown in last.content
        assert "101:1001" in last.content  # the selection, as stored
        assert "anular" not in last.content  # jackpot tickets cannot be cancelled
        assert last.button_texts == ["🖨 Reimprimir"]  # nor repeated on a lottery
        picture = await run.tg.next_message(PLAYER)
        assert picture.file is not None  # the reprint's image
        listed = await run.say(PLAYER, "/tickets")
        assert shown in listed.content


async def test_odds_that_moved_are_shown_and_must_be_confirmed_again(
    tg: FakeTelegram, db_url: str
) -> None:
    async with jackpot_bot(tg, db_url) as (run, sim):
        await run.fund(PLAYER, balance=10_000)
        summary = await summary_for(run, ("1", "1", "1"))
        assert "9,26" in summary.content
        sim.set_odds(101, 1001, "2.40")  # the operator moves the first match's odds
        old_confirm = summary.button("✅ Confirmar").callback_data
        again = await run.press(PLAYER, summary, "✅ Confirmar")
        assert "cuotas cambiaron" in again.content
        assert "2,10" in again.content and "2,40" in again.content  # before and now
        assert "10,58" in again.content  # 2,40 × 2,10 × 2,10
        assert "Bs. 400.000,35" in again.content  # the payout the player would get
        assert again.button_texts == ["✅ Confirmar", "✖️ Cancelar"]
        assert sim.tickets == [] and await sold_tickets(run) == []
        assert (await user_row(run, PLAYER)).balance == 10_000  # nothing was taken

        tg.press_button(PLAYER, summary, old_confirm, strict=False)  # the old summary
        await tg.wait_for(lambda: "vigente" in " ".join(answers(run)) or None)

        ticket = await run.press(PLAYER, again, "✅ Confirmar")
        assert "Premio neto: Bs. 400.000,35" in ticket.content
        assert "(2,40)" in ticket.content
        [booked] = sim.tickets
        assert sim.booked[0].events[0] == {"id": 101, "bet": 1001, "odds": 2.4}
        assert booked["odds"] == 10.58
        assert len(await sold_tickets(run)) == 1
        assert (await user_row(run, PLAYER)).balance == 9_800


async def test_a_betcard_that_closed_is_refused_with_the_reason(
    tg: FakeTelegram, db_url: str
) -> None:
    async with jackpot_bot(tg, db_url) as (run, sim):
        await run.fund(PLAYER, balance=10_000)
        menu = await run.say(PLAYER, "/jackpot")
        summary = await summary_for(run)
        run.clock.advance(days=1)  # the betcard closed at 9:25 a. m. (Caracas)
        refused = await run.press(PLAYER, summary, "✅ Confirmar")
        assert "No se vendió nada" in refused.content and "cerró" in refused.content
        assert "9:25" in refused.content
        assert sim.tickets == [] and await sold_tickets(run) == []
        assert (await user_row(run, PLAYER)).balance == 10_000

        late = await run.say(PLAYER, "/jackpot")
        assert "No hay ningún jackpot a la venta" in late.content and late.buttons == []
        await tap(run, menu, menu.button_texts[0])  # an old list: the betcard is gone
        assert "ya no está a la venta" in menu.content and menu.buttons == []


async def test_insufficient_balance_is_refused_before_booking(
    tg: FakeTelegram, db_url: str
) -> None:
    async with jackpot_bot(tg, db_url) as (run, sim):
        await run.fund(PLAYER, balance=100)  # Bs. 1,00
        short = await summary_for(run, price="2")
        assert "te faltan Bs. 1,00" in short.content
        assert short.button_texts == ["✖️ Cancelar"]

        await run.fund(PLAYER, balance=900)  # Bs. 10,00 now
        summary = await summary_for(run, price="5")
        assert summary.button_texts == ["✅ Confirmar", "✖️ Cancelar"]
        async with run.app.sessionmaker() as session, session.begin():  # spent elsewhere
            assert await users_repo.debit_balance(session, PLAYER, 800, "VES")
        refused = await run.press(PLAYER, summary, "✅ Confirmar")
        assert "No te alcanza el saldo" in refused.content
        assert "No se vendió nada" in refused.content
        assert [op for op, _body in sim.calls if op == "create"] == []  # never sent
        assert await sold_tickets(run) == []
        assert (await user_row(run, PLAYER)).balance == 200


async def test_double_tap_and_redelivered_confirm_book_one_ticket(
    tg: FakeTelegram, db_url: str
) -> None:
    async with jackpot_bot(tg, db_url) as (run, sim):
        await run.fund(SELLER, credit=100_000, role=UserRole.SELLER)
        summary = await summary_for(run, ("X", "2", "1"), price="3", user_id=SELLER)
        data = summary.button("✅ Confirmar").callback_data
        first = tg.press_button(SELLER, summary, data)
        tg.press_button(SELLER, summary, data, strict=False)  # the double tap
        ticket = await tg.next_message(SELLER)
        assert "Serial" in ticket.content and "PIN" in ticket.content
        tg.redeliver(first)
        await run.say(SELLER, "/saldo")  # every update before it was handled
        assert len(sim.tickets) == 1
        [mine] = await sold_tickets(run)
        assert mine.total == 300
        assert (await user_row(run, SELLER)).credit_used == 300
        assert any("ya se vendió" in a for a in answers(run))


async def test_the_selection_survives_a_restart(tg: FakeTelegram, db_url: str) -> None:
    clock = FakeClock()
    async with JackpotSimulator(clock=clock) as sim:
        settings = jackpot_settings(tg, db_url, sim)
        async with running_bot(tg, settings, clock) as run:
            await run.fund(PLAYER, balance=10_000)
            menu = await run.say(PLAYER, "/jackpot")
            await tap(run, menu, menu.button_texts[0])
            await tap(run, menu, "2 · 3,50")
        async with running_bot(tg, settings, clock) as run:  # a new process
            await tap(run, menu, "1 · 2,10")
            assert "Monagas - Estudiantes" in menu.content
            assert "Caracas FC - Deportivo Táchira: 2" in menu.content
            await tap(run, menu, "1 · 2,10")
            await tap(run, menu, menu.button_texts[0])  # the quick price of one line
            summary = await tg.next_message(PLAYER)
            ticket = await run.press(PLAYER, summary, "✅ Confirmar")
            assert "Bs. 1,00" in ticket.content
            assert [(e["id"], e["bet"]) for e in sim.booked[0].events] == [
                (101, 1003), (102, 1011), (103, 1021)]


async def test_plays_written_during_the_price_step_are_not_taken_for_a_price(
    tg: FakeTelegram, db_url: str
) -> None:
    async with jackpot_bot(tg, db_url) as (run, _sim):
        await run.fund(PLAYER, balance=10_000)
        menu = await run.say(PLAYER, "/jackpot")
        await tap(run, menu, menu.button_texts[0])
        for _ in range(3):
            await tap(run, menu, "1 · 2,10")
        answer = await run.say(PLAYER, "123 x5 zulia 12:45")
        assert "solo se venden tickets de jackpot" in answer.content  # this operator sells no plays
        assert "múltiplo" not in answer.content


async def test_help_mentions_jackpot_only_where_it_is_sold(tg: FakeTelegram, db_url: str) -> None:
    async with jackpot_bot(tg, db_url) as (run, _sim):
        jackpot_help = (await run.say(PLAYER, "/help")).content
        assert "/jackpot" in jackpot_help
        assert "zulia" not in jackpot_help.lower()  # no lottery plays to teach here
        assert "/sorteos" not in jackpot_help
        draws = (await run.say(PLAYER, "/sorteos")).content
        assert "/jackpot" in draws and "zulia" not in draws.lower()
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        assert "/jackpot" not in (await run.say(PLAYER, "/help")).content
        refused = await run.say(PLAYER, "/jackpot")
        assert "no se venden tickets de jackpot" in refused.content


async def test_a_betcard_sold_is_sent_once_not_again_by_the_outbox(
    tg: FakeTelegram, db_url: str
) -> None:
    async with jackpot_bot(tg, db_url) as (run, _sim):
        await run.fund(PLAYER, balance=10_000)
        summary = await summary_for(run)
        ticket = await run.press(PLAYER, summary, "✅ Confirmar")
        assert "PIN" in ticket.content
        await run.say(PLAYER, "/saldo")  # the same person's updates go in order: the sale is over
        assert run.app.deliverer is not None
        await run.app.deliverer.flush_marks()
        run.clock.advance(minutes=5)  # long past the first try's hold on the outbox
        await run.app.deliverer.run_once()
        assert sum("PIN" in m.content for m in tg.messages(PLAYER)) == 1
