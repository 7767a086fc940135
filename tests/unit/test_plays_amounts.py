"""docs/plays.md: amounts, markers, units, mil, decimals, and the bare trailing amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.unit.plays_helpers import errors, parse


def amounts(text: str, market: str = "ve") -> list[str]:
    return [f"{w.number} {w.amount:.2f}" for w in parse(text, market).wagers]


@pytest.mark.parametrize(("written", "amount"), [
    ("x5", "5.00"), ("X 5", "5.00"), ("*5", "5.00"), ("×5", "5.00"), ("a 5", "5.00"),
    ("con 5", "5.00"), ("por 5", "5.00"), ("bs5", "5.00"), ("bs.5", "5.00"), ("5bs", "5.00"),
    ("5 bs", "5.00"), ("5 bolivares", "5.00"), ("con 3 bs", "3.00"), ("x 2 mil", "2000.00"),
    ("2mil", "2000.00"), ("con mil", "1000.00"), ("x1.000", "1000.00"), ("x2,50", "2.50"),
    ("x2.5", "2.50"), ("x1.000,50", "1000.50"), ("1milbs", "1000.00"), ("bs.1.50", "1.50"),
    ("por 0,50", "0.50"), ("x1mil", "1000.00"),
])
def test_explicit_amounts(written: str, amount: str) -> None:
    assert amounts(f"123 {written} zulia") == [f"123 {amount}"]


def test_colones() -> None:
    assert amounts("25 x 500 colones tica", "cr") == ["25 500.00"]
    assert amounts("25 1 mil colones tica", "cr") == ["25 1000.00"]


def test_an_amount_applies_to_every_play_back_to_the_previous_amount() -> None:
    assert amounts("123 456 x5 789 x10 zulia") == ["123 5.00", "456 5.00", "789 10.00"]


@pytest.mark.parametrize(("text", "expected"), [
    ("123 5 zulia", ["123 5.00"]), ("123-ARI 5 zulia", ["123 5.00"]),
    ("123 456 10 zulia", ["123 10.00", "456 10.00"]), ("123 2,50 zulia", ["123 2.50"]),
    ("leon 5 activo", ["5 5.00"]), ("30 5 activo", ["30 5.00"]),
    ("123 20 zulia", ["123 20.00"]), ("123 1.000 zulia", ["123 1000.00"]),
])
def test_bare_trailing_amount(text: str, expected: list[str]) -> None:
    assert amounts(text) == expected


@pytest.mark.parametrize("text", [
    "123 456 zulia", "23 10 zulia", "123 05 zulia", "41 11 chance", "123 zulia", "123 0 zulia",
])
def test_no_guessing_when_the_last_number_could_be_a_play(text: str) -> None:
    assert errors(text) == [(1, "missing_amount")]


def test_a_comma_separates_plays_unless_an_amount_stands_there() -> None:
    assert amounts("5,10 x2 tica", "cr") == ["05 2.00", "10 2.00"]
    assert amounts("123,456 x2 zulia") == ["123 2.00", "456 2.00"]
    # "56 12,34": plays 12 and 34, or 12.34 bs? Ask.
    assert errors("56 12,34 zulia") == [(1, "ambiguous")]


def test_an_amount_then_a_stray_number() -> None:
    assert errors("123 30 bs 5 zulia") == [(1, "missing_amount")]


@pytest.mark.parametrize(("written", "code"), [
    ("x0", "invalid_number"), ("x0,00", "invalid_number"), ("x-5", "unknown_token"),
    ("x1e9", "unknown_token"), ("x1,505", "invalid_number"), ("x999999999999999", "invalid_number"),
    ("x", "unknown_token"), ("x.5", "unknown_token"), ("x5 x6", "missing_amount"),
])
def test_invalid_amounts(written: str, code: str) -> None:
    assert errors(f"123 {written} zulia") == [(1, code)]


def test_amount_with_no_plays() -> None:
    assert errors("x5 zulia") == [(1, "missing_amount")]


def test_huge_numbers_never_crash() -> None:
    assert errors("999999999999999999999 x5 zulia") == [(1, "unknown_token")]
    assert errors("123 x" + "9" * 4000 + " zulia") == [(1, "invalid_number")]


def test_amounts_are_decimals_with_two_places() -> None:
    amount = parse("123 x2,5 zulia").wagers[0].amount
    assert amount == Decimal("2.50") and amount.as_tuple().exponent == -2
