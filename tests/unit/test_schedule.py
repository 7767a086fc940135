"""The draw schedule: draws per day in the lottery's zone, open/closed, next open draw."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.schedule import (
    Draw,
    closes_at,
    draw_at,
    draws_between,
    draws_on,
    is_open,
    local_date,
    next_open_draw,
    open_draws_today,
)

VE = load_catalog(bundled_catalog_path("ve"))
CR = load_catalog(bundled_catalog_path("cr"))
ZULIA = VE.lottery("zulia")
TACHIRA = VE.lottery("tachira")
MONDAY = date(2026, 11, 23)


def caracas(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}-04:00")


def test_draws_of_a_day_are_aware_in_the_lottery_zone() -> None:
    draws = draws_on(ZULIA, MONDAY)
    assert [d.at.strftime("%H:%M") for d in draws] == ["12:45", "16:45", "19:05"]
    assert all(d.at.tzinfo is ZULIA.timezone and d.lottery_id == "zulia" for d in draws)


def test_days_are_iso_weekdays() -> None:
    sunday = MONDAY + timedelta(days=6)
    assert draws_on(TACHIRA, sunday) == ()
    assert len(draws_on(TACHIRA, MONDAY)) == 3
    assert len(draws_between(TACHIRA, MONDAY, 7)) == 18


def test_a_draw_closes_close_minutes_before_it() -> None:
    draw = draw_at(ZULIA, MONDAY, 12, 45)
    assert draw is not None
    assert closes_at(draw) == caracas("2026-11-23T12:40:00")
    assert is_open(draw, caracas("2026-11-23T12:39:59"))
    assert not is_open(draw, caracas("2026-11-23T12:40:00"))
    assert draw_at(ZULIA, MONDAY, 12, 0) is None


def test_open_works_across_time_zones() -> None:
    draw = draw_at(ZULIA, MONDAY, 12, 45)
    assert draw is not None
    assert is_open(draw, datetime.fromisoformat("2026-11-23T16:39:00+00:00"))
    assert not is_open(draw, datetime.fromisoformat("2026-11-23T16:41:00+00:00"))


@pytest.mark.parametrize(("now", "expected"), [
    ("2026-11-23T09:30:00", "2026-11-23 12:45"),
    ("2026-11-23T12:40:00", "2026-11-23 16:45"),
    ("2026-11-23T19:30:00", "2026-11-24 12:45"),
])
def test_next_open_draw(now: str, expected: str) -> None:
    draw = next_open_draw(VE, "zulia", caracas(now))
    assert draw is not None and draw.at.strftime("%Y-%m-%d %H:%M") == expected


def test_next_open_draw_skips_days_without_draws() -> None:
    draw = next_open_draw(VE, TACHIRA, caracas("2026-11-28T23:00:00"))  # Saturday night
    assert draw is not None and draw.at.strftime("%a %H:%M") == "Mon 13:15"


def test_open_draws_today() -> None:
    assert [d.at.strftime("%H:%M") for d in open_draws_today(VE, ZULIA, caracas(
        "2026-11-23T13:10:00"))] == ["16:45", "19:05"]
    assert open_draws_today(VE, ZULIA, caracas("2026-11-23T19:30:00")) == []


def test_local_date_is_the_lottery_date_not_the_machine_date() -> None:
    late_utc = datetime.fromisoformat("2026-11-24T03:00:00+00:00")
    assert local_date(ZULIA, late_utc) == MONDAY
    assert local_date(CR.lottery("tica"), late_utc) == MONDAY


def test_a_naive_now_is_read_in_the_lottery_zone() -> None:
    draw = next_open_draw(VE, ZULIA, datetime(2026, 11, 23, 13, 0))
    assert draw is not None and draw.at.hour == 16


def test_draw_is_a_frozen_value() -> None:
    draw = Draw("zulia", caracas("2026-11-23T12:45:00"), 5)
    assert draw == Draw("zulia", caracas("2026-11-23T12:45:00"), 5)
    with pytest.raises(AttributeError):
        draw.at = caracas("2026-11-23T16:45:00")  # type: ignore[misc]


def test_a_lottery_id_needs_its_catalog() -> None:
    with pytest.raises(ValueError):
        next_open_draw(None, "zulia", caracas("2026-11-23T09:00:00"))
