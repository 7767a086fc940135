"""A day as people type it in a command: ``hoy``/``today``, ``ayer``/``yesterday``,
``anteayer``, ``2026-11-23``, ``23/11``, ``23/11/26``, ``23/11/2026`` (also with ``-`` or ``.``)
and a bare day of the month (``23``).

One reader for every command (/ventas, /resultados), so a date typed for one is read the same
by the other. Pure: "today" is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

_WORDS = {"hoy": 0, "today": 0, "ayer": -1, "yesterday": -1, "anteayer": -2}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?")
_DAY = re.compile(r"\d{1,2}")
_LOOK_BACK = 13  # tries: a year of months, or 13 years (enough to reach a 29 February)


def parse_day(text: str, today: date) -> date | None:
    """The day ``text`` names, or None when it names none (or an impossible date). A date
    without a year (``23/11``) or a bare day of the month (``23``) means the latest such date
    not after today: people ask about what happened, not what will."""
    word = text.strip().lower()
    if word in _WORDS:
        return today + timedelta(days=_WORDS[word])
    try:
        if m := _ISO.fullmatch(word):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.fullmatch(word):
            day, month = int(m[1]), int(m[2])
            if m[3]:
                year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
                return date(year, month, day)
            return _latest(today, lambda year, _month: date(year, month, day), step_years=True)
        if _DAY.fullmatch(word):
            day = int(word)
            return _latest(today, lambda year, month: date(year, month, day))
    except ValueError:
        return None
    return None


def _latest(today: date, make: Callable[[int, int], date], *, step_years: bool = False) -> date:
    """The latest valid ``make(year, month)`` not after today, stepping back a month at a time
    (or a year at a time with ``step_years``). Raises ValueError when there is none."""
    year, month = today.year, today.month
    for _attempt in range(_LOOK_BACK):
        try:
            day: date | None = make(year, month)
        except ValueError:
            day = None
        if day is not None and day <= today:
            return day
        if step_years:
            year -= 1
        else:
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    raise ValueError("no such day")
