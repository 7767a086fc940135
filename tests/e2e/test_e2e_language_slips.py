"""Language slips a person would notice in the chat (issue #18, item 11), on SQLite and
PostgreSQL."""

from __future__ import annotations

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
