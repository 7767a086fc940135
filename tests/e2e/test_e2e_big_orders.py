"""Big orders (issue 18, item 5): a seller's order of hundreds of plays does not flood the chat;
through the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

from storage.models import UserRole
from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

SELLER = 6001
THREE_HUNDRED = "zulia 12:45\n" + "\n".join(f"{n:03d} x1" for n in range(300))
NINE_HUNDRED = "zulia 12:45\n" + " ".join(f"{n:03d}" for n in range(900)) + " x1"


async def test_a_300_line_order_previews_in_at_most_3_messages_with_its_errors_grouped(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        await run.say(SELLER, THREE_HUNDRED)
        shown = tg.messages(SELLER)
        assert len(shown) <= 3
        text = "\n".join(m.content for m in shown)
        # the limit said once, for the 200 lines past it, as a range of lines
        assert text.count("como máximo 100 jugadas") == 1
        assert "200 líneas (102–301)" in text
        assert await run.statuses() == []  # a preview books nothing


async def test_900_numbers_on_one_line_preview_in_at_most_3_messages(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        await run.say(SELLER, NINE_HUNDRED)
        shown = tg.messages(SELLER)
        assert len(shown) <= 3
        text = "\n".join(m.content for m in shown)
        assert text.count("como máximo 100 jugadas") == 1
        assert "800 jugadas (línea 2)" in text


async def test_read_errors_of_many_lines_are_said_once(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=1_000_000, role=UserRole.SELLER)
        lines = "\n".join(["123 x1"] + ["123 x0"] * 250)
        await run.say(SELLER, "zulia 12:45\n" + lines)
        shown = tg.messages(SELLER)
        text = "\n".join(m.content for m in shown)
        assert len(shown) == 1
        assert "250 líneas (3–252)" in text
