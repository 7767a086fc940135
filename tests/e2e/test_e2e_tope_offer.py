"""A play above the tope per number: the real reason, and one button to sell what fits
(issue 18, item 6)."""

from __future__ import annotations

from storage.models import TicketStatus, UserRole
from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

SELLER = 6101


async def test_over_the_tope_says_so_and_sells_what_is_available(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        preview = await run.say(SELLER, "zamorano 4pm 555 x200")
        assert "agotado" not in preview.content.lower()
        assert "tope por número" in preview.content
        assert "Bs. 100,00" in preview.content
        assert "quedan" not in preview.content  # nothing was sold: no "left", just the tope
        assert "✅ Confirmar" not in preview.button_texts
        offer = next(t for t in preview.button_texts if "disponible" in t)
        assert "Bs. 100,00" in offer

        ticket = await run.press(SELLER, preview, offer)
        assert "555" in ticket.content and "Bs. 100,00" in ticket.content
        assert await run.statuses() == [TicketStatus.SOLD]

        # now the number is sold out: that is what it says, and there is nothing to offer
        again = await run.say(SELLER, "zamorano 4pm 555 x5")
        assert "agotado" in again.content.lower()
        assert not any("disponible" in t for t in again.button_texts)
