"""Reading the period of a /ventas request: the days people type (see
:func:`lottery.day_input.parse_day`), the period words ``semana`` and ``mes``, from and to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from lottery.day_input import parse_day
from services.reports.errors import ReportError, ReportProblem

MAX_DAYS = 93  # a quarter; longer reports would be dozens of messages


@dataclass(frozen=True)
class Period:
    """Local days from ``first`` to ``last``, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError("a period cannot end before it starts")

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """``[start, end)`` in UTC: local midnight of the first day to that after the last."""
        start = datetime.combine(self.first, time.min, tzinfo=tz)
        end = datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=tz)
        return start.astimezone(UTC), end.astimezone(UTC)


_WEEK = {"semana", "week"}  # the last 7 days, today included
_MONTH = {"mes", "month"}  # from the 1st of this month to today
_EVERYONE = {"todos", "todo", "all"}
_USER_ID = re.compile(r"^-?\d{3,}$")  # longer than a day of the month


def _span(word: str, today: date) -> tuple[date, date] | None:
    """The days a word names, or None when it names none."""
    if word in _WEEK:
        return today - timedelta(days=6), today
    if word in _MONTH:
        return today.replace(day=1), today
    day = parse_day(word, today)
    return None if day is None else (day, day)


@dataclass(frozen=True)
class ReportQuery:
    """What ``/ventas`` asked for: a period, and maybe a person (``@luis``, an id) or everyone."""

    period: Period
    who: str | None = None
    everyone: bool = False


def parse_query(args: str | None, today: date) -> ReportQuery:
    """``[@seller|id|todos] [from] [to]`` in any order; no date means today. Raises
    :class:`ReportProblem`."""
    spans: list[tuple[date, date]] = []
    who: str | None = None
    everyone = False
    for raw in (args or "").split():
        word = raw.lower().strip(",;")
        span = _span(word, today)
        if span is not None:
            spans.append(span)
        elif word in _EVERYONE:
            everyone = True
        elif who is None and ((raw.startswith("@") and len(raw) > 1) or _USER_ID.match(word)):
            who = raw
        else:
            raise ReportProblem(ReportError.BAD_WORD, raw)
    if len(spans) > 2:
        raise ReportProblem(ReportError.TOO_MANY_DATES)
    if not spans:
        spans = [(today, today)]
    period = Period(min(s[0] for s in spans), max(s[1] for s in spans))
    if len(period.days) > MAX_DAYS:
        raise ReportProblem(ReportError.TOO_LONG)
    return ReportQuery(period, who, everyone)
