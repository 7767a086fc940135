"""Per-ticket limits from the catalog (lottery.limits): what a banca refuses before booking."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.i18n import current_locale
from lottery.limits import check_wager, check_wagers, number_is_valid
from lottery.plays import Wager

VE = load_catalog(bundled_catalog_path("ve"))
CR = load_catalog(bundled_catalog_path("cr"))
DRAW = datetime(2026, 11, 23, 12, 45, tzinfo=ZoneInfo("America/Caracas"))
TICA = datetime(2026, 11, 23, 12, 55, tzinfo=ZoneInfo("America/Costa_Rica"))


def bet(number: str = "123", amount: str = "5", *, lottery: str = "zulia", game: str = "triple",
        sign: str | None = None) -> Wager:
    draw = TICA if lottery in ("tica", "lotto", "monazo") else DRAW
    return Wager(lottery, draw, game, number, sign, Decimal(amount))


@pytest.fixture(autouse=True)
def _english() -> object:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


def test_wagers_within_the_catalog_limits_pass() -> None:
    wagers = [bet("123", "1"), bet("45", "1000", game="terminal"),
              bet("123", "2.50", game="triple_sign", sign="ARI")]
    assert check_wagers(VE, wagers) == []


@pytest.mark.parametrize(
    ("amount", "code", "shown"),
    [
        ("0.50", "limit", "smallest bet is 1"),  # min_bet 1.00
        ("1000.50", "limit", "largest bet is 1,000"),  # max_bet 1000.00
        ("1.25", "invalid_amount", "steps of 0.50"),  # amount_step 0.50
        ("0", "invalid_amount", "greater than 0"),
        ("-5", "invalid_amount", "greater than 0"),
        ("1.005", "invalid_amount", "two decimals"),
    ],
)
def test_amount_limits(amount: str, code: str, shown: str) -> None:
    problem = check_wager(VE, bet(amount=amount), index=3)
    assert problem is not None
    assert (problem.index, problem.code) == (3, code)
    assert shown in problem.message


def test_colones_step_is_one_hundred() -> None:
    assert check_wager(CR, bet("25", "1000", lottery="tica", game="tiempo")) is None
    problem = check_wager(CR, bet("25", "150", lottery="tica", game="tiempo"))
    assert problem is not None and problem.code == "invalid_amount"


def test_game_not_sold_by_the_lottery() -> None:
    # Táchira sells triples and terminals only.
    problem = check_wager(VE, bet("123", game="triple_sign", sign="ARI", lottery="tachira"))
    assert problem is not None and problem.code == "invalid_number"
    assert "Triple Táchira" in problem.message


def test_unknown_lottery_is_an_invalid_draw() -> None:
    problem = check_wager(VE, bet(lottery="atlantis"))
    assert problem is not None and problem.code == "closed_draw"
    assert "atlantis" in problem.message


def test_more_wagers_than_max_wagers_refuses_only_the_extra_ones() -> None:
    wagers = [bet(f"{n:03d}", "1") for n in range(VE.limits.max_wagers + 2)]
    problems = check_wagers(VE, wagers)
    assert [p.index for p in problems] == [100, 101]
    assert {p.code for p in problems} == {"limit"}
    assert "at most 100 plays" in problems[0].message


def test_problems_come_one_per_wager_in_index_order() -> None:
    wagers = [bet(amount="0.5"), bet(), bet("12345"), bet(amount="7.3")]
    assert [(p.index, p.code) for p in check_wagers(VE, wagers)] == [
        (0, "limit"), (2, "invalid_number"), (3, "invalid_amount")]


@pytest.mark.parametrize(
    ("lottery", "game", "number", "sign", "ok"),
    [
        ("zulia", "triple", "007", None, True),
        ("zulia", "triple", "07", None, False),
        ("zulia", "terminal", "07", None, True),
        ("zulia", "triple_sign", "123", "ACU", True),
        ("zulia", "triple_sign", "123", "XYZ", False),
        ("zulia", "triple_sign", "123", None, False),
        ("chance", "triple_ab", "000-999", None, True),
        ("chance", "terminal_ab", "00-999", None, False),
        ("activo", "animal", "00", None, True),
        ("activo", "animal", "37", None, False),
        ("activo", "tripleta", "5-10-20", None, True),
        ("activo", "tripleta", "5-5-20", None, False),
    ],
)
def test_number_shapes_ve(lottery: str, game: str, number: str, sign: str | None,
                          ok: bool) -> None:
    assert number_is_valid(VE.lottery(lottery), game, number, sign) is ok


def test_tiempo_numbers_have_the_lottery_digits() -> None:
    assert number_is_valid(CR.lottery("tica"), "tiempo", "05", None)
    assert number_is_valid(CR.lottery("tica"), "reventado", "05", None)
    assert not number_is_valid(CR.lottery("tica"), "tiempo", "5", None)
    assert number_is_valid(CR.lottery("monazo"), "tiempo", "005", None)
    assert not number_is_valid(CR.lottery("monazo"), "tiempo", "05", None)


def test_amounts_in_messages_are_formatted_for_the_reader() -> None:
    problem = check_wager(VE, bet(amount="1000.50"))
    assert problem is not None
    assert "1,000.50" in problem.message_in("en")
    assert "1.000,50" in problem.message_in("es")
