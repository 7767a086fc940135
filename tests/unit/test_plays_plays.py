"""docs/plays.md: which game a written play is, per lottery."""

from __future__ import annotations

import pytest

from tests.unit.plays_helpers import errors, parse, wagers


def shapes(text: str, market: str = "ve") -> list[tuple[str, str, str | None]]:
    return sorted((w.game, w.number, w.sign) for w in parse(text, market).wagers)


@pytest.mark.parametrize(("text", "expected"), [
    ("123 x1 zulia", [("triple", "123", None)]),
    ("007 x1 zulia", [("triple", "007", None)]),
    ("23 x1 zulia", [("terminal", "23", None)]),
    ("05 x1 zulia", [("terminal", "05", None)]),
    ("123-ARI x1 zulia", [("triple_sign", "123", "ARI")]),
    ("123 ari x1 zulia", [("triple_sign", "123", "ARI")]),
    ("123ari x1 zulia", [("triple_sign", "123", "ARI")]),
    ("123 aries x1 zulia", [("triple_sign", "123", "ARI")]),
    ("123 Géminis x1 zulia", [("triple_sign", "123", "GEM")]),
    ("123-01 x1 zulia", [("triple_sign", "123", "ARI")]),
    ("123-05 x1 zulia", [("triple_sign", "123", "LEO")]),
    ("361-12 x1 zulia", [("triple_sign", "361", "PIS")]),
    ("23-ARI x1 zulia", [("terminal_sign", "23", "ARI")]),
    ("45esc x1 zulia", [("terminal_sign", "45", "ESC")]),
    ("000-999 x1 chance", [("triple_ab", "000-999", None)]),
    ("07-99 x1 chance", [("terminal_ab", "07-99", None)]),
])
def test_triple_lotteries(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert shapes(text) == expected


def test_several_signs_after_one_number_give_one_wager_each() -> None:
    assert shapes("123 ari tau x1 zulia") == [
        ("triple_sign", "123", "ARI"), ("triple_sign", "123", "TAU")]
    assert shapes("24-SAG LIBRA x1 zulia") == [
        ("terminal_sign", "24", "LIB"), ("terminal_sign", "24", "SAG")]
    assert len(parse("123 todos los signos x1 zulia").wagers) == 12
    assert len(parse("123 zodiaco x1 zulia").wagers) == 12


def test_a_sign_belongs_to_the_number_right_before_it() -> None:
    assert shapes("123 456 ari x1 zulia") == [
        ("triple", "123", None), ("triple_sign", "456", "ARI")]
    assert errors("ari 123 x1 zulia") == [(1, "unknown_token")]
    assert errors("123 x1 ari zulia") == [(1, "unknown_token")]


@pytest.mark.parametrize(("text", "code"), [
    ("123-13 x1 zulia", "unknown_token"), ("123-5 x1 zulia", "unknown_token"),
    ("226-45 x1 zulia", "unknown_token"), ("23-01 x1 zulia", "not_sold"),
    ("1234 x1 zulia", "unknown_token"), ("5 x1 zulia", "invalid_number"),
    ("123-456 x1 zulia", "not_sold"), ("123-ari x1 tachira", "not_sold"),
    ("leon x1 zulia", "not_sold"), ("37 x1 granjita", "invalid_number"),
    ("123 x1 granjita", "invalid_number"), ("tripleta 5 10 20 x1 granjita", "not_sold"),
    ("123-ari-tau x1 zulia", "unknown_token"), ("123 - 456 x1 chance", "unknown_token"),
])
def test_what_a_lottery_does_not_sell_or_cannot_be(text: str, code: str) -> None:
    assert errors(text) == [(1, code)]


@pytest.mark.parametrize(("text", "expected"), [
    ("5 x1 activo", [("animal", "5", None)]), ("05 x1 activo", [("animal", "5", None)]),
    ("0 x1 activo", [("animal", "0", None)]), ("00 x1 activo", [("animal", "00", None)]),
    ("36 x1 activo", [("animal", "36", None)]), ("leon x1 activo", [("animal", "5", None)]),
    ("LEÓN x1 activo", [("animal", "5", None)]), ("ballena x1 activo", [("animal", "00", None)]),
    ("ciempiés x1 activo", [("animal", "3", None)]),
])
def test_animals(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert shapes(text) == expected


def test_tripleta() -> None:
    assert shapes("tripleta 5 10 20 x1 activo") == [("tripleta", "5-10-20", None)]
    assert shapes("tripleta leon tigre gato x1 activo") == [("tripleta", "5-10-11", None)]
    assert shapes("tripleta ballena 9 elefante x1 activo") == [("tripleta", "00-9-29", None)]
    assert errors("tripleta 5 5 20 x1 activo") == [(1, "invalid_number")]
    assert errors("tripleta 5 10 x1 activo") == [(1, "unknown_token")]
    # a fourth animal is a question, not a guess
    assert errors("tripleta 5 10 20 30 x1 activo") == [(1, "unknown_token")]


def test_permutations() -> None:
    assert [n for _, n, _ in shapes("p123 x1 zulia")] == ["123", "132", "213", "231", "312", "321"]
    assert [n for _, n, _ in shapes("perm 112 x1 zulia")] == ["112", "121", "211"]
    assert [n for _, n, _ in shapes("permuta 500 x1 zulia")] == ["005", "050", "500"]
    assert [(g, n) for g, n, _ in shapes("p 12 x1 zulia")] == [
        ("terminal", "12"), ("terminal", "21")]
    assert [n for _, n, _ in shapes("p123 456 x1 zulia")] == [
        "123", "132", "213", "231", "312", "321", "456"]
    assert errors("p5 x1 zulia") == [(1, "invalid_number")]
    assert errors("p x1 zulia") == [(1, "unknown_token")]


def test_series() -> None:
    assert [n for _, n, _ in shapes("100 al 109 x1 zulia")] == [f"{n}" for n in range(100, 110)]
    assert len(parse("del 10 al 15 x1 zulia").wagers) == 6
    assert len(parse("corrida 10 al 15 x1 zulia").wagers) == 6
    assert errors("000 al 999 x1 zulia") == [(1, "too_many")]
    assert errors("109 al 100 x1 zulia") == [(1, "invalid_number")]
    assert errors("10 al 100 x1 zulia") == [(1, "invalid_number")]
    assert errors("corrida x1 zulia") == [(1, "unknown_token")]


def test_tiempos_pad_to_the_lottery_digits() -> None:
    assert shapes("25 x500 tica", "cr") == [("tiempo", "25", None)]
    assert shapes("7 x500 tica", "cr") == [("tiempo", "07", None)]
    assert shapes("45 x500 monazo", "cr") == [("tiempo", "045", None)]
    assert errors("123 x500 tica", "cr") == [(1, "invalid_number")]


def test_reventado() -> None:
    assert wagers("25 x1000 r500 tica", "cr") == [
        "tica 11-23 12:55 reventado 25 500.00", "tica 11-23 12:55 tiempo 25 1000.00"]
    assert len(parse("25 77 por 2.000 reventado 1000 lotto", "cr").wagers) == 4
    assert len(parse("25 x1000 rev 500 tica", "cr").wagers) == 2
    assert len(parse("25 x1000 r 500 tica", "cr").wagers) == 2
    assert errors("123 x500 r100 monazo", "cr") == [(1, "not_sold")]
    assert errors("25 r500 tica", "cr") == [(1, "unknown_token")]
    assert errors("25 x100 r50 r60 tica", "cr") == [(1, "unknown_token")]


def test_the_same_play_twice_gives_two_wagers() -> None:
    assert len(parse("cebra 31 31 X1000 activo").wagers) == 3


def test_series_of_animals() -> None:
    assert [n for _, n, _ in shapes("10 al 12 x1 activo")] == ["10", "11", "12"]
    # 0 and 00 are different animals: "00 al 05" could mean either
    assert errors("00 al 05 x1 activo") == [(1, "ambiguous")]
