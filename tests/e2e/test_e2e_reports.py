"""/ventas as sellers, admins and players see it, through the fake Bot API, on SQLite and
PostgreSQL: the seller's figures after real sales, the banca's text and chart, refusals, quiet
periods and reports too long for one message."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PIL import Image

from storage.models import PaidHow, TicketStatus, UserRole
from storage.repositories import draws, tickets
from storage.repositories.draws import DrawSpec
from storage.repositories.tickets import NewWager
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.fakes.telegram import FakeTelegram, SentMessage

PLAYER = 5001
SELLER = 6001
ADMIN = 9001
CARACAS = ZoneInfo("America/Caracas")
TODAY = date(2026, 11, 23)  # the harness clock's day in Caracas (09:30)


async def _win_and_pay_cash(run: RunningBot, plays_lottery: str, prize: int, paid_by: int) -> None:
    """Results and payment are other modules' commands: written straight into the books."""
    async with run.app.sessionmaker() as session, session.begin():
        sold = await tickets.list_tickets(session, seller_id=paid_by)
        ticket = next(t for t in sold if t.wagers[0].lottery_id == plays_lottery)
        assert await tickets.settle_ticket(session, ticket.id, prize=prize)
        assert await tickets.mark_paid(session, ticket.id, paid_by=paid_by, how=PaidHow.CASH,
                                       now=run.clock())


async def _texts_then_photo(run: RunningBot, user_id: int, command: str) -> tuple[
        list[SentMessage], SentMessage]:
    """Sends the command; returns the text messages it produced and the chart that ends them."""
    before = len(run.tg.messages(user_id))
    photos = len(run.tg.photos(user_id))
    run.tg.send_user_message(user_id, command)
    photo = (await run.tg.wait_for(lambda: run.tg.photos(user_id)[photos:] or None))[0]
    new = run.tg.messages(user_id)[before:]
    return [m for m in new if m.kind == "text"], photo


async def test_a_seller_sees_sales_commission_prizes_and_balance(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=100_000, role=UserRole.SELLER)
        await run.buy(SELLER, "123 x5 zulia 12:45")
        await run.buy(SELLER, "leon x10 lotto activo 10am")
        report = await run.say(SELLER, "/ventas")
        text = report.content
        assert "Tus ventas" in text and "lun, 23 nov. 2026" in text
        assert "Triple Zulia: 5,00" in text and "Lotto Activo: 10,00" in text
        assert "Ventas: Bs. 15,00 (2 tickets)" in text
        assert "Comisión (10%): Bs. 1,50" in text
        assert "Saldo: Bs. 13,50" in text

        # The Zulia ticket wins Bs. 300 and Luis pays it from his drawer: he owes less.
        await _win_and_pay_cash(run, "zulia", 30_000, SELLER)
        text = (await run.say(SELLER, "/ventas hoy")).content
        assert "Triple Zulia: 5,00 · premios 300,00" in text
        assert "Premios pagados en efectivo: Bs. 300,00" in text
        assert "Saldo: -Bs. 286,50" in text

        quiet = await run.say(SELLER, "/ventas ayer")
        assert "No hay ventas en este período." in quiet.content
        assert "dom, 22 nov. 2026" in quiet.content
        assert tg.photos(SELLER)[2:] == []  # the two ticket images, no chart for sellers


async def test_players_are_refused_and_typos_explained(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        await run.buy(PLAYER, "123 x5 zulia 12:45")
        refused = await run.say(PLAYER, "/ventas")
        assert "vendedores" in refused.content and "/saldo" in refused.content
        await run.fund(SELLER, role=UserRole.SELLER)
        typo = await run.say(SELLER, "/ventas mañana")
        assert "«mañana»" in typo.content and "/ventas" in typo.content
        other = await run.say(SELLER, f"/ventas {PLAYER}")
        assert "propias" in other.content


async def test_the_banca_sees_everyone_with_a_chart_and_survives_a_failed_upload(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.fund(SELLER, credit=100_000, role=UserRole.SELLER)
        await run.fund(PLAYER, balance=10_000)
        await run.buy(SELLER, "123 x5 zulia 12:45")
        await run.buy(PLAYER, "456 x7 zulia 12:45")
        await run.say(SELLER, "/saldo", username="luis", first_name="Luis")  # names the seller

        texts, chart = await _texts_then_photo(run, ADMIN, "/ventas")
        (text,) = [m.content for m in texts]
        assert "Todas las ventas" in text
        assert "Ventas: Bs. 12,00 (2 tickets)" in text
        assert "Comisión: Bs. 0,50" in text  # the seller's 10 %; none on the player's own buy
        assert "Luis (@luis)" in text and "Ventas directas a jugadores" in text
        assert "lun, 23 nov. 2026" in chart.content  # the period is the caption
        image = Image.open(io.BytesIO(chart.file_bytes or b""))
        assert image.format == "PNG" and image.width >= 1000

        texts, chart = await _texts_then_photo(run, ADMIN, "/ventas @luis semana")
        text = "\n".join(m.content for m in texts)
        assert "Ventas de Luis (@luis)" in text and "comisión 10%" in text
        assert "Ventas: Bs. 5,00 (1 ticket)" in text and "Saldo: Bs. 4,50" in text
        assert "17\u2009–\u200923 de nov. de 2026" in chart.content
        assert "Luis (@luis)" in chart.content

        tg.fail_next("sendPhoto", 500)
        before = len(tg.photos(ADMIN))
        text = (await run.say(ADMIN, "/ventas")).content
        assert "Ventas: Bs. 12,00" in text  # the figures came first
        assert "Tu saldo" in (await run.say(PLAYER, "/saldo")).content  # the bot goes on
        await tg.wait_for(lambda: tg.calls_to("sendPhoto")[-1].fault)
        assert len(tg.photos(ADMIN)) == before


async def test_a_month_of_sales_is_split_under_telegrams_limit(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.fund(SELLER, credit=1, role=UserRole.SELLER)
        await run.say(SELLER, "/start", username="luis", first_name="Luis")
        lotteries = [lot.id for lot in run.app.catalog.lotteries]
        async with run.app.sessionmaker() as session, session.begin():
            moment = datetime(2026, 11, 30, 19, 0, tzinfo=CARACAS)
            draw_ids = {}
            for lot in lotteries:
                await draws.ensure_draws(session, lot, [
                    DrawSpec(moment, moment.date(), moment.time(), "America/Caracas")])
                found = await draws.find_draw(session, lot, moment)
                assert found is not None
                draw_ids[lot] = found.id
            n = 0
            for day in range(1, 24):
                for i, lot in enumerate(lotteries):
                    n += 1
                    sold_at = datetime.combine(date(2026, 11, day), time(8 + i), tzinfo=CARACAS)
                    await tickets.create_ticket(
                        session, serial=f"M-{n:05d}", reference=f"month-{n}", pin_hash="x",
                        provider="house", buyer_id=SELLER, seller_id=SELLER, total=1_000,
                        currency="VES", created_at=sold_at,
                        wagers=[NewWager(lot, draw_ids[lot], "triple", "123", None, 1_000)],
                        status=TicketStatus.SOLD)
        texts, chart = await _texts_then_photo(run, ADMIN, "/ventas @luis mes")
        assert len(texts) >= 2
        assert "Ventas de Luis (@luis)" in texts[0].content
        assert "Totales" in texts[-1].content
        joined = "\n".join(m.content for m in texts)
        assert f"Ventas: Bs. {23 * len(lotteries) * 10:,}".replace(",", ".") + ",00" in joined
        days = [joined.index(f", {d} nov.") for d in range(1, 24)]
        assert days == sorted(days)  # every day, in order, across the messages
        assert TODAY - timedelta(days=22) == date(2026, 11, 1)
        assert "1\u2009–\u200923 de nov. de 2026" in chart.content
