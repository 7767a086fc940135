"""A day as people type it (lottery.day_input), the one reader behind /ventas and /resultados."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.day_input import parse_day
from services.reports import parse_query
from services.results import read_query

TODAY = date(2026, 11, 23)  # a Monday
NEW_YEAR = date(2027, 1, 5)


@pytest.mark.parametrize(
    ("text", "today", "day"),
    [
        ("hoy", TODAY, TODAY),
        ("today", TODAY, TODAY),
        (" Hoy ", TODAY, TODAY),
        ("ayer", TODAY, date(2026, 11, 22)),
        ("YESTERDAY", TODAY, date(2026, 11, 22)),
        ("anteayer", TODAY, date(2026, 11, 21)),
        ("ayer", NEW_YEAR.replace(day=1), date(2026, 12, 31)),
        ("2026-11-01", TODAY, date(2026, 11, 1)),
        ("2026-2-3", TODAY, date(2026, 2, 3)),
        ("2027-01-01", TODAY, date(2027, 1, 1)),  # a full date may be in the future
        ("23/11/2026", TODAY, TODAY),
        ("23-11-2026", TODAY, TODAY),
        ("23.11.2026", TODAY, TODAY),
        ("28/12/25", TODAY, date(2025, 12, 28)),
        ("1/11", TODAY, date(2026, 11, 1)),
        ("23/11", TODAY, TODAY),  # today is not the future
        ("24/11", TODAY, date(2025, 11, 24)),  # no year: the latest not in the future
        ("29/02", TODAY, date(2024, 2, 29)),  # the latest 29 February there was
        ("6/1", NEW_YEAR, date(2026, 1, 6)),
        ("20", TODAY, date(2026, 11, 20)),  # a day of this month
        ("23", TODAY, TODAY),
        ("24", TODAY, date(2026, 10, 24)),  # not yet this month: last month's
        ("31", TODAY, date(2026, 10, 31)),  # November has none: October's
        ("31", NEW_YEAR, date(2026, 12, 31)),
    ],
)
def test_days_people_type(text: str, today: date, day: date) -> None:
    assert parse_day(text, today) == day


@pytest.mark.parametrize(
    "text",
    [
        "",
        "mañana",
        "zulia",
        "31/02",
        "31/02/2026",
        "2026-13-01",
        "0",
        "32",
        "00/11",
        "123",
        "1/2/3",
        "23/11/202",
        "23//11",
        "hoy hoy",
        "semana",
    ],
)
def test_what_is_not_a_day(text: str) -> None:
    assert parse_day(text, TODAY) is None


DAYS = st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31))


@given(DAYS, DAYS)
def test_full_dates_mean_themselves(day: date, today: date) -> None:
    assert parse_day(day.isoformat(), today) == day
    assert parse_day(day.strftime("%d/%m/%Y"), today) == day
    assert parse_day(day.strftime("%d/%m/%y"), today) == day


@given(DAYS, st.integers(min_value=0, max_value=364))
def test_a_date_without_a_year_is_the_latest_not_in_the_future(today: date, back: int) -> None:
    day = today - timedelta(days=back)
    if (day.month, day.day) != (2, 29):  # leap days repeat every four years, not every year
        assert parse_day(f"{day.day}/{day.month}", today) == day


@given(DAYS, st.integers(min_value=0, max_value=27))
def test_a_bare_day_is_the_latest_not_in_the_future(today: date, back: int) -> None:
    day = today - timedelta(days=back)
    assert parse_day(str(day.day), today) == day


def test_reports_and_results_read_a_day_alike() -> None:
    """The same word names the same day in /ventas and in /resultados."""
    catalog = load_catalog(bundled_catalog_path("ve"))
    now = datetime(2026, 11, 23, 16, tzinfo=UTC)  # noon in Caracas
    for word in ("ayer", "anteayer", "20", "24/11", "23.11.2026", "2026-11-01"):
        expected = parse_day(word, TODAY)
        assert parse_query(word, TODAY).period.first == expected
        assert read_query(catalog, f"zulia {word}", now).day == expected
        query = read_query(catalog, f"{word} triple zulia", now)
        assert query.day == expected and query.problem is None
        assert query.lottery is not None and query.lottery.id == "zulia"
