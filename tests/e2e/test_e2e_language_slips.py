"""Language slips a person would notice in the chat (issue #18, item 11), on SQLite and
PostgreSQL."""

from __future__ import annotations

from storage.models import UserRole
from storage.repositories import users as users_repo
from tests.e2e.harness import make_settings, running_bot
from tests.e2e.test_e2e_payments import PLAYER, _buy, _draw_result
from tests.fakes.telegram import FakeTelegram


def _spaced(text: str) -> str:
    """Babel writes «p. m.» with narrow no-break spaces; a reader sees spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


async def test_a_sentence_ending_in_p_m_ends_with_one_period(
    tg: FakeTelegram, db_url: str
) -> None:
    """Spanish writes «12:50 p. m.», whose period also ends the sentence: never «p. m..»."""
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        serial, pin = await _buy(run, PLAYER)
        await _draw_result(run)
        await run.say(PLAYER, f"/pagar {serial} {pin}")
        again = _spaced((await run.say(PLAYER, f"/pagar {serial} {pin}")).content)
        assert again.endswith("ya fue pagado el lun, 23 nov. 2026, 12:50 p. m.")
        checked = _spaced((await run.say(PLAYER, f"/premio {serial}")).content)
        assert "Pagado el lun, 23 nov. 2026, 12:50 p. m.\n" in checked + "\n"
        assert "m.." not in checked


async def test_an_announcement_to_one_subscriber_says_so_in_the_singular(
    tg: FakeTelegram, db_url: str
) -> None:
    """«¿Enviar esto a 1 suscriptor de…?», never «a los 1 suscriptores»."""
    admin, player = 9001, PLAYER
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(admin))) as run:
        await run.say(player, "/suscribir zulia")
        await run.say(admin, "/start")
        ask = await run.say(admin, "/difundir @zulia Sorteo especial")
        assert "¿Enviar esto a 1 suscriptor de Triple Zulia?" in ask.content
        everyone = await run.say(admin, "/difundir Feliz día")
        assert "¿Enviar esto a los 2 usuarios activos?" in everyone.content


async def test_each_subscriber_gets_the_result_in_their_own_language(
    tg: FakeTelegram, db_url: str
) -> None:
    """One broadcast per language: the English reader is not sent the Spanish text."""
    admin, english = 9001, 5003
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(admin))) as run:
        async with run.app.sessionmaker() as session, session.begin():
            await users_repo.ensure_user(session, english, currency="VES", locale="en",
                                         role=UserRole.PLAYER)
        await run.say(PLAYER, "/suscribir zulia")
        await run.say(english, "/suscribir zulia")
        await run.say(admin, "/start")
        run.clock.advance(hours=4)
        await run.say(admin, "/resultado zulia 12:45 123 ACU")
        await tg.wait_for(lambda: all(any("🎯" in m.content for m in tg.messages(chat))
                                      for chat in (PLAYER, english)))
        await run.say(english, "/saldo")  # the queue had time to send anything more
        spanish_texts = [_spaced(m.content) for m in tg.messages(PLAYER) if "🎯" in m.content]
        english_texts = [_spaced(m.content) for m in tg.messages(english) if "🎯" in m.content]
        assert spanish_texts == ["🎯 Triple Zulia 12:45 p. m.: 123 Acuario"]
        assert english_texts == ["🎯 Triple Zulia 12:45 PM: 123 Aquarius"]


async def test_costa_rica_help_writes_amounts_in_colones_not_bolivares(
    tg: FakeTelegram, db_url: str
) -> None:
    from lottery.catalog import bundled_catalog_path

    settings = make_settings(tg, db_url, catalog=bundled_catalog_path("cr"))
    async with running_bot(tg, settings) as run:
        reply = (await run.say(PLAYER, "/help")).content
    assert "El monto va después de las jugadas: x500, a 500, 500 colones." in reply
    assert "bs" not in reply


async def test_venezuela_help_still_writes_5bs(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        reply = (await run.say(PLAYER, "/help")).content
    assert "El monto va después de las jugadas: x5, a 5, 5bs." in reply


async def test_a_reprinted_ticket_says_reimpresion_on_the_picture(
    tg: FakeTelegram, db_url: str
) -> None:
    import io

    from PIL import Image

    from presentation.ticket_image import default_typeface
    from tests.unit.test_ticket_image_language import shows_line

    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        await run.buy(PLAYER, "123 x5 zulia 12:45")
        sold = [p for p in tg.photos(PLAYER) if p.file_bytes]
        await run.say(PLAYER, "/ultimo")
        photo = await tg.next_message(PLAYER)
        assert "Reimpresión" in photo.content and photo.file_bytes is not None
        face = default_typeface()
        assert shows_line(Image.open(io.BytesIO(photo.file_bytes)), "REIMPRESIÓN", face)
        assert sold and sold[0].file_bytes is not None  # the copy sent at the sale is no reprint
        assert not shows_line(Image.open(io.BytesIO(sold[0].file_bytes)), "REIMPRESIÓN", face)


async def test_costa_rica_admin_help_shows_its_own_lotteries_in_the_examples(
    tg: FakeTelegram, db_url: str
) -> None:
    from lottery.catalog import bundled_catalog_path

    admin = 9001
    settings = make_settings(tg, db_url, catalog=bundled_catalog_path("cr"),
                             admin_ids=str(admin))
    async with running_bot(tg, settings) as run:
        await run.say(admin, "/start")
        reply = _spaced((await run.say(admin, "/help")).content)
    assert "/resultado tica 12:55 25 carga un resultado" in reply
    assert "/riesgo tica muestra" in reply
    assert "/difundir @tica TEXTO" in reply
    assert "zulia" not in reply and "ACU" not in reply and "{" not in reply


async def test_venezuela_admin_help_keeps_its_examples(tg: FakeTelegram, db_url: str) -> None:
    admin = 9001
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(admin))) as run:
        await run.say(admin, "/start")
        reply = (await run.say(admin, "/help")).content
    assert "/resultado zulia 12:45 123 ACU carga un resultado" in reply
    assert "/riesgo zulia muestra" in reply and "/difundir @zulia TEXTO" in reply
