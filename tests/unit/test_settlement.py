"""Settlement rules (lottery.settlement): what each wager wins against a draw's result."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lottery.catalog import bundled_catalog_path, catalog_from_dict, load_catalog
from lottery.i18n import current_locale
from lottery.plays.messages import render_message
from lottery.settlement import (
    BadResult,
    Verdict,
    later_draws_of_day,
    payout,
    result_problem,
    ticket_verdict,
    wager_prize,
)

VE = load_catalog(bundled_catalog_path("ve"))
CR = load_catalog(bundled_catalog_path("cr"))
CARACAS = ZoneInfo("America/Caracas")
ZULIA = {"number": "123", "sign": "ACU"}
D = Decimal


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


def prize(lottery: str, game: str, number: str, result: Mapping[str, str] | None, *,
          sign: str | None = None, amount: str = "1", later: tuple = ()) -> Decimal | None:
    catalog = CR if lottery in ("tica", "lotto", "monazo") else VE
    return wager_prize(catalog, lottery, game, number, sign, D(amount), result,
                       day_results=later)


# --- payouts ---------------------------------------------------------------------------------


def test_payouts_come_from_the_catalog_unless_the_lottery_overrides_them() -> None:
    assert payout(VE, "zulia", "triple") == 600
    assert payout(VE, "tachira", "triple") == 500  # Táchira's own payouts
    assert payout(VE, "tachira", "terminal") == 50
    assert payout(VE, VE.lottery("activo"), "tripleta") == 50
    assert payout(CR, "tica", "reventado") == 200


def test_a_missing_or_fractional_payout_is_an_error_not_a_guess() -> None:
    with pytest.raises(ValueError, match="no payout"):
        payout(VE, "zulia", "tiempo")
    odd = catalog_from_dict({
        "timezone": "America/Caracas", "payouts": {"triple": "600.5"},
        "lotteries": [{"id": "x", "games": ["triple"], "times": ["12:00"]}]})
    with pytest.raises(ValueError, match="not a whole number"):
        payout(odd, "x", "triple")


# --- triples and terminals -------------------------------------------------------------------


def test_a_triple_wins_its_payout_times_the_stake() -> None:
    assert prize("zulia", "triple", "123", ZULIA, amount="2.50") == D("1500.00")
    assert prize("zulia", "triple", "124", ZULIA, amount="2.50") == 0
    assert prize("zulia", "triple", "321", ZULIA) == 0
    assert prize("tachira", "triple", "123", {"number": "123"}, amount="2") == 1000


def test_a_terminal_is_the_last_two_digits_of_the_triple() -> None:
    assert prize("zulia", "terminal", "07", {"number": "007", "sign": "ARI"}) == 60
    assert prize("zulia", "terminal", "07", {"number": "107", "sign": "ARI"}) == 60
    assert prize("zulia", "terminal", "07", {"number": "070", "sign": "ARI"}) == 0
    assert prize("zulia", "terminal", "00", {"number": "100", "sign": "ARI"}) == 60
    assert prize("tachira", "terminal", "23", {"number": "123"}, amount="3") == 150


def test_007_and_07_are_different_plays() -> None:
    assert prize("zulia", "triple", "007", {"number": "007", "sign": "ARI"}) == 600
    assert prize("zulia", "triple", "007", {"number": "107", "sign": "ARI"}) == 0
    with pytest.raises(ValueError):  # "07" is not a triple: the parser never makes one
        prize("zulia", "triple", "07", {"number": "007", "sign": "ARI"})


def test_a_triple_wager_does_not_also_win_the_terminal() -> None:
    assert prize("zulia", "triple", "123", ZULIA, amount="1") == 600  # not 600 + 60


def test_signs_must_match_too() -> None:
    assert prize("zulia", "triple_sign", "123", ZULIA, sign="ACU") == 6000
    assert prize("zulia", "triple_sign", "123", ZULIA, sign="ARI") == 0
    assert prize("zulia", "triple_sign", "124", ZULIA, sign="ACU") == 0
    assert prize("zulia", "terminal_sign", "23", ZULIA, sign="ACU", amount="0.50") == 300
    assert prize("zulia", "terminal_sign", "23", ZULIA, sign="PIS") == 0


def test_a_sign_drawn_with_its_own_triple_pays_the_astral_plays_on_that_triple() -> None:
    # banklot's document: zodiacal list "987-ACU" beside list A's 123: astral plays go by 987
    drawn = {"number": "123", "sign": "ACU", "sign_number": "987"}
    assert prize("zulia", "triple_sign", "987", drawn, sign="ACU") == 6000
    assert prize("zulia", "triple_sign", "123", drawn, sign="ACU") == 0
    assert prize("zulia", "terminal_sign", "87", drawn, sign="ACU", amount="0.50") == 300
    assert prize("zulia", "terminal_sign", "23", drawn, sign="ACU") == 0
    assert prize("zulia", "triple", "123", drawn) == 600  # list A still pays the triples
    with pytest.raises(BadResult):
        prize("zulia", "triple_sign", "987", drawn | {"sign_number": "98"}, sign="ACU")


def test_a_signed_wager_needs_a_signed_result() -> None:
    with pytest.raises(BadResult):
        prize("zulia", "triple_sign", "123", {"number": "123"}, sign="ACU")


@settings(max_examples=25, deadline=None)
@given(a=st.integers(0, 999), b=st.integers(0, 999))
def test_exactly_one_number_of_each_game_wins_a_draw(a: int, b: int) -> None:
    result = {"number": f"{a:03d}", "number_b": f"{b:03d}", "sign": "LEO"}
    triples = [n for n in range(1000) if prize("chance", "triple", f"{n:03d}", result)]
    terminals = [n for n in range(100) if prize("chance", "terminal", f"{n:02d}", result)]
    pairs = [(x, y) for x in range(100) for y in (b % 100, (b + 1) % 100)
             if prize("chance", "terminal_ab", f"{x:02d}-{y:02d}", result)]
    assert triples == [a]
    assert terminals == [a % 100]
    assert pairs == [(a % 100, b % 100)]


# --- A+B (Triple Chance) ---------------------------------------------------------------------

CHANCE = {"number": "123", "number_b": "456", "sign": "ARI"}


def test_an_ab_triple_wins_when_a_and_b_both_match_in_order() -> None:
    assert prize("chance", "triple_ab", "123-456", CHANCE, amount="0.50") == 100000
    assert prize("chance", "triple_ab", "456-123", CHANCE) == 0
    assert prize("chance", "triple_ab", "123-457", CHANCE) == 0
    assert prize("chance", "triple_ab", "124-456", CHANCE) == 0


def test_an_ab_terminal_takes_the_last_two_of_each() -> None:
    assert prize("chance", "terminal_ab", "23-56", CHANCE) == 3600
    assert prize("chance", "terminal_ab", "56-23", CHANCE) == 0
    assert prize("chance", "terminal_ab", "23-57", CHANCE) == 0


def test_plain_plays_on_an_ab_lottery_settle_against_a() -> None:
    assert prize("chance", "triple", "123", CHANCE) == 600
    assert prize("chance", "triple", "456", CHANCE) == 0
    assert prize("chance", "terminal", "23", CHANCE) == 60
    assert prize("chance", "terminal", "56", CHANCE) == 0
    assert prize("chance", "triple_sign", "123", CHANCE, sign="ARI") == 6000
    assert prize("chance", "triple_sign", "456", CHANCE, sign="ARI") == 0


def test_an_ab_lottery_result_needs_b() -> None:
    with pytest.raises(BadResult):
        prize("chance", "triple", "123", {"number": "123", "sign": "ARI"})


# --- animals and tripletas -------------------------------------------------------------------


def test_an_animal_wins_on_its_number_and_0_is_not_00() -> None:
    assert prize("activo", "animal", "5", {"animal": "5"}, amount="10") == 300
    assert prize("activo", "animal", "0", {"animal": "00"}) == 0
    assert prize("activo", "animal", "00", {"animal": "0"}) == 0
    assert prize("activo", "animal", "00", {"animal": "00"}) == 30
    assert prize("granjita", "animal", "36", {"animal": "36"}) == 30


def test_an_animal_result_must_be_one_of_the_lotterys_animals() -> None:
    for wrong in ({"animal": "37"}, {"animal": "05"}, {"number": "123"}):
        with pytest.raises(BadResult):
            prize("activo", "animal", "5", wrong)


def a(number: str) -> dict[str, str]:
    return {"animal": number}


def test_a_tripleta_wins_once_all_three_are_drawn_in_any_order() -> None:
    assert prize("activo", "tripleta", "5-10-20", a("20"), later=(a("5"), a("10")),
                 amount="2") == 100
    # decided as soon as the third one is out, even with draws still to come
    assert prize("activo", "tripleta", "5-10-20", a("10"), later=(a("20"), a("5"), None)) == 50


def test_a_tripleta_is_pending_until_all_three_are_out_or_the_day_is_over() -> None:
    assert prize("activo", "tripleta", "5-10-20", None, later=(a("5"), a("10"))) is None
    assert prize("activo", "tripleta", "5-10-20", a("5"), later=(a("10"), None)) is None
    assert prize("activo", "tripleta", "5-10-20", a("5"), later=(a("10"), a("21"))) == 0
    assert prize("activo", "tripleta", "5-10-20", a("1"), later=()) == 0


def test_an_animal_drawn_twice_counts_once_for_a_tripleta() -> None:
    assert prize("activo", "tripleta", "5-10-20", a("5"), later=(a("5"), a("10"))) == 0
    assert prize("activo", "tripleta", "5-10-20", a("5"), later=(a("5"), a("10"), None)) is None
    assert prize("activo", "tripleta", "0-00-1", a("00"), later=(a("0"), a("0"))) == 0
    assert prize("activo", "tripleta", "0-00-1", a("00"), later=(a("0"), a("1"))) == 50


def test_a_tripleta_plays_in_its_own_draw_and_the_later_ones_of_that_day() -> None:
    activo = VE.lottery("activo")
    five_pm = datetime(2026, 11, 23, 17, 0, tzinfo=CARACAS)
    assert [d.time() for d in later_draws_of_day(activo, five_pm)] == [time(18), time(19)]
    assert later_draws_of_day(activo, five_pm.replace(hour=19)) == ()
    morning = later_draws_of_day(activo, five_pm.replace(hour=8))
    assert len(morning) == 11 and morning[0].tzinfo is not None
    # the instant counts, not the zone it is written in
    assert later_draws_of_day(activo, five_pm.astimezone(ZoneInfo("UTC"))) == (
        later_draws_of_day(activo, five_pm))


# --- tiempos and reventado -------------------------------------------------------------------


def test_a_tiempo_wins_on_its_number_zero_padded() -> None:
    assert prize("tica", "tiempo", "07", {"number": "07"}, amount="100") == 9000
    assert prize("tica", "tiempo", "07", {"number": "7"}, amount="100") == 9000
    assert prize("tica", "tiempo", "70", {"number": "7"}) == 0
    assert prize("monazo", "tiempo", "007", {"number": "7"}) == 650  # three digits pay 650
    assert prize("monazo", "tiempo", "070", {"number": "007"}) == 0


def test_reventado_pays_the_multiplier_the_admin_entered() -> None:
    red = {"number": "25", "reventado": "5"}
    assert prize("tica", "reventado", "25", red, amount="500") == 2500
    assert prize("tica", "reventado", "26", red, amount="500") == 0
    # the tiempo on the same number pays its own 90, red ball or not
    assert prize("tica", "tiempo", "25", red, amount="1000") == 90000
    assert prize("lotto", "reventado", "25", {"number": "25", "reventado": "200"}) == 200


def test_reventado_without_a_multiplier_loses() -> None:
    assert prize("tica", "reventado", "25", {"number": "25"}, amount="500") == 0
    assert prize("tica", "tiempo", "25", {"number": "25"}, amount="500") == 45000


@pytest.mark.parametrize("multiplier", ["0", "201", "2.5", "-1", "x", ""])
def test_a_reventado_multiplier_outside_1_to_the_catalog_max_is_refused(multiplier: str) -> None:
    with pytest.raises(BadResult):
        prize("tica", "reventado", "25", {"number": "25", "reventado": multiplier})


# --- pending, bad input, tickets -------------------------------------------------------------


def test_no_result_yet_is_pending() -> None:
    for lottery, game, number in (("zulia", "triple", "123"), ("activo", "animal", "5"),
                                  ("tica", "reventado", "25"), ("chance", "triple_ab", "001-002")):
        assert prize(lottery, game, number, None) is None


def test_a_wager_that_is_not_its_games_shape_is_an_error() -> None:
    with pytest.raises(ValueError):
        prize("zulia", "terminal", "123", ZULIA)
    with pytest.raises(ValueError):
        prize("activo", "tripleta", "5-5-10", a("5"))
    with pytest.raises(ValueError, match="does not sell"):
        prize("zulia", "animal", "5", a("5"))
    with pytest.raises(BadResult):
        prize("zulia", "triple", "123", a("5"))


def test_a_ticket_is_pending_while_any_wager_is_even_if_another_won() -> None:
    assert ticket_verdict([D(600), None]) == (Verdict.PENDING, None)
    assert ticket_verdict([D(600), D(0), D(60)]) == (Verdict.WINNER, D(660))
    assert ticket_verdict([D(0), D(0)]) == (Verdict.LOSER, D(0))


# --- result shapes ---------------------------------------------------------------------------


def expected(lottery: str, values: dict[str, str]) -> str | None:
    catalog = CR if lottery in ("tica", "lotto", "monazo") else VE
    problem = result_problem(catalog.lottery(lottery), values)
    return None if problem is None else render_message(*problem)


def test_result_shapes_per_lottery() -> None:
    assert expected("zulia", ZULIA) is None
    assert expected("zulia", {"number": "123"}) == "a three-digit number and a sign"
    assert expected("tachira", {"number": "123"}) is None
    assert expected("chance", CHANCE) is None
    assert expected("chance", {"number": "123", "sign": "ARI"}) == (
        "two three-digit numbers (A and B) and a sign")
    assert expected("chance", {"number": "123", "number_b": "45", "sign": "ARI"}) is not None
    assert expected("activo", {"animal": "00"}) is None
    assert expected("monazo", {"number": "007"}) is None
    assert expected("monazo", {"number": "007", "reventado": "5"}) == "a number of 3 digits"
    assert expected("tica", {"number": "25", "reventado": "200"}) is None
    assert expected("tica", {"number": "25", "reventado": "201"}) == (
        "a number of 2 digits and, for a reventado, a whole multiplier from 1 to 200")
    assert expected("zulia", {"number": 123}) == "text values"  # type: ignore[dict-item]
