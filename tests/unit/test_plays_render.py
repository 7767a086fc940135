"""Wagers back to plays text: canonical, short, and parsing back to the same wagers."""

from __future__ import annotations

from collections import Counter

import pytest

from lottery.render import amount_text, render_wager, render_wagers
from tests.unit.plays_helpers import NOW_VE, catalog, parse

MORNING = "2026-11-23T09:30:00-04:00"
EVENING = "2026-11-23T19:30:00-04:00"


def round_trip(text: str, market: str = "ve", now: str = MORNING) -> str:
    first = parse(text, market, now)
    assert first.wagers and not first.errors, first.errors
    rendered = render_wagers(first.wagers, catalog(market), now=parse_now(now))
    again = parse(rendered, market, now)
    assert not again.errors, (rendered, again.errors)
    assert Counter(w.key for w in again.wagers) == Counter(w.key for w in first.wagers), rendered
    return rendered


def parse_now(now: str):
    from datetime import datetime

    return datetime.fromisoformat(now)


def test_header_then_one_line_per_amount() -> None:
    assert round_trip("123 456 x5 789 x10 zulia 12:45") == "zulia 12:45\n123 456 x5\n789 x10"


def test_signs_permutations_series_and_pairs_are_written_short() -> None:
    text = round_trip("123-ari tau 45 esc 000-999 p123 100 al 109 x2 chance 4:30pm")
    assert text.splitlines()[0] == "chance 16:30"
    assert "123-ARI TAU" in text and "45-ESC" in text and "000-999" in text
    assert "p123" in text and "100 al 109" in text


def test_all_twelve_signs_and_duplicates() -> None:
    assert "123 zodiaco" in round_trip("123 todos los signos x1 zulia")
    assert round_trip("cebra 31 31 x1000 activo 11am") == "activo 11:00am\n23 31 31 x1000"


def test_tripletas_go_last_so_no_number_reads_as_a_fourth_animal() -> None:
    assert round_trip("tripleta 5 10 20 x5\n30 x5\nactivo 10am") == (
        "activo 10:00am\n30 tripleta 5 10 20 x5")


def test_reventado_and_tiempos() -> None:
    assert round_trip("25 77 x1000 r500 07 x100 tica 12:55", "cr", "2026-11-23T11:00:00-06:00") == (
        "tica 12:55\n25 77 x1000 r500\n07 x100")


def test_lotteries_and_draws_with_the_same_plays_share_a_header() -> None:
    assert round_trip("123 x5 zulia 12:45 4:45") == "zulia 12:45 16:45\n123 x5"
    assert round_trip("5 x1 granjita activo 10am") == "granjita activo 10:00am\n5 x1"


def test_a_later_day_next_draw_is_written_without_a_time() -> None:
    # at 19:30 the next Zulia draw is tomorrow's 12:45: a time would name today's (closed) one
    assert round_trip("123 x5 zulia", now=EVENING) == "zulia\n123 x5"


def test_amounts_are_written_back_exactly() -> None:
    from decimal import Decimal

    assert [amount_text(Decimal(a)) for a in ("5.00", "2.50", "1000.00", "0.50", "1234.56")] == [
        "5", "2.5", "1000", "0.5", "1234.56"]
    assert "x1000.5" in round_trip("123 x1.000,50 zulia")


@pytest.mark.parametrize(("text", "shown"), [
    ("123-ari x1 zulia", "123-ARI"), ("000-999 x1 chance", "000-999"), ("123 x1 zulia", "123"),
    ("tripleta 5 10 20 x1 activo", "tripleta 5 10 20"), ("ciempies x1 activo", "3 (ciempiés)"),
])
def test_render_wager_for_a_preview_line(text: str, shown: str) -> None:
    market = "ve"
    wager = parse(text, market).wagers[0]
    assert render_wager(wager, catalog(market)) == shown


def test_render_wager_without_a_catalog_is_just_the_number() -> None:
    wager = parse("leon x1 activo").wagers[0]
    assert render_wager(wager) == "5"


def test_multi_line_message_round_trips() -> None:
    round_trip("zulia 12:45\n123 x5\n456 x2\nzamorano 2pm\n78-cap 89 x1\nlotto 10am\n"
               "tripleta leon tigre gato x10\n0 00 36 x1")
    assert NOW_VE.hour == 9


@pytest.mark.parametrize(("text", "header"), [
    ("123 x5 zulia mañana 4:45", "zulia mañana 16:45"),
    ("123 x5 zulia pasado mañana 7pm", "zulia pasado mañana 19:05"),
    ("leon x5 activo sábado 6pm", "activo sábado 18:00"),
])
def test_a_later_day_s_draw_is_written_with_its_day(text: str, header: str) -> None:
    # written without its day, "zulia 16:45" would read as today's draw: Corregir must not
    # move a play to another day
    assert round_trip(text).splitlines()[0] == header


def test_the_same_plays_today_and_tomorrow_get_a_header_each() -> None:
    rendered = round_trip("123 x5 zulia 4:45\n123 x5 zulia mañana 4:45")
    assert rendered.splitlines()[0::2] == ["zulia 16:45", "zulia mañana 16:45"]
