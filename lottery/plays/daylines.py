"""Which day each line of a message is about (docs/plays.md).

A line's day comes from, in order: its own spec, its header's or footer's spec (when it takes its
lottery from there), the day line above it (``para mañana:``), the day footer (a day line that is
the message's last line, total lines aside). Only messages that hold a day word get this far.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lottery.plays import messages as M
from lottery.plays.days import Day
from lottery.plays.errors import Fail
from lottery.plays.lines import BROKEN, DAY, EMPTY, TOTAL_LINE

if TYPE_CHECKING:
    from lottery.plays.reader import LinePlan


def is_day_line(plan: LinePlan) -> bool:
    """A line holding only a day word; a broken one (``hoy mañana``) still sets the day of the
    lines below it, so that they fail rather than sell today."""
    return plan.kind == DAY or (plan.kind == BROKEN and plan.day is not None and not plan.lots)


class DayLines:
    """The day lines of one message and the lines that took their day from them."""

    __slots__ = ("above", "footer", "plans", "used")

    def __init__(self, plans: list[LinePlan | None]) -> None:
        self.plans = plans
        #: for each line, the nearest day line above it
        self.above: list[int | None] = []
        last = None
        for idx, plan in enumerate(plans):
            self.above.append(last)
            if plan is not None and is_day_line(plan):
                last = idx
        self.footer = self._footer()
        self.used: set[int] = set()

    def _footer(self) -> int | None:
        """The message's last meaningful line (total lines aside), when it is a day line."""
        for idx in range(len(self.plans) - 1, -1, -1):
            plan = self.plans[idx]
            if plan is None or plan.kind == EMPTY or plan.kind == TOTAL_LINE:
                continue
            return idx if is_day_line(plan) else None
        return None

    def spec_day(self, idx: int) -> Day | None:
        """The day of a header or footer line: its own, else the one it inherits."""
        plan = self.plans[idx]
        assert plan is not None
        return plan.day if plan.day is not None else self._inherited(idx)

    def line_day(self, idx: int, plan: LinePlan, source: int | None) -> Day | None:
        """The day of a play line whose lottery is its own or comes from line ``source``.

        The day line that covers the line counts as used even when the line names its own day
        (as a header does when a line names its own lottery).
        """
        self.touch(idx)
        if plan.day is not None:
            return plan.day
        if source is not None and not plan.lots:
            spec = self.plans[source]
            if spec is not None and spec.day is not None:
                return _quoted(spec)
        return self._inherited(idx)

    def unused(self) -> list[int]:
        """Day lines with no play line under them (or above, for a day footer): the person
        meant something by them."""
        return [idx for idx, plan in enumerate(self.plans)
                if plan is not None and plan.kind == DAY and idx not in self.used]

    def touch(self, idx: int) -> None:
        """Play line ``idx`` is there: the day line that covers it is not a stray line."""
        covering = self._covering(idx)
        if covering is not None:
            self.used.add(covering)

    def _covering(self, idx: int) -> int | None:
        """The day line above line ``idx``, else the day footer below it."""
        line = self.above[idx]
        if line is None and self.footer is not None and self.footer > idx:
            line = self.footer
        return line

    def _inherited(self, idx: int) -> Day | None:
        line = self._covering(idx)
        if line is None:
            return None
        plan = self.plans[line]
        assert plan is not None and plan.day is not None
        if plan.error is not None:  # the whole line is quoted: see Fail.at
            raise Fail(plan.error.code, M.BROKEN_SOURCE, params={"source": str(line + 1)})
        return _quoted(plan)


def _quoted(plan: LinePlan) -> Day:
    """A day word written on another line: errors quote the word, not this line's tokens."""
    day = plan.day
    assert day is not None
    return Day(day.key, 0, 0, plan.fragment(day.first, day.stop))
