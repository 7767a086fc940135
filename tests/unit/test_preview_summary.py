"""A big order's preview in at most three messages (presentation.preview_summary), and its split
into tickets (services.order_split.pack)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.i18n import current_locale
from lottery.plays import PlayError, Wager
from presentation.preview_summary import Entry, grouped, number_ranges, ranges
from presentation.sale_text import render_preview
from presentation.telegram_text import split_text
from services.draft import SaleDraft
from services.order_split import pack
from services.sales import Preview
from storage.models import User, UserRole

VE = load_catalog(bundled_catalog_path("ve"))
DRAW = datetime(2026, 11, 23, 12, 45, tzinfo=ZoneInfo("America/Caracas"))
LATER = datetime(2026, 11, 23, 16, 45, tzinfo=ZoneInfo("America/Caracas"))


def bet(number: str, amount: str = "1", line: int = 0, draw: datetime = DRAW) -> Wager:
    return Wager("zulia", draw, "triple", number, None, Decimal(amount), line)


@pytest.fixture(autouse=True)
def _english() -> object:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


def test_ranges_read_as_runs() -> None:
    assert ranges([5, 1, 2, 3, 9, 8]) == "1–3, 5, 8–9"
    assert number_ranges(["000", "001", "002", "010", "7-ARI", "011"]) == "000–002, 010, 7-ARI, 011"
    long = number_ranges([f"{n:03d}" for n in range(0, 999, 2)], width=40)
    assert long.endswith("…") and len(long) < 60


def test_identical_reasons_are_said_once_with_their_lines() -> None:
    entries = [Entry(n, "too many", f"line {n}: too many") for n in range(101, 301)]
    entries.insert(0, Entry(7, "other", "line 7: other"))
    assert grouped(entries) == ["line 7: other", "200 lines (101–300): too many"]
    one_line = [Entry(2, "too many", "x")] * 800
    assert grouped(one_line) == ["800 plays (line 2): too many"]


def _user() -> User:
    return User(id=1, locale="es", role=UserRole.ADMIN, balance=0, credit_limit=0,
                credit_used=0, currency="VES")


def test_a_preview_of_any_size_takes_at_most_three_messages() -> None:
    """900 plays of many amounts on two draws, 400 read errors each its own: summed up."""
    wagers = tuple(bet(f"{n % 1000:03d}", str(1 + n % 7), n, DRAW if n < 450 else LATER)
                   for n in range(900))
    errors = tuple(PlayError(n, f"x{n}", "unknown_token", "I did not understand «{text}».",
                             {"text": f"x{n}"}) for n in range(1000, 1400))
    preview = Preview(SaleDraft("ref", wagers, "VES"), errors, (), None, None)
    text = render_preview(preview, VE, _user())
    assert len(split_text(text)) <= 3
    assert "000–449" not in text  # one line per game and amount, not per run of numbers
    assert "Triple · 65 × Bs. 1,00 = Bs. 65,00: 000, 007, 014" in text
    assert "<b>Total: Bs. 3.594,00</b> (900 plays)" in text
    assert "more lines" in text  # the errors past the budget are counted, not listed


def test_pack_keeps_the_order_and_one_numbers_plays_together() -> None:
    plays = [bet(f"{n:03d}", line=n) for n in range(250)]
    tickets = pack(plays, 100)
    assert [len(t) for t in tickets] == [100, 100, 50]
    assert tickets[0] == tuple(plays[:100])  # the preview's own plays stay its first ticket
    twice = [bet("555", line=0), *plays[:150], bet("555", line=999)]
    first, second = pack(twice, 100)
    assert [w.number for w in first].count("555") == 2
    assert len(first) == 100 and len(second) == 52
    assert first[0].line == 0 and first[-1].line == 999  # in the order written
    crowd = [bet("555", line=n) for n in range(230)]
    assert [len(t) for t in pack(crowd, 100)] == [100, 100, 30]
