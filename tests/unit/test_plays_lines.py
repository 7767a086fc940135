"""docs/plays.md (where a line's draw comes from, an error rejects its line): lines, headers,
footers, errors."""

from __future__ import annotations

import pytest

from tests.unit.plays_helpers import NOW_VE, errors, parse, wagers

Z1245 = "zulia 11-23 12:45 triple"


def test_blank_and_symbol_lines_are_ignored_but_counted() -> None:
    text = "zulia 12:45\n\n-------\n🙏🙏\n123 x5\n1234 x5"
    assert wagers(text) == [f"{Z1245} 123 5.00"]
    assert errors(text) == [(6, "unknown_token")]


def test_crlf_case_accents_tabs_and_emoji() -> None:
    assert wagers("ZULIA\t12:45\r\n123  X5 🙏\r\n") == [f"{Z1245} 123 5.00"]
    assert wagers("LEÓN x2 Lotto Activo 10am") == wagers("leon x2 lotto activo 10am")


def test_separators_and_fillers() -> None:
    assert wagers("123;456|789 x1 zulia 12:45") == [
        f"{Z1245} 123 1.00", f"{Z1245} 456 1.00", f"{Z1245} 789 1.00"]
    assert wagers("quiero jugar el 123 con 5 para el zulia de las 12:45 por favor") == [
        f"{Z1245} 123 5.00"]
    assert wagers("123 x5 c/u zulia 12:45") == [f"{Z1245} 123 5.00"]


def test_the_draw_spec_may_stand_before_or_after_the_plays() -> None:
    assert wagers("zulia 12:45 123 x5") == wagers("123 x5 zulia 12:45") == [f"{Z1245} 123 5.00"]


def test_header_applies_to_the_lines_below_until_the_next_header() -> None:
    text = "zulia 12:45\n123 x5\nzamorano 2pm\n456 x2"
    assert wagers(text) == [
        "zamorano 11-23 14:00 triple 456 2.00", f"{Z1245} 123 5.00"]


def test_footer_applies_to_every_line_above_it() -> None:
    assert wagers("123 x5\n456 x2\nzulia 12:45\ntotal 7") == [
        f"{Z1245} 123 5.00", f"{Z1245} 456 2.00"]


def test_a_line_with_times_takes_only_the_lottery_from_its_header() -> None:
    assert wagers("zulia\n123 x5 12:45\n456 x2 4:45") == [
        f"{Z1245} 123 5.00", "zulia 11-23 16:45 triple 456 2.00"]


def test_a_line_with_only_times_is_an_error_and_so_are_the_lines_it_heads() -> None:
    assert errors("12:45\n123 x5") == [(1, "missing_lottery"), (2, "missing_lottery")]


def test_no_lottery_anywhere_is_missing_lottery() -> None:
    result = parse("123 x5")
    assert [(e.line, e.code) for e in result.errors] == [(1, "missing_lottery")]
    assert result.wagers == []


def test_a_header_with_a_closed_draw_rejects_the_lines_that_use_it() -> None:
    text = "zulia 12:45\n123 x5\n456 x5 4:45"
    late = "2026-11-23T13:10:00-04:00"
    assert errors(text, now=late) == [(1, "closed_draw"), (2, "closed_draw")]
    assert wagers(text, now=late) == ["zulia 11-23 16:45 triple 456 5.00"]


def test_a_broken_header_is_not_skipped_for_an_older_one() -> None:
    # never sell 456 on Zulia when the person wrote another (unreadable) lottery above it
    text = "zulia 4:45\n123 x5\nzuli\n456 x5"
    assert errors(text) == [(3, "unknown_token"), (4, "missing_lottery")]
    assert wagers(text) == ["zulia 11-23 16:45 triple 123 5.00"]


def test_a_draw_line_no_play_uses_is_reported() -> None:
    assert errors("zulia\nzamorano\n123 x5") == [(1, "ambiguous")]
    assert errors("zulia 12:45") == [(1, "ambiguous")]
    assert errors("zulia\n123 x5\nzamorano") == [(3, "ambiguous")]


def test_errors_reject_only_their_own_line() -> None:
    text = "zulia 12:45\n123 x5\n1234 x5\n456 x2"
    assert errors(text) == [(3, "unknown_token")]
    assert wagers(text) == [f"{Z1245} 123 5.00", f"{Z1245} 456 2.00"]


def test_a_line_with_an_error_yields_nothing_even_when_part_of_it_reads() -> None:
    assert wagers("123 x5 456 zulia 12:45") == []
    assert errors("123 x5 456 zulia 12:45") == [(1, "missing_amount")]


@pytest.mark.parametrize(("text", "error_lines"), [
    ("zulia 12:45\n123 x5\n456 x5\ntotal 10", []),
    ("zulia 12:45\n123 x5\n456 x5\ntotal: 20", [(4, "total_mismatch")]),
    ("total 5\n123 x5 zulia", []),
    ("zulia 12:45\n123 x5\n1234 x5\ntotal 10", [(3, "unknown_token"), (4, "total_mismatch")]),
    ("123 x5 total 5 zulia", [(1, "unknown_token")]),
])
def test_total_lines(text: str, error_lines: list[tuple[int, str]]) -> None:
    assert errors(text) == error_lines


def test_total_mismatch_says_both_sums() -> None:
    error = parse("123 x5 zulia\ntotal 20").errors[0]
    assert "5" in error.message_in("en") and "20" in error.message_in("en")


def test_default_lottery_is_used_only_when_no_lottery_is_written() -> None:
    result = parse("123 x5", default_lottery="zulia")
    assert result.used_default_lottery
    assert [w.lottery for w in result.wagers] == ["zulia"]
    own = parse("123 x5 zamorano", default_lottery="zulia")
    assert not own.used_default_lottery and [w.lottery for w in own.wagers] == ["zamorano"]
    timed = parse("123 x5 4:45", default_lottery="zulia")
    assert [f"{w.draw:%H:%M}" for w in timed.wagers] == ["16:45"]


def test_without_default_lottery_behaviour_is_exactly_the_contract() -> None:
    result = parse("123 x5")
    assert not result.used_default_lottery and result.wagers == []


def test_empty_message() -> None:
    result = parse("")
    assert result.wagers == [] and result.errors == []


def test_naive_now_is_read_in_the_catalog_time_zone() -> None:
    naive = NOW_VE.replace(tzinfo=None)
    assert wagers("123 x5 zulia", now=naive) == wagers("123 x5 zulia")


def test_a_message_longer_than_telegram_allows_is_never_read_half_a_line() -> None:
    text = "zulia 12:45\n" + "123 x50\n" * 600  # 4812 characters
    result = parse(text)
    complete = (4096 - len("zulia 12:45\n")) // len("123 x50\n")
    assert len(result.wagers) == complete
    assert {w.amount for w in result.wagers} == {50}
    assert [(e.line, e.code) for e in result.errors] == [(complete + 2, "unknown_token")]
    assert "4096" in result.errors[0].message_in("en")
