"""Days as people type them in commands: `hoy`, `ayer`, `23/11`, `23/11/2026`, `2026-11-23`."""

from __future__ import annotations

import re
from datetime import date, timedelta

_DMY = re.compile(r"(\d{1,2})[/-](\d{1,2})(?:[/-](\d{2}|\d{4}))?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDS = {"hoy": 0, "today": 0, "ayer": -1, "yesterday": -1, "anteayer": -2}


def parse_day(text: str, today: date) -> date | None:
    """None when the text is not a day; a day without a year is the latest one not after today."""
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
            guess = date(today.year, month, day)
            return guess if guess <= today else date(today.year - 1, month, day)
    except ValueError:
        return None
    return None
