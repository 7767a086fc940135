"""Draw specs: lottery names plus times (or ``todos``, or nothing) → the draws they name.

docs/plays.md: a time names a draw of *today* (in the lottery's time zone) and is never moved
to another draw or day; no time means the next open draw; ``todos`` every draw still open today.
A day word (v2: ``mañana``, ``sábado``) moves all of that to the day it names.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from lottery.catalog import Lottery
from lottery.plays import messages as M
from lottery.plays.days import Day, day_date
from lottery.plays.errors import Fail
from lottery.plays.items import WrittenTime, WrittenTimeSpan
from lottery.schedule import HORIZON_DAYS, Draw, draws_on


@lru_cache(maxsize=4096)
def _day(lottery: Lottery, day: date) -> tuple[tuple[Draw, datetime], ...]:
    """A day's draws with their closing times.

    Closing times are in the lottery's zone, like the local "now" they are compared with: two
    datetimes with the same ``tzinfo`` compare without working out UTC offsets, which matters
    in a loop that runs for every message.
    """
    return tuple((d, d.closes_at) for d in draws_on(lottery, day))


@lru_cache(maxsize=256)
def _index(lot: Lottery) -> tuple[dict[tuple[int, int], int], dict[int, tuple[int, ...]]]:
    """Positions in ``lot.times`` by (hour, minute) and by hour."""
    by_time = {(t.hour, t.minute): k for k, t in enumerate(lot.times)}
    by_hour: dict[int, tuple[int, ...]] = {}
    for k, t in enumerate(lot.times):
        by_hour[t.hour] = (*by_hour.get(t.hour, ()), k)
    return by_time, by_hour


_UNSET = object()
_ONE_DAY = timedelta(days=1)


class DrawFinder:
    """Finds draws for one message, at one ``now``."""

    __slots__ = ("_local", "_next", "now")

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._local: dict[object, tuple[datetime, date]] = {}
        self._next: dict[str, Draw | None] = {}

    def local(self, lot: Lottery) -> tuple[datetime, date]:
        """``now`` in the lottery's time zone, and that day's date."""
        found = self._local.get(lot.timezone)
        if found is None:
            here = self.now.astimezone(lot.timezone)
            found = self._local[lot.timezone] = (here, here.date())
        return found

    def today(self, lot: Lottery) -> date:
        return self.local(lot)[1]

    def next_open(self, lot: Lottery) -> Draw | None:
        found = self._next.get(lot.id, _UNSET)
        if found is not _UNSET:
            return found  # type: ignore[return-value]
        found = None
        here = self._local.get(lot.timezone)
        now, day = here if here is not None else self.local(lot)
        for _ in range(HORIZON_DAYS + 1):
            for draw, close in _day(lot, day):
                if now < close:
                    if lot.stopped and draw.at in lot.stopped:  # the banca stopped it: skip
                        continue
                    found = draw
                    break
            if found is not None:
                break
            day += _ONE_DAY
        self._next[lot.id] = found
        return found

    def draws(self, lot: Lottery, clocks: list[WrittenTimeSpan], allday: tuple[int, int] | None,
              start: int, end: int, day: Day | None = None) -> list[Draw]:
        """The draws of ``lot`` that a spec names; ``Fail`` with the fragment at fault.

        ``start``/``end`` locate the lottery's name, for errors about the lottery itself;
        ``day`` is the spec's day word, if it has one (then everything is on that day).
        """
        if day is not None:
            return self._on_day(lot, clocks, allday, day)
        if not clocks and allday is None:
            draw = self.next_open(lot)
            if draw is None:
                raise Fail("no_such_draw", M.NO_DRAWS, start, end, params={"lottery": lot.name})
            return [draw]
        if allday is not None:
            if clocks:
                raise Fail("ambiguous", M.ALLDAY_AND_TIMES, *allday)
            now, day = self.local(lot)
            today = _day(lot, day)
            found = [d for d, close in today if now < close]
            if not found:
                raise self._no_draw_today(lot, bool(today), allday)
            return found
        found = []
        for clock, cstart, cend in clocks:
            draw = self._at(lot, clock, (cstart, cend))
            if draw not in found:
                found.append(draw)
        return found

    def _on_day(self, lot: Lottery, clocks: list[WrittenTimeSpan],
                allday: tuple[int, int] | None, day: Day) -> list[Draw]:
        """The draws a spec with a day word names: its times, ``todos``, or that day's first
        open draw. Only today's draws can have closed; a day without draws is an error."""
        now, today = self.local(lot)
        date = day_date(day.key, today)
        draws = _day(lot, date)
        span, text = (day.first, day.stop), day.text
        if not draws:
            nxt = self.next_open(lot)
            if nxt is None:
                raise Fail("no_such_draw", M.NO_DRAWS, *span, text=text,
                           params={"lottery": lot.name})
            raise Fail("no_such_draw", M.NO_DRAWS_ON_DAY, *span, text=text, params={
                "lottery": lot.name, "day": M.DayName(date, today),
                "next": M.When(nxt.at, today)})
        if clocks:
            if allday is not None:
                raise Fail("ambiguous", M.ALLDAY_AND_TIMES, *allday)
            found: list[Draw] = []
            for clock, cstart, cend in clocks:
                draw = self._at(lot, clock, (cstart, cend), date)
                if draw not in found:
                    found.append(draw)
            return found
        found = [d for d, close in draws if now < close]
        if not found:
            raise Fail("closed_draw", M.ALLDAY_CLOSED, *(allday or span),
                       text=None if allday else text,
                       params={"lottery": lot.name, "next": M.When(self._after(lot), today)})
        return found if allday is not None else found[:1]

    def _after(self, lot: Lottery) -> datetime:
        nxt = self.next_open(lot)
        assert nxt is not None  # a lottery with draws today has some later (HORIZON_DAYS)
        return nxt.at

    def _at(self, lot: Lottery, clock: WrittenTime, span: tuple[int, int],
            date: date | None = None) -> Draw:
        hour, minute, mer = clock
        by_time, by_hour = _index(lot)
        if minute is None:  # an hour alone: 4pm, 10am, 12m
            found = by_hour.get(_hour24(hour, mer), ())
            if len(found) > 1:
                raise Fail("ambiguous", M.HOUR_AMBIGUOUS, *span,
                           params={"lottery": lot.name, "times": [lot.times[k] for k in found]})
        elif mer is not None:
            k = by_time.get((_hour24(hour, mer), minute))
            found = () if k is None else (k,)
        elif 1 <= hour <= 11:  # 4:45 is 4:45 or 16:45, whichever exists (the next open if both)
            found = tuple(k for k in (by_time.get((hour, minute)), by_time.get((hour + 12, minute)))
                          if k is not None)
        else:
            k = by_time.get((hour, minute))
            found = () if k is None else (k,)
        if not found:
            raise Fail("no_such_draw", M.NO_SUCH_DRAW, *span,
                       params={"lottery": lot.name, "times": list(lot.times)})
        now, day = self.local(lot)
        today = _day(lot, day if date is None else date)  # a day word's date (checked to draw)
        if not today:
            raise self._no_draw_today(lot, False, span)
        for k in found:
            draw, close = today[k]
            if now < close:
                return draw
        closed = today[found[-1]][0]
        nxt = self.next_open(lot)
        params = {"lottery": lot.name, "time": M.clock(closed.at), "closed": closed.closes_at}
        if nxt is None:
            raise Fail("closed_draw", M.CLOSED_DRAW_NO_NEXT, *span, params=params)
        params["next"] = M.When(nxt.at, self.today(lot))
        raise Fail("closed_draw", M.CLOSED_DRAW, *span, params=params)

    def _no_draw_today(self, lot: Lottery, had_draws: bool, span: tuple[int, int]) -> Fail:
        nxt = self.next_open(lot)
        if nxt is None:
            return Fail("no_such_draw", M.NO_DRAWS, *span, params={"lottery": lot.name})
        params = {"lottery": lot.name, "next": M.When(nxt.at, self.today(lot))}
        if had_draws:
            return Fail("closed_draw", M.ALLDAY_CLOSED, *span, params=params)
        return Fail("no_such_draw", M.NO_DRAWS_TODAY, *span, params=params)


def _hour24(hour: int, mer: str | None) -> int:
    if mer == "am":
        return 0 if hour == 12 else hour
    if mer == "pm":
        return 12 if hour == 12 else hour + 12
    return hour  # "m" (meridiano) is 12, checked when read
