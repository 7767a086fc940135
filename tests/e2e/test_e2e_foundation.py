"""The bot's foundation as a Telegram user sees it: greeting, help, language, menus, duplicates."""

from __future__ import annotations

import logging

import pytest

from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5001
ADMIN = 9001


async def test_start_greets_a_new_player_in_spanish_and_explains_buying(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        reply = await run.say(PLAYER, "/start", first_name="Ana", language_code="es")
    assert "¡Hola, Ana!" in reply.content
    assert "saldo" in reply.content
    assert "zamorano" in reply.content  # an example play from the catalog in use


async def test_admin_ids_bootstrap_the_admin_role(tg: FakeTelegram, db_url: str) -> None:
    settings = make_settings(tg, db_url, admin_ids=str(ADMIN))
    async with running_bot(tg, settings) as run:
        admin = await run.say(ADMIN, "/start")
        player = await run.say(PLAYER, "/start")
    assert "administrador" in admin.content
    assert "administrador" not in player.content


async def test_an_english_telegram_user_is_answered_in_english(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        reply = await run.say(PLAYER, "/start", first_name="John", language_code="en-US")
    assert "Hello, John!" in reply.content


async def test_idioma_switches_language_and_it_is_remembered(tg: FakeTelegram, db_url: str) -> None:
    settings = make_settings(tg, db_url)
    async with running_bot(tg, settings) as run:
        menu = await run.say(PLAYER, "/idioma")
        assert menu.button_texts == ["Español", "English"]
        done = await run.press(PLAYER, menu, "English")
        assert "English" in done.content
        assert "Hello" in (await run.say(PLAYER, "/start")).content
    async with running_bot(tg, settings) as run:  # a restart keeps the choice
        assert "Hello" in (await run.say(PLAYER, "/start")).content
        back = await run.say(PLAYER, "/idioma es")
        assert "español" in back.content
        assert "¡Hola" in (await run.say(PLAYER, "/start")).content


async def test_help_shows_examples_for_the_catalog_in_use(tg: FakeTelegram, db_url: str) -> None:
    from lottery.catalog import bundled_catalog_path

    settings = make_settings(tg, db_url, catalog=bundled_catalog_path("cr"))
    async with running_bot(tg, settings) as run:
        reply = await run.say(PLAYER, "/help")
    assert "25 x1000 r500 tica" in reply.content
    assert "zamorano" not in reply.content


async def test_a_photo_or_a_voice_note_gets_told_to_write_the_plays(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        person = {"id": PLAYER, "is_bot": False, "first_name": "Ana", "language_code": "es"}
        chat = {"id": PLAYER, "type": "private", "first_name": "Ana"}
        photo = [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 120}]
        for n, body in enumerate(({"photo": photo, "caption": "la lista de hoy"},
                                  {"voice": {"file_id": "AwAD", "file_unique_id": "AQAE",
                                             "duration": 4}}), start=1):
            tg.inject_update({"message": {"message_id": 100 + n, "date": 1_795_000_000,
                                          "chat": chat, "from": person, **body}})
            reply = await tg.next_message(PLAYER)
            assert "Solo leo texto" in reply.content
            assert "123-ARI 5 zamorano 12pm" in reply.content  # an example from the catalog
        assert not await run.logged()  # nothing sold, nothing else done


async def test_commands_menu_is_set_in_both_languages(tg: FakeTelegram, db_url: str) -> None:
    from bot.commands import set_bot_commands

    async with running_bot(tg, make_settings(tg, db_url)) as run:
        assert await set_bot_commands(run.bot, "es", run.app.provider.capabilities)
    es = {c["command"]: c["description"] for c in tg.commands(language_code="es") or []}
    en = {c["command"]: c["description"] for c in tg.commands(language_code="en") or []}
    assert es["idioma"] == "Cambiar el idioma"
    assert en["idioma"] == "Change the language"
    assert tg.commands() == tg.commands(language_code="es")


async def test_a_failing_commands_menu_is_logged_and_the_bot_goes_on(
    tg: FakeTelegram, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.commands import set_bot_commands

    tg.fail_next("setMyCommands", status=500)
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        with caplog.at_level(logging.ERROR):
            assert not await set_bot_commands(run.bot, "es", run.app.provider.capabilities)
        assert "¡Hola" in (await run.say(PLAYER, "/start")).content
    assert "commands menu" in caplog.text


async def test_a_redelivered_update_is_answered_once(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)):
        update_id = tg.send_user_message(PLAYER, "/help")
        await tg.next_message(PLAYER)
        tg.redeliver(update_id)
        tg.send_user_message(PLAYER, "/start")
        await tg.next_message(PLAYER)  # /start's answer: the duplicate was consumed before it
        await tg.wait_for(lambda: tg.pending_updates == 0)
    texts = [m.content for m in tg.messages(PLAYER)]
    assert len(texts) == 2
    assert "¡Hola" in texts[1]


async def test_flooding_user_is_asked_to_slow_down_once(tg: FakeTelegram, db_url: str) -> None:
    settings = make_settings(tg, db_url, throttle_per_second=0.01)
    async with running_bot(tg, settings) as run:
        for _ in range(8):
            tg.send_user_message(PLAYER, "/help")
        await tg.wait_for(lambda: len(tg.messages(PLAYER)) >= 6)
        await run.say(PLAYER + 1, "/help")  # another user is served meanwhile
    texts = [m.content for m in tg.messages(PLAYER)]
    assert sum("rápido" in t for t in texts) == 1
    assert sum("Cómo escribir" in t for t in texts) == 5  # the burst allowance


async def test_sorteos_lists_what_the_sale_accepts_and_what_it_pays(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        assert "/sorteos" in (await run.say(PLAYER, "/help")).content
        morning = (await run.say(PLAYER, "/sorteos")).content  # Monday 9:30 in Caracas
        assert "Sorteos abiertos" in morning and "Triple Táchira" in morning
        assert "12:45 p. m. · 4:45 p. m. · 7:05 p. m." in morning.replace("\u202f", " ")
        run.clock.advance(hours=3, minutes=11)  # 12:41: the 12:45 draw closed at 12:40
        zulia = (await run.say(PLAYER, "/sorteos zulia")).content.replace("\u202f", " ")
        assert "12:45" not in zulia and "4:45 p. m. · 7:05 p. m." in zulia
        assert "Triple: ×600" in zulia
        await run.fund(PLAYER, balance=10_000)
        refused = await run.say(PLAYER, "123 x5 zulia 12:45pm")
        assert "cerró" in refused.content and not refused.buttons
