"""``Clock``: where every part of the bot reads the time from.

A callable returning "now" as an aware ``datetime`` (UTC from ``system_clock``; code converts it
to the zone it needs and never assumes one), injected instead of calling ``datetime.now`` so that
tests move time (``tests/fakes/providers/faults.FakeClock``) instead of sleeping. A time of
day as people write it in a play (``12pm``) is something else: ``lottery.plays.items.WrittenTime``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, aware, in UTC."""
    return datetime.now(UTC)
