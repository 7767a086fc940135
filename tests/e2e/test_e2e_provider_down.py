"""A remote lottery system that stops answering (issue 20): the banca's alerts chat is told once,
after PROVIDER_DOWN_MINUTES, and once when it answers again; the outage's start is kept in the
database, so a restart carries on with it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from jobs.loop import run_shared_jobs_once
from tests.e2e.harness import FakeClock, RunningBot, make_settings, running_bot
from tests.fakes.providers import Fault
from tests.fakes.providers.soportex import SoportexSimulator
from tests.fakes.telegram import FakeTelegram

CARACAS = ZoneInfo("America/Caracas")
TOKEN = "sx-e2e-token-down"
ADMIN = 9101


def _alerts(tg: FakeTelegram) -> list[str]:
    return [m.content.replace("\u202f", " ") for m in tg.messages(ADMIN)
            if "sistema de lotería" in m.content]


async def _tick(run: RunningBot, minutes: float) -> None:
    """The draws job's tick ``minutes`` later, then a round trip so anything queued went out."""
    run.clock.advance(minutes=minutes)
    await run_shared_jobs_once(run.app)
    await run.say(ADMIN, "/alertas")


async def test_a_provider_down_is_alerted_once_after_the_threshold_and_back_once(
    tg: FakeTelegram, db_url: str
) -> None:
    clock = FakeClock(datetime(2026, 11, 23, 9, 30, tzinfo=CARACAS))
    async with SoportexSimulator(clock=clock, token=TOKEN) as sim:
        settings = make_settings(tg, db_url, provider="soportex", soportex_url=sim.base_url,
                                 soportex_token=TOKEN, admin_ids=str(ADMIN))
        async with running_bot(tg, settings, clock) as run:
            here = await run.say(ADMIN, "/alertas aqui")
            assert "🔔" in here.content, here.content
            await _tick(run, 1)  # answering: nothing
            assert _alerts(tg) == []

            sim.faults.set(Fault.ERROR_500, op="sorteos", times=1000)
            await _tick(run, 1)  # down from 9:32
            await _tick(run, 3)  # 3 minutes: not yet
            assert _alerts(tg) == []
        async with running_bot(tg, settings, clock) as run:  # a restart keeps "since"
            await _tick(run, 2)  # 5 minutes
            await tg.wait_for(lambda: len(_alerts(tg)) == 1)
            await _tick(run, 1)
            await _tick(run, 10)
            down = _alerts(tg)
            assert len(down) == 1, down
            assert "no responde desde" in down[0] and "9:32" in down[0], down

            sim.faults.clear()
            await _tick(run, 1)
            await tg.wait_for(lambda: len(_alerts(tg)) == 2)
            await _tick(run, 1)
            shown = _alerts(tg)
    assert len(shown) == 2, shown
    assert "vuelve a responder" in shown[1], shown
