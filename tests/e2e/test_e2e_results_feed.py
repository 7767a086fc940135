"""Provider mode end to end: the bot sells through soportex (its simulator), the results feed
fetches a draw's result after its time, and a subscriber gets it once, with the day's image."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from jobs.results_feed import run_results_feed_once
from tests.e2e.harness import FakeClock, make_settings, running_bot
from tests.fakes.providers import Fault
from tests.fakes.providers.soportex import SoportexSimulator
from tests.fakes.telegram import FakeTelegram

CARACAS = ZoneInfo("America/Caracas")
TOKEN = "sx-e2e-token-61c0"
PLAYER, OTHER = 5101, 5102


def _results(tg: FakeTelegram, chat: int) -> list[str]:
    return [m.content.replace("\u202f", " ") for m in tg.messages(chat) if "🎯" in m.content]


async def test_a_subscriber_gets_the_fetched_result_once_with_the_days_image(
    tg: FakeTelegram, db_url: str
) -> None:
    clock = FakeClock(datetime(2026, 11, 23, 9, 30, tzinfo=CARACAS))  # a Monday morning
    async with SoportexSimulator(clock=clock, token=TOKEN) as sim:
        settings = make_settings(tg, db_url, provider="soportex", soportex_url=sim.base_url,
                                 soportex_token=TOKEN)
        async with running_bot(tg, settings, clock) as run:
            assert "🔔" in (await run.say(PLAYER, "/suscribir zulia")).content
            await run.say(OTHER, "/start")

            day = clock.now.date()
            sim.set_result(sim.code("Z", "12:45", "A"), "123", day)  # known before the draw
            sim.set_result(sim.code("Z", "12:45", "C"), "123-ACU", day)
            await run_results_feed_once(run.app)
            await run.say(PLAYER, "/suscribir")  # a round trip: anything queued had its turn
            assert _results(tg, PLAYER) == []

            clock.now = datetime(2026, 11, 23, 12, 48, tzinfo=CARACAS)
            await run_results_feed_once(run.app)
            await tg.wait_for(lambda: _results(tg, PLAYER))
            [photo] = [p for p in tg.photos(PLAYER) if "🎯" in p.content]
            assert photo.file_bytes is not None and photo.file_bytes.startswith(b"\x89PNG")

            clock.advance(minutes=1)
            await run_results_feed_once(run.app)  # the next tick finds it stored
            shown = await run.say(PLAYER, "/resultados zulia")
            assert "123 Acuario" in shown.content
            assert _results(tg, PLAYER) == ["🎯 Triple Zulia 12:45 p. m.: 123 Acuario"]
            assert _results(tg, OTHER) == []

            # The lottery system stops answering: /resultados says so and shows what it has.
            sim.faults.set(Fault.ERROR_500, op="resultados", times=3)
            stale = await run.say(OTHER, "/resultados zulia")
            assert "no responde" in stale.content and "123 Acuario" in stale.content
