"""Buttons nobody's keyboard sent (forged, truncated, an id no database can hold, an unknown
prefix): each press is answered "this button is no longer valid", never with an apology, and
never left spinning."""

from __future__ import annotations

from storage.models import TicketStatus
from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5301
NOT_VALID = "Este botón ya no es válido."
APOLOGY = "Algo falló de nuestro lado"
HUGE = "9" * 26  # beyond a 64-bit integer

FORGED = [
    "tk:o:abc",
    "tk:l:1e3",
    f"tk:o:{HUGE}",
    f"tk:x:{HUGE}",  # cancel
    f"tk:r:{2**63}",  # one past the largest BIGINT
    "tk:p:-5",
    "tk:l:-10",
    "tk:o:",
    "tk:o:1:2",
    "zz:unknown",
    "lang:fr",
    "bc:launch",
    "sub:no-such-lottery",
    "jp:bet:1:x",
    f"jp:bet:{HUGE}:1",
    "jp:lines:0",
    "sale:zz",  # the sale's prefix, none of its buttons
    "sale:ok:",  # a sale's button without its preview's reference
    "sale:fix:a:b",
    "sale:no:bad!ref",
    "sale:ok:" + "a" * 41,  # longer than any reference
]


async def _answer(tg: FakeTelegram, update_id: int) -> str | None:
    """The text the bot answered the press with; "<unanswered>" when it never answers it."""
    try:
        query = await tg.wait_for(
            lambda: (q := tg.callback_query(update_id)) and q.answered and q, timeout=3)
    except TimeoutError:
        return "<unanswered>"
    return query.text




async def test_forged_buttons_are_each_answered_as_no_longer_valid(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=100_000)
        await run.buy(PLAYER, "123 x5 zulia 12:45")
        listing = await run.say(PLAYER, "/tickets")
        answers = {}
        for data in FORGED:
            answers[data] = await _answer(tg, tg.press_button(PLAYER, listing, data, strict=False))
        assert answers == dict.fromkeys(FORGED, NOT_VALID)
        # the real buttons still work, and nothing above made the bot apologise
        [button] = [b for b in listing.button_texts if b.startswith("🎟")]
        opened = await run.press(PLAYER, listing, button)
        assert "Triple Zulia" in opened.content
        assert [m.content for m in tg.messages(PLAYER) if APOLOGY in m.content] == []
        assert await run.statuses() == [TicketStatus.SOLD]


async def test_a_preview_keeps_the_buttons_it_was_sent_with(tg: FakeTelegram, db_url: str) -> None:
    """The sale's buttons carry the strings they always did (``sale:ok:REF``…): a preview sent
    before an upgrade is still confirmed by its button."""
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=100_000)
        preview = await run.say(PLAYER, "123 x5 zulia 12:45")
        data = [b.callback_data or "" for row in preview.buttons for b in row]
        reference = data[0].removeprefix("sale:ok:")
        assert len(reference) == 16 and int(reference, 16) >= 0
        assert data == [f"sale:ok:{reference}", f"sale:fix:{reference}", f"sale:no:{reference}"]
        tg.press_button(PLAYER, preview, f"sale:ok:{reference}")
        ticket = await tg.next_message(PLAYER)
        assert "Triple Zulia" in ticket.content
        assert await run.statuses() == [TicketStatus.SOLD]
