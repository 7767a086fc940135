"""docs/plays.md: lottery names, typos, times, next open draw, todos, closed draws, days."""

from __future__ import annotations

import pytest

from tests.unit.plays_helpers import errors, parse, wagers

LATE = "2026-11-23T13:10:00-04:00"
SUNDAY = "2026-11-29T11:05:00-04:00"
EVENING = "2026-11-23T19:30:00-04:00"


@pytest.mark.parametrize(("text", "lottery"), [
    ("123 x5 zulia", "zulia"), ("123 x5 triple zulia", "zulia"), ("123 x5 tz", "zulia"),
    ("5 x5 lotto activo", "activo"), ("5 x5 lotto", "activo"), ("5 x5 la granjita", "granjita"),
    ("123 x5 TRIPLE TÁCHIRA", "tachira"),
])
def test_aliases(text: str, lottery: str) -> None:
    assert [w.lottery for w in parse(text).wagers] == [lottery]


@pytest.mark.parametrize("typo", ["zamorrano", "zamorao", "zauorano", "zamoarno", "caeracas",
                                  "carracas", "tachiaa", "tauchira"])
def test_one_typo_in_a_long_name_is_accepted(typo: str) -> None:
    assert len(parse(f"123 x5 {typo}").wagers) == 1


@pytest.mark.parametrize("word", ["zuli", "zul", "zamoranoo2", "zmrn", "tachiiraa"])
def test_more_than_one_typo_or_short_names_are_not_guessed(word: str) -> None:
    assert errors(f"123 x5 {word}") == [(1, "unknown_token")]


def test_a_near_miss_suggests_the_name() -> None:
    error = parse("123 x5 zuli").errors[0]
    assert "«zuli»" in error.message_in("en") and "«zulia»" in error.message_in("en")


def test_known_words_are_never_taken_for_typos() -> None:
    # "tigre" is an animal, so it is not read as a typo of any lottery
    assert errors("tigre x5 zulia") == [(1, "not_sold")]


@pytest.mark.parametrize(("spec", "hhmm"), [
    ("12:45", "12:45"), ("4:45", "16:45"), ("16:45", "16:45"), ("4:45pm", "16:45"),
    ("4:45 p.m.", "16:45"), ("a las 4pm", "16:45"), ("de las 7:05 pm", "19:05"),
    ("12m", "12:45"), ("12:45 Pm", "12:45"), ("7pm", "19:05"),
])
def test_times_on_zulia(spec: str, hhmm: str) -> None:
    assert [f"{w.draw:%H:%M}" for w in parse(f"123 x5 zulia {spec}").wagers] == [hhmm]


@pytest.mark.parametrize(("spec", "code"), [
    ("3pm", "no_such_draw"), ("7:05am", "no_such_draw"), ("12am", "no_such_draw"),
    ("25:00", "unknown_token"), ("13pm", "unknown_token"), ("4m", "unknown_token"),
])
def test_times_that_name_no_draw(spec: str, code: str) -> None:
    assert errors(f"123 x5 zulia {spec}") == [(1, code)]


def test_a_bare_number_is_never_a_time() -> None:
    assert errors("zulia a las 7 123 x5") == [(1, "unknown_token")]


def test_an_hour_alone_selects_the_draw_in_that_hour() -> None:
    assert sorted(f"{w.lottery} {w.draw:%H:%M}" for w in parse("123 x5 zulia zamorano 4pm").wagers
                  ) == ["zamorano 16:00", "zulia 16:45"]


def test_h_mm_without_am_pm_takes_the_draw_that_exists() -> None:
    assert [f"{w.draw:%H:%M}" for w in parse("123 x5 tachira 10:10").wagers] == ["22:10"]
    assert [f"{w.draw:%H:%M}" for w in parse("123 x5 zamorano 10:00").wagers] == ["10:00"]


def test_several_lotteries_and_times_give_every_combination() -> None:
    assert wagers("123 x5 zulia y caracas a las 4pm") == [
        "caracas 11-23 16:30 triple 123 5.00", "zulia 11-23 16:45 triple 123 5.00"]
    assert len(parse("123 x5 zulia 12:45 4:45").wagers) == 2


def test_naming_a_lottery_or_time_twice_counts_once() -> None:
    assert len(parse("123 x5 zulia tz zulia 12:45 12:45pm").wagers) == 1


def test_no_time_means_the_next_open_draw() -> None:
    assert [f"{w.draw:%H:%M}" for w in parse("123 x5 zulia", now=LATE).wagers] == ["16:45"]
    assert [f"{w.draw:%m-%d %H:%M}" for w in parse("123 x5 zulia", now=EVENING).wagers
            ] == ["11-24 12:45"]


def test_a_draw_closes_close_minutes_before() -> None:
    assert errors("123 x5 zulia 12:45", now="2026-11-23T12:40:00-04:00") == [(1, "closed_draw")]
    assert len(parse("123 x5 zulia 12:45", now="2026-11-23T12:39:59-04:00").wagers) == 1


def test_a_closed_draw_is_never_moved_and_the_message_says_when_and_what_next() -> None:
    result = parse("123 x5 zulia 12:45", now=LATE)
    assert result.wagers == []
    error = result.errors[0]
    assert error.code == "closed_draw" and error.text == "12:45"
    assert "12:40 pm" in error.message_in("en") and "4:45 pm" in error.message_in("en")


def test_todos_is_every_draw_still_open_today() -> None:
    assert [f"{w.draw:%H:%M}" for w in parse("123 x5 zulia todos", now=LATE).wagers
            ] == ["16:45", "19:05"]
    assert len(parse("5 x1 granjita todo el dia").wagers) == 10
    assert errors("123 x5 zulia todos", now=EVENING) == [(1, "closed_draw")]


def test_todos_and_times_together_are_ambiguous() -> None:
    assert errors("123 x5 zulia todos 12:45") == [(1, "ambiguous")]


def test_draw_days() -> None:
    # Táchira does not draw on Sundays: no time → Monday; a time → an error, never Monday
    assert [f"{w.draw:%m-%d %H:%M}" for w in parse("123 x5 tachira", now=SUNDAY).wagers
            ] == ["11-30 13:15"]
    assert errors("123 x5 tachira 4:45pm", now=SUNDAY) == [(1, "no_such_draw")]
    assert errors("123 x5 tachira todos", now=SUNDAY) == [(1, "no_such_draw")]


def test_draws_are_in_the_lottery_time_zone() -> None:
    # 15:00 UTC is 11:00 in Caracas and 09:00 in Costa Rica
    utc = "2026-11-23T15:00:00+00:00"
    assert [f"{w.draw:%H:%M %z}" for w in parse("123 x5 zulia", now=utc).wagers
            ] == ["12:45 -0400"]
    assert [f"{w.draw:%H:%M %z}" for w in parse("25 x500 tica", "cr", now=utc).wagers
            ] == ["12:55 -0600"]


def test_a_typo_in_a_two_word_name() -> None:
    assert [w.lottery for w in parse("123 x5 triple zulai").wagers] == ["zulia"]
    # (v2) "triple" before plays is the game word; "terminal" before a lottery is no name
    assert wagers("triple 123 x5 zulia") == ["zulia 11-23 12:45 triple 123 5.00"]
    assert errors("terminal zulia 45 x5") == [(1, "unknown_token")]


@pytest.mark.parametrize("text", ["123 x5 zulia y caracas a las", "123 x5 a las zulia",
                                  "leon x5 a la granjita a las"])
def test_a_las_with_no_time_is_an_error_not_the_next_draw(text: str) -> None:
    # the person had started to name a draw: the next one is not what they meant
    result = parse(text)
    assert not result.wagers
    assert [(e.line, e.code, e.text) for e in result.errors] == [(1, "unknown_token", "a las")]
    assert result.errors[0].message_in("es").startswith("«a las»: ¿a qué hora?")


def test_a_la_before_a_lottery_is_still_a_lottery() -> None:
    assert wagers("leon x5 a la granjita") == ["granjita 11-23 10:00 animal 5 5.00"]
    assert wagers("123 x5 a la zulia") == ["zulia 11-23 12:45 triple 123 5.00"]
    assert errors("123 x5 zulia a la") == [(1, "unknown_token")]
