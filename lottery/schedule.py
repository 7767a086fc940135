"""The draw schedule: which draws a lottery has on a day, in its own time zone, and which are open.

A draw is open for sale while ``now < draw time − close_minutes``. "now" is always passed in.
Sales, the parser and the house provider's job that creates draws ahead all ask this module, so
they agree on what "open" and "next" mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from lottery.catalog import Catalog, Lottery

#: How far ahead ``next_open_draw`` looks (a lottery may skip days, never a whole week and more).
HORIZON_DAYS = 14


@dataclass(frozen=True, slots=True)
class Draw:
    """One draw of one lottery; ``at`` is aware, in the lottery's time zone."""

    lottery_id: str
    at: datetime
    close_minutes: int = 0

    @property
    def closes_at(self) -> datetime:
        return self.at - timedelta(minutes=self.close_minutes)


def closes_at(draw: Draw) -> datetime:
    """When sales for the draw stop."""
    return draw.closes_at


def is_open(draw: Draw, now: datetime) -> bool:
    """True while ``now`` is before the draw's closing time (``now`` must be aware)."""
    return now < draw.closes_at


def local_date(lottery: Lottery, now: datetime) -> date:
    """Today's date where the lottery draws."""
    return _aware(now, lottery).astimezone(lottery.timezone).date()


@lru_cache(maxsize=4096)
def draws_on(lottery: Lottery, day: date) -> tuple[Draw, ...]:
    """The lottery's draws on a local date, in time order; none on days it does not draw."""
    if day.isoweekday() not in lottery.days:
        return ()
    return tuple(
        Draw(lottery.id, datetime.combine(day, t, tzinfo=lottery.timezone), lottery.close_minutes)
        for t in lottery.times
    )


def open_draws_today(catalog: Catalog | None, lottery: Lottery | str, now: datetime) -> list[Draw]:
    """Today's draws (lottery's local date) that are still open at ``now``."""
    lot = _lottery(catalog, lottery)
    now = _aware(now, lot)
    return [d for d in draws_on(lot, local_date(lot, now)) if is_open(d, now)]


def next_open_draw(catalog: Catalog | None, lottery: Lottery | str, now: datetime) -> Draw | None:
    """The first draw still open at ``now`` and not stopped by the banca (``Lottery.stopped``):
    today's, else tomorrow's or later; ``None`` if none."""
    lot = _lottery(catalog, lottery)
    now = _aware(now, lot)
    day = local_date(lot, now)
    for offset in range(HORIZON_DAYS + 1):
        for draw in draws_on(lot, day + timedelta(days=offset)):
            if is_open(draw, now) and not (lot.stopped and draw.at in lot.stopped):
                return draw
    return None


def draw_at(lottery: Lottery, day: date, hour: int, minute: int) -> Draw | None:
    """The lottery's draw at HH:MM on a local date, if it has one."""
    for draw in draws_on(lottery, day):
        if draw.at.hour == hour and draw.at.minute == minute:
            return draw
    return None


def draws_between(lottery: Lottery, start: date, days: int) -> list[Draw]:
    """All draws on ``days`` consecutive local dates from ``start`` (to create draws ahead)."""
    return [d for offset in range(days) for d in draws_on(lottery, start + timedelta(days=offset))]


def _lottery(catalog: Catalog | None, lottery: Lottery | str) -> Lottery:
    if isinstance(lottery, Lottery):
        return lottery
    if catalog is None:
        raise ValueError("a catalog is needed to look a lottery up by id")
    return catalog.lottery(lottery)


def _aware(now: datetime, lottery: Lottery) -> datetime:
    """A naive ``now`` is read in the lottery's time zone rather than the machine's."""
    return now if now.tzinfo is not None else now.replace(tzinfo=lottery.timezone)
