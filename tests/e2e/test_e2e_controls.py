"""The banca's controls from the chat (issue 20): every layer is checked at the preview and
again at confirm, and an admin's change is in force at once."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Ticket, TicketStatus, UserRole
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

ADMIN = 9001
SELLER = 6201
PLAYER = 5201
CONTROL_COMMANDS = ("/tope zamorano 555 20", "/quemar zamorano 555", "/liberar zamorano 555",
                    f"/limite {SELLER} ticket 50", "/limites", "/pago zamorano triple 500",
                    "/suspender zamorano lluvia", "/cerrar zamorano 4pm", "/reabrir zamorano",
                    "/cierre zamorano 10", "/alertas aqui", "/juego zamorano terminal no")


async def _start(run: RunningBot) -> None:
    await run.say(ADMIN, "/start")
    await run.fund(SELLER, credit=10_000_000, role=UserRole.SELLER)
    await run.fund(PLAYER, balance=10_000_000)


async def test_a_number_blocked_between_preview_and_confirm_is_not_sold(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await _start(run)
        preview = await run.say(SELLER, "zamorano 4pm 555 x5")
        assert "✅ Confirmar" in preview.button_texts
        burnt = await run.say(ADMIN, "/quemar zamorano 555")
        assert "Quemado" in burnt.content and "555" in burnt.content
        assert "hasta liberarlo" in burnt.content

        refused = await run.press(SELLER, preview, "✅ Confirmar")
        assert "No se vendió nada" in refused.content
        assert "quemó ese número" in refused.content
        again = await run.say(SELLER, "zamorano 4pm 555 x5")
        assert "quemado" in again.content and "✅ Confirmar" not in again.button_texts
        other = await run.say(SELLER, "zamorano 4pm 556 x5")  # only 555 is blocked
        assert "✅ Confirmar" in other.button_texts

        freed = await run.say(ADMIN, "/liberar zamorano 555")
        assert "Liberado" in freed.content
        await run.buy(SELLER, "zamorano 4pm 555 x5")
        assert await run.statuses() == [TicketStatus.SOLD]
        assert await run.logged(action="CONTROL_SET") == ["CONTROL_SET"]
        assert await run.logged(action="CONTROL_END") == ["CONTROL_END"]


async def test_a_tope_lowered_between_preview_and_confirm(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await _start(run)
        preview = await run.say(PLAYER, "zamorano 4pm 555 x50")  # the catalog's tope: 100
        lowered = await run.say(ADMIN, "/tope zamorano 555 20")
        assert "Tope Bs. 20,00 por número" in lowered.content
        refused = await run.press(PLAYER, preview, "✅ Confirmar")
        assert "No se vendió nada" in refused.content
        assert "tope por número" in refused.content and "Bs. 20,00" in refused.content
        assert await run.balance(PLAYER) == 10_000_000
        listed = await run.say(ADMIN, "/limites zamorano")
        assert "Tope Bs. 20,00 por número" in listed.content and "número 555" in listed.content


async def test_a_seller_limit_per_ticket_and_per_number(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await _start(run)
        set_ = await run.say(ADMIN, f"/limite {SELLER} numero 10")
        assert "máximo Bs. 10,00 por número" in set_.content
        await run.buy(SELLER, "zamorano 4pm 555 x5")
        preview = await run.say(SELLER, "zamorano 4pm 555 x5")  # 5 + 5: fits
        assert "✅ Confirmar" in preview.button_texts
        await run.say(ADMIN, f"/limite {SELLER} numero 8")
        refused = await run.press(SELLER, preview, "✅ Confirmar")
        assert "No se vendió nada" in refused.content
        assert "te quedan 3" in refused.content
        over = await run.say(SELLER, "zamorano 4pm 555 x6")
        assert "te quedan 3" in over.content
        assert "✅ Confirmar" in (await run.say(PLAYER, "zamorano 4pm 555 x6")).button_texts
        listed = await run.say(ADMIN, f"/limite {SELLER} ticket 8")
        assert "ticket máximo Bs. 8,00" in listed.content
        assert "Bs. 8,00 por número" in listed.content
        big = await run.say(SELLER, "zamorano 4pm 111 x5 222 x5")
        assert "Tu ticket máximo es 8; con «222» este llega a 10" in big.content, big.content
        assert "✅ Confirmar" in big.button_texts, big.content


async def test_a_suspended_draw_tells_buyers_why(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await _start(run)
        done = await run.say(ADMIN, "/suspender zamorano 4pm falla eléctrica")
        assert "Suspendida" in done.content and "falla eléctrica" in done.content
        refused = await run.say(PLAYER, "zamorano 4pm 555 x5")
        assert "suspendida por la banca: falla eléctrica" in refused.content
        assert "✅ Confirmar" in (await run.say(PLAYER, "zamorano 7pm 555 x5")).button_texts
        listed = await run.say(PLAYER, "/sorteos zamorano")
        assert "4:00 p. m. suspendido: falla eléctrica" in listed.content.replace("\u202f", " ")
        assert "4:00 p. m. ·" not in listed.content.replace("\u202f", " ")  # not listed as open
        await run.say(ADMIN, "/reabrir zamorano 4pm")
        await run.buy(PLAYER, "zamorano 4pm 555 x5")
        assert await run.statuses() == [TicketStatus.SOLD]


async def test_an_early_close_and_the_closing_minutes(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await _start(run)
        preview = await run.say(PLAYER, "zamorano 4pm 555 x5")
        await run.say(ADMIN, "/cerrar zamorano 4pm")
        refused = await run.press(PLAYER, preview, "✅ Confirmar")
        assert "No se vendió nada" in refused.content
        assert "cerrado" in refused.content
        await run.say(ADMIN, "/reabrir zamorano 4pm")
        run.clock.now = run.clock.now.replace(hour=19, minute=52)  # 15:52 in Caracas
        assert "✅ Confirmar" in (await run.say(PLAYER, "zamorano 4pm 555 x5")).button_texts
        minutes = await run.say(ADMIN, "/cierre zamorano 10")
        assert "10 min antes" in minutes.content
        late = await run.say(PLAYER, "zamorano 4pm 555 x5")
        assert "✅ Confirmar" not in late.button_texts


async def test_a_payout_change_leaves_an_earlier_ticket_prize(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await _start(run)
        await run.buy(PLAYER, "zamorano 12pm 123 x1")  # triple pays 600
        changed = await run.say(ADMIN, "/pago zamorano triple 500")
        assert "Paga ×500" in changed.content
        await run.buy(PLAYER, "zamorano 12pm 123 x1")
        off = await run.say(ADMIN, "/juego zamorano terminal no")
        assert "No se vende · Triple Zamorano · Terminal" in off.content, off.content
        refused = await run.say(PLAYER, "zamorano 12pm 23 x1")
        assert "✅ Confirmar" not in refused.button_texts
        await run.say(ADMIN, "/juego zamorano terminal si")
        assert "✅ Confirmar" in (await run.say(PLAYER, "zamorano 12pm 23 x1")).button_texts
        risk = await run.say(ADMIN, "/riesgo zamorano")
        assert "Bs. 1.100,00" in risk.content, risk.content  # 600 + 500: each at its own payout
        run.clock.advance(hours=4)
        answer = await run.say(ADMIN, "/resultado zamorano 12pm 123 ARI")
        assert "✅" in answer.content, answer.content
        async with run.app.sessionmaker() as session:
            prizes = list((await session.execute(
                select(Ticket.prize).order_by(Ticket.id))).scalars())
    assert prizes == [60_000, 50_000]


async def test_a_seller_trying_each_control_is_refused(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await _start(run)
        for command in CONTROL_COMMANDS:
            answer = await run.say(SELLER, command)
            assert "solo para los administradores" in answer.content, command
        assert await run.logged(action="CONTROL_SET") == []
        assert "✅ Confirmar" in (await run.say(SELLER, "zamorano 4pm 555 x5")).button_texts


async def test_alerts_reach_the_banca_chat_once(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await _start(run)
        here = await run.say(ADMIN, "/alertas aqui")
        assert f"Las alertas van al chat {ADMIN}" in here.content
        await run.say(ADMIN, "/alertas ticket 50")
        shown = await run.say(ADMIN, "/alertas riesgo 50")
        assert "Alerta: un ticket de más de Bs. 50,00" in shown.content
        assert "50" in shown.content and "peor caso" in shown.content

        await run.buy(PLAYER, "zamorano 4pm 555 x30")  # 30 % of the tope of 100: quiet
        await run.buy(PLAYER, "zamorano 4pm 555 x25 556 x30")  # 55 %, a ticket of 55
        first = await tg.next_message(ADMIN)
        second = await tg.next_message(ADMIN)
        texts = sorted([first.content, second.content])
        assert any("555" in t and "lleva vendido Bs. 55,00" in t and "tope de Bs. 100,00" in t
                   for t in texts), texts
        assert any("Bs. 55,00 (2 jugadas), por encima de la alerta de Bs. 50,00" in t
                   for t in texts), texts
        await run.buy(PLAYER, "zamorano 4pm 555 x5")  # 60 %: that number was alerted already
        await run.say(ADMIN, "/limites")  # a later answer: anything queued is out by now
        alerts = [m.content for m in tg.messages(ADMIN)
                  if m.content.startswith("🔔") and "Vigente" not in m.content]
        assert len(alerts) == 2, alerts


async def test_a_corrected_result_is_alerted_once_per_draw(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await _start(run)
        await run.say(ADMIN, "/alertas aqui")
        await run.buy(PLAYER, "zamorano 10am 123 x1")
        run.clock.advance(hours=1)  # 10:30 in Caracas
        await run.say(ADMIN, "/resultado zamorano 10am 123 ARI")
        await run.say(ADMIN, "/resultado zamorano 10am 124 ARI")
        alert = await tg.next_message(ADMIN)
        assert "Se corrigió el resultado de Triple Zamorano" in alert.content
        assert "123 Aries → 124 Aries" in alert.content
        await run.say(ADMIN, "/resultado zamorano 10am 125 ARI")  # a second correction
        await run.say(ADMIN, "/limites")
        corrected = [m for m in tg.messages(ADMIN) if "Se corrigió" in m.content]
        assert len(corrected) == 1


async def test_a_cancel_in_the_last_minute_is_alerted(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await _start(run)
        await run.say(ADMIN, "/alertas aqui")
        run.clock.now = run.clock.now.replace(hour=13, minute=53)  # 9:53; 10 am closes 9:55
        await run.buy(PLAYER, "zamorano 10am 123 x1")
        await run.buy(PLAYER, "zamorano 10am 124 x1")
        first = await run.last_ticket(PLAYER)
        asked = await run.press(PLAYER, first, "🗑 Anular")
        await run.press(PLAYER, asked, "✅ Sí, anular")  # 9:53: two minutes before: quiet
        await run.buy(PLAYER, "zamorano 10am 125 x1")
        run.clock.advance(seconds=70)  # 9:54:10, in the last minute
        late = await run.last_ticket(PLAYER)
        asked = await run.press(PLAYER, late, "🗑 Anular")
        await run.press(PLAYER, asked, "✅ Sí, anular")
        alert = await tg.next_message(ADMIN)
        assert "se anuló a las 9:54" in alert.content and "en el último minuto" in alert.content
        await run.say(ADMIN, "/limites")
        assert len([m for m in tg.messages(ADMIN) if "se anuló" in m.content]) == 1


async def test_money_waiting_for_the_banca_is_alerted_once(tg: FakeTelegram, db_url: str) -> None:
    """A top-up request and a withdrawal each reach the banca's alerts chat, once."""
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await _start(run)
        await run.say(ADMIN, "/alertas aqui")
        await run.say(PLAYER, "/reportar pagomovil 500 012345")
        await run.say(PLAYER, "/retiro 300 pago móvil 0414-1234567")

        def alerts() -> list[str]:
            return [m.content for m in tg.messages(ADMIN) if m.content.startswith("🔔")
                    and "espera" in m.content]

        await tg.wait_for(lambda: len(alerts()) == 2)
        await run.say(ADMIN, "/limites")  # the queue had its chance to send anything more
        shown = alerts()
    assert len(shown) == 2, shown
    assert "Una recarga de Bs. 500,00 de Ana (5201)" in shown[0], shown
    assert "Un retiro de Bs. 300,00 de Ana (5201) espera su pago" in shown[1], shown
