"""/riesgo read with the banca's controls (issue 20): a suspended or early-closed draw says so,
and the numbers the banca blocked are marked, beside what they have sold."""

from __future__ import annotations

from storage.models import UserRole
from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

ADMIN, SELLER = 9201, 6301


async def test_risk_marks_blocked_numbers_and_suspended_or_closed_draws(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.say(ADMIN, "/start")
        await run.fund(SELLER, credit=10_000_000, role=UserRole.SELLER)
        await run.buy(SELLER, "zamorano 4pm 555 x5 556 x3")
        await run.buy(SELLER, "zamorano 7pm 123 x4")
        plain = (await run.say(ADMIN, "/riesgo zamorano")).content
        assert "🚫" not in plain and "⛔" not in plain and "🔒" not in plain, plain

        await run.say(ADMIN, "/quemar zamorano 555 4pm")
        await run.say(ADMIN, "/suspender zamorano 4pm lluvia")
        await run.say(ADMIN, "/cerrar zamorano 7pm")
        risk = (await run.say(ADMIN, "/riesgo zamorano")).content.replace("\u202f", " ")
        four, seven = risk.split("7:00 p. m.", 1)
        assert "⛔ suspendido: lluvia" in four and "🚫 Quemados: 555" in four, risk
        assert "556" in four and "Quemados: 555, 556" not in four, risk
        assert "🔒 cerrado antes de hora" in seven and "🚫" not in seven, risk
        summary = (await run.say(ADMIN, "/riesgo")).content
        assert "lluvia" in summary and "🚫 Quemados: 555" in summary, summary


async def test_a_line_with_no_draw_skips_a_suspended_or_early_closed_next_draw(
    tg: FakeTelegram, db_url: str
) -> None:
    """9:30 in Caracas: Zamorano's next draw is 10 am; suspended, a line with no time falls on
    the next one (it is not refused), and named, the 10 am is refused with the reason. Each
    message from its own seller (a seller's messages add up on one open ticket)."""
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.say(ADMIN, "/start")
        sellers = [SELLER + k for k in range(4)]
        for seller in sellers:
            await run.fund(seller, credit=10_000_000, role=UserRole.SELLER)
        first = (await run.say(sellers[0], "zamorano 555 x5")).content.replace("\u202f", " ")
        assert "10:00 a. m." in first, first
        await run.say(ADMIN, "/suspender zamorano 10am lluvia")
        skipped = await run.say(sellers[1], "zamorano 555 x5")
        text = skipped.content.replace("\u202f", " ")
        assert "✅ Confirmar" in skipped.button_texts, text
        assert "10:00 a. m." not in text and "lluvia" not in text, text
        named = await run.say(sellers[2], "zamorano 10am 555 x5")
        assert "lluvia" in named.content and "✅ Confirmar" not in named.button_texts
        await run.say(ADMIN, "/reabrir zamorano 10am")
        await run.say(ADMIN, "/cerrar zamorano 10am")
        closed = await run.say(sellers[3], "zamorano 555 x5")
        assert "✅ Confirmar" in closed.button_texts, closed.content
        assert "10:00 a. m." not in closed.content.replace("\u202f", " "), closed.content
