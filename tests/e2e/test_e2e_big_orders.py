"""Big orders (issue 18, item 5): a seller's order of hundreds of plays neither floods the chat
nor dead-ends on the per-ticket limit; through the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select

from bot.settings import Settings
from services.order_split import SplitPlan
from services.sales import Outcome, confirm_sale
from storage.models import TicketStatus, User, UserRole, Wager
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

SELLER = 6001
LIMIT = 100  # the Venezuelan catalog's max_wagers
THREE_HUNDRED = "zulia 12:45\n" + "\n".join(f"{n:03d} x1" for n in range(300))
NINE_HUNDRED = "zulia 12:45\n" + " ".join(f"{n:03d}" for n in range(900)) + " x1"
SPLIT_3 = "✂️ Vender en 3 tickets"


async def _plays_per_ticket(run: RunningBot) -> list[int]:
    async with run.app.sessionmaker() as session:
        rows = await session.execute(
            select(Wager.ticket_id, func.count()).group_by(Wager.ticket_id).order_by(
                Wager.ticket_id))
        return [count for _id, count in rows.all()]


async def _credit_used(run: RunningBot) -> int:
    async with run.app.sessionmaker() as session:
        user = await session.get(User, SELLER)
        assert user is not None
        return user.credit_used


async def _sold_numbers(run: RunningBot) -> list[str]:
    async with run.app.sessionmaker() as session:
        rows = await session.scalars(select(Wager.number).order_by(Wager.number))
        return list(rows.all())


async def test_a_300_line_order_previews_in_at_most_3_messages_with_its_errors_grouped(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        await run.say(SELLER, THREE_HUNDRED)
        shown = tg.messages(SELLER)
        assert len(shown) <= 3
        text = "\n".join(m.content for m in shown)
        # the limit said once, for the 200 lines past it, as a range of lines
        assert text.count("como máximo 100 jugadas") == 1
        assert "200 líneas (102–301)" in text
        # the way out of the limit offered, with the whole order's tickets and total
        assert "(300 jugadas) cabe en 3 tickets de hasta 100 jugadas" in text
        assert "Bs. 300,00 en total" in text
        assert SPLIT_3 in shown[-1].button_texts
        assert await run.statuses() == []  # a preview books nothing


async def test_900_numbers_on_one_line_preview_in_at_most_3_messages(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        await run.say(SELLER, NINE_HUNDRED)
        shown = tg.messages(SELLER)
        assert len(shown) <= 3
        text = "\n".join(m.content for m in shown)
        assert text.count("como máximo 100 jugadas") == 1
        assert "800 jugadas (línea 2)" in text
        assert "(900 jugadas) cabe en 9 tickets de hasta 100 jugadas" in text
        assert "Bs. 900,00 en total" in text
        assert "✂️ Vender en 9 tickets" in shown[-1].button_texts


async def _split_with_a_double_tap(tg: FakeTelegram, settings: Settings) -> None:
    async with running_bot(tg, settings) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        await run.say(SELLER, THREE_HUNDRED)
        preview = tg.messages(SELLER)[-1]  # the buttons ride on the preview's last message
        split = preview.button(SPLIT_3).callback_data
        confirm = preview.button("✅ Confirmar").callback_data
        tg.press_button(SELLER, preview, split)
        tg.press_button(SELLER, preview, split, strict=False)  # the double tap
        done = await tg.wait_for(lambda: next(
            (m for m in tg.messages(SELLER) if "3 tickets vendidos" in m.content), None),
            timeout=30)
        assert "300,00" in done.content
        assert len(tg.photos(SELLER)) == 3  # each ticket its own, to keep or forward
        assert preview.buttons == []  # the preview cannot be pressed again
        # a late press of the old Confirm cannot sell the first 100 plays a second time
        tg.press_button(SELLER, preview, confirm, strict=False)
        await run.say(SELLER, "/saldo")
    assert await run.statuses() == [TicketStatus.SOLD] * 3
    assert await _plays_per_ticket(run) == [LIMIT] * 3
    assert await _sold_numbers(run) == [f"{n:03d}" for n in range(300)]
    assert await _credit_used(run) == 30_000  # Bs. 300,00, taken once


async def test_the_split_sells_one_ticket_per_100_plays_once_despite_a_double_tap(
    tg: FakeTelegram, db_url: str
) -> None:
    await _split_with_a_double_tap(tg, make_settings(tg, db_url))


async def test_the_split_with_the_conversation_in_redis(
    tg: FakeTelegram, db_url: str, redis_url: str
) -> None:
    await _split_with_a_double_tap(tg, make_settings(tg, db_url, redis_url=redis_url))


async def test_a_split_survives_a_restart_and_a_later_press_sells_nothing_again(
    tg: FakeTelegram, db_url: str
) -> None:
    settings = make_settings(tg, db_url)
    async with running_bot(tg, settings) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        await run.say(SELLER, THREE_HUNDRED)
    preview = tg.messages(SELLER)[-1]
    split = preview.button(SPLIT_3).callback_data
    async with running_bot(tg, settings) as run:  # the plan was kept with the conversation
        tg.press_button(SELLER, preview, split)
        await tg.wait_for(lambda: len(tg.photos(SELLER)) == 3, timeout=30)
    async with running_bot(tg, settings) as run:
        tg.press_button(SELLER, preview, split, strict=False)
        await run.say(SELLER, "/saldo")
        assert await run.statuses() == [TicketStatus.SOLD] * 3
        assert await _credit_used(run) == 30_000


async def _split_dies_after_its_first_ticket(run: RunningBot, order: str) -> None:
    """The preview of ``order``, then what its split did before the process died: its first
    ticket sold (its delivery left to the outbox)."""
    await run.say(SELLER, order)
    key = StorageKey(bot_id=run.bot.id, chat_id=SELLER, user_id=SELLER)
    plan = SplitPlan.from_data((await run.dp.storage.get_data(key))["split"], run.app.catalog)
    assert plan.drafts[0].wagers[-1].number == "555"  # not the preview's first 100 plays
    async with run.app.sessionmaker() as session:
        user = await session.get(User, SELLER)
        assert user is not None
        first = await confirm_sale(session, provider=run.app.provider, catalog=run.app.catalog,
                                   user=user, draft=plan.drafts[0], now=run.clock(),
                                   pins=run.app.pins)
    assert first.outcome is Outcome.SOLD


async def test_a_split_cut_short_resumes_and_its_preview_cannot_sell_the_same_plays(
    tg: FakeTelegram, db_url: str
) -> None:
    """The process dies after a split sold its first ticket, whose plays are not the preview's
    first 100 (the second 555 joined it). After the restart the preview's Confirm sells
    nothing (it shares that ticket's reference); the split, pressed again, sells the rest."""
    body = "\n".join(f"{n:03d} x1" for n in range(298))
    order = f"zulia 12:45\n555 x20\n{body}\n555 x20"
    settings = make_settings(tg, db_url)
    async with running_bot(tg, settings) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        await _split_dies_after_its_first_ticket(run, order)
    async with running_bot(tg, settings) as run:
        answer = await run.press(SELLER, tg.messages(SELLER)[-1], "✅ Confirmar")
        assert "ya se vendió" in answer.content
        assert await run.statuses() == [TicketStatus.SOLD]
        await _split_dies_after_its_first_ticket(run, order)
    async with running_bot(tg, settings) as run:
        preview = next(m for m in reversed(tg.messages(SELLER)) if SPLIT_3 in m.button_texts)
        tg.press_button(SELLER, preview, text=SPLIT_3)
        done = await tg.wait_for(lambda: next(
            (m for m in tg.messages(SELLER) if "3 tickets vendidos" in m.content), None),
            timeout=30)
        assert "Bs. 338,00 en total" in done.content
    assert await run.statuses() == [TicketStatus.SOLD] * 4
    assert await _credit_used(run) == (9_800 + 4_000) + (29_800 + 4_000)


async def test_plays_of_one_number_share_a_ticket_so_its_tope_is_checked_whole(
    tg: FakeTelegram, db_url: str
) -> None:
    """555 twice, at the start and past the limit: both go on one ticket, whose validation then
    sees the whole claim on 555's tope (Bs. 100 a number): 30 + 30 is sold, 60 + 60 is not
    offered, since its ticket would be refused."""
    body = "\n".join(f"{n:03d} x1" for n in range(298))
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        await run.say(SELLER, f"zulia 12:45\n555 x60\n{body}\n555 x60")
        refused = "\n".join(m.content for m in tg.messages(SELLER))
        assert not any("Vender en" in b for m in tg.messages(SELLER) for b in m.button_texts)
        assert "555" in refused and "el tope por número es" in refused
        assert "tampoco se puede vender en varios tickets" in refused
        # the open ticket would take the next message: empty it first
        tg.press_button(SELLER, tg.messages(SELLER)[-1], text="✖️ Cancelar")
        await tg.wait_for(lambda: "no se vendió nada" in tg.messages(SELLER)[-1].content)

        await run.say(SELLER, f"zulia 12:45\n555 x30\n{body}\n555 x30")
        preview = tg.messages(SELLER)[-1]
        confirm = preview.button("✅ Confirmar").callback_data
        tg.press_button(SELLER, preview, text=SPLIT_3)
        await tg.wait_for(lambda: any("3 tickets vendidos" in m.content
                                      for m in tg.messages(SELLER)), timeout=30)
        # a late press of the preview's Confirm sells nothing more
        tg.press_button(SELLER, preview, confirm, strict=False)
        await run.say(SELLER, "/saldo")
        async with run.app.sessionmaker() as session:
            tickets = set((await session.scalars(
                select(Wager.ticket_id).where(Wager.number == "555"))).all())
    assert len(tickets) == 1
    assert await _plays_per_ticket(run) == [LIMIT] * 3
    assert await _credit_used(run) == 29_800 + 6_000


async def test_read_errors_of_many_lines_are_said_once(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        lines = "\n".join(["123 x1"] + ["123 x0"] * 250)
        await run.say(SELLER, "zulia 12:45\n" + lines)
        shown = tg.messages(SELLER)
        text = "\n".join(m.content for m in shown)
        assert len(shown) == 1
        assert "250 líneas (3–252)" in text


async def test_a_split_the_buyer_cannot_pay_is_not_offered_and_says_what_is_missing(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=15_000, role=UserRole.SELLER)  # Bs. 150 of credit
        await run.say(SELLER, THREE_HUNDRED)
        shown = tg.messages(SELLER)
        text = "\n".join(m.content for m in shown)
        assert "cabe en 3 tickets" in text
        assert "Para venderlas todas te faltan Bs. 150,00" in text
        assert SPLIT_3 not in shown[-1].button_texts
        assert "✅ Confirmar" in shown[-1].button_texts  # the first 100 can still be sold


async def test_a_split_whose_draw_closed_meanwhile_sells_nothing_and_says_so_per_ticket(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        await run.say(SELLER, THREE_HUNDRED)
        preview = tg.messages(SELLER)[-1]
        run.clock.advance(hours=3, minutes=15)  # 12:45 in Caracas: Zulia's draw is closed
        answer = await run.press(SELLER, preview, SPLIT_3)
        for number in (1, 2, 3):
            assert f"Ticket {number} del pedido" in answer.content
        assert "vendidos" not in answer.content
        assert len(tg.messages(SELLER)) <= 4  # the preview and one answer, not 300 lines
        assert preview.buttons == []
    assert await run.statuses() == []
    assert await _credit_used(run) == 0


async def test_a_pasted_order_cut_in_two_messages_names_its_lines_per_message(
    tg: FakeTelegram, db_url: str
) -> None:
    """Telegram cuts a long paste into messages: the lines past the limit run from the first
    message into the second, and are said in each."""
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        await run.say(SELLER, "zulia 12:45\n" + "\n".join(f"{n:03d} x1" for n in range(150)))
        await run.say(SELLER, "\n".join(f"{n:03d} x1" for n in range(150, 200)))
        text = "\n".join(m.content for m in tg.messages(SELLER)[-3:])
        assert "100 líneas (mensaje 1, líneas 102–151; mensaje 2, líneas 1–50)" in text
        assert "(200 jugadas) cabe en 2 tickets de hasta 100 jugadas" in text
