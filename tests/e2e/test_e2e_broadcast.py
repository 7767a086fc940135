"""Subscriptions, results pushed to subscribers and admin broadcasts, through the queue."""

from __future__ import annotations

from storage.models import UserRole
from storage.repositories import users as users_repo
from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5001
OTHER = 5002
ADMIN = 9001


async def test_subscribers_get_each_result_once_and_winners_their_prize(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        async with run.app.sessionmaker() as session, session.begin():
            await users_repo.ensure_user(session, PLAYER, currency="VES", role=UserRole.PLAYER)
            await users_repo.credit_balance(session, PLAYER, 10_000, "VES")
        assert "🔔" in (await run.say(PLAYER, "/suscribir zulia")).content
        await run.say(OTHER, "/start")
        await run.say(ADMIN, "/start")
        await run.buy(PLAYER, "123 x5 zulia 12:45")
        run.clock.advance(hours=4)
        await run.say(ADMIN, "/resultado zulia 12:45 123 ACU")
        await run.say(ADMIN, "/resultado zulia 12:45 123 ACU")  # entered twice: sent once
        await tg.wait_for(lambda: sum("🎯" in m.content for m in tg.messages(PLAYER)) >= 1
                          and any("ganó" in m.content for m in tg.messages(PLAYER)))
        await run.say(PLAYER, "/saldo")  # the queue had time to send anything more
        results = [m.content.replace("\u202f", " ") for m in tg.messages(PLAYER)
                   if "🎯" in m.content]
        assert results == ["🎯 Triple Zulia 12:45 p. m.: 123 Acuario"]
        [photo] = [p for p in tg.photos(PLAYER) if "🎯" in p.content]  # with the day's results
        assert photo.file_bytes is not None and photo.file_bytes.startswith(b"\x89PNG")
        assert not any("🎯" in m.content for m in tg.messages(OTHER))
        tg.send_user_message(PLAYER, "/desuscribir zulia")
        await tg.wait_for(lambda: any("🔕" in m.content for m in tg.messages(PLAYER)))


async def test_admin_broadcast_shows_the_audience_and_sends_after_confirmation(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.say(PLAYER, "/suscribir zulia")
        await run.say(OTHER, "/start")
        await run.say(ADMIN, "/start")
        refused = await run.say(PLAYER, "/difundir hola")
        assert "solo para" in refused.content
        ask = await run.say(ADMIN, "/difundir @zulia Sorteo especial <hoy>")
        assert "a 1 suscriptor de Triple Zulia" in ask.content
        await run.press(ADMIN, ask, "📣 Enviar")  # the progress message
        message = await tg.next_message(PLAYER)
        assert message.content == "Sorteo especial <hoy>"
        everyone = await run.say(ADMIN, "/difundir Feliz día")
        assert "3 usuarios activos" in everyone.content
        await run.press(ADMIN, everyone, "✖️ Cancelar")
        await run.say(OTHER, "/saldo")
        assert not any("Feliz" in m.content for m in tg.messages(OTHER))


async def test_results_offer_subscribe_buttons_that_toggle(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        shown = await run.say(PLAYER, "/resultados zulia")
        assert shown.button_texts == ["🔔 Triple Zulia"]
        tg.press_button(PLAYER, shown, text="🔔 Triple Zulia")
        await tg.wait_for(lambda: tg.messages(PLAYER)[-1].button_texts == ["🔕 Triple Zulia"])
        listing = await run.say(PLAYER, "/suscribir")
        assert "Triple Zulia" in listing.content
        everything = await run.say(PLAYER, "/resultados")
        assert len(everything.button_texts) == len(run.app.catalog.lotteries)


async def test_a_paid_broadcast_is_sent_with_allow_paid_broadcast(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.say(PLAYER, "/start")
        await run.say(ADMIN, "/start")
        ask = await run.say(ADMIN, "/difundir Gran sorteo")
        paid = next(t for t in ask.button_texts if t.startswith("⚡"))
        await run.press(ADMIN, ask, paid)
        await tg.wait_for(lambda: any(m.content == "Gran sorteo" for m in tg.messages(PLAYER)))
        sends = [c for c in tg.calls_to("sendMessage") if c.params.get("text") == "Gran sorteo"]
        assert sends and all(str(c.params.get("allow_paid_broadcast")).lower() == "true"
                             for c in sends)
