"""Day words (docs/plays.md): ``hoy``, ``mañana``, ``pasado mañana``, ``lunes``….

A day word is part of a draw spec: it sets the day that the spec's times, its ``todos`` or its
lack of a time refer to. It may also stand alone on a line (``para mañana:``), setting the day of
the lines below it, or of the lines above it when it is the message's last line.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

#: keys of ``vocab.DAYS`` from here on are 10 + the ISO weekday
WEEKDAY_BASE = 10


class Day(NamedTuple):
    """A day word: ``key`` (days from today, or 10 + ISO weekday) and the tokens that wrote it.

    ``text`` is set when the word was written on another line than the one being resolved
    (a header, a day line): errors then quote it instead of a fragment of the line itself.
    """

    key: int
    first: int
    stop: int
    text: str | None = None


def day_date(key: int, today: date) -> date:
    """The date a day word names: ``mañana`` is today + 1; a weekday is the next one, today
    included (``lunes`` on a Monday is today, and a closed Monday is an error, not next week)."""
    if key < WEEKDAY_BASE:
        return today + timedelta(days=key)
    return today + timedelta(days=(key - WEEKDAY_BASE - today.isoweekday()) % 7)
