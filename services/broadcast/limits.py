"""Telegram's sending limits, as rules a limiter can enforce.

Telegram answers 429 beyond about 30 messages per second overall, one per second in a chat and
20 per minute in a group; ``allow_paid_broadcast`` raises the overall budget to 1,000/s (for a
fee). Paid messages use their own overall budget: they are billed *because* they ignore the
free one.

Two kinds of rule:

- :class:`Window`, "at most ``capacity`` messages in any ``span`` seconds": how the fake Bot API
  server (and, as far as anyone can tell, Telegram) counts, so it is the hard ceiling. A token
  bucket would allow twice the rate across a window boundary and earn 429s.
- :class:`Pace`, the overall budget as an even schedule (GCRA: one message per ``interval``,
  up to ``tolerance`` seconds ahead of it). Without it a whole second's budget leaves in one
  burst, and a burst of hundreds of requests delays its own last ones past any margin, into
  Telegram's next window. The schedule is anchored to itself, not to when each sender actually
  woke up, so a busy event loop does not make it drift below the rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

GLOBAL = "global"
PAID = "paid"


@dataclass(frozen=True)
class Window:
    key: str
    capacity: int
    span: float  # seconds


@dataclass(frozen=True)
class Pace:
    key: str
    interval: float  # seconds between messages on the schedule
    tolerance: float  # how far ahead of the schedule a message may go (the burst)


Rule = Window | Pace


@dataclass(frozen=True)
class Limits:
    """What the limiter allows. Every window and interval is stretched by ``margin`` (a
    fraction): it absorbs the time between taking a permit and Telegram counting the request
    (network, event loop), which would otherwise push a send stamped at the end of a window into
    the next one. 0.05 (50 ms a second) costs under 5 % of the throughput. ``smoothing`` is the
    pace's tolerance in seconds (0 turns the pace off)."""

    global_per_second: float = 30.0
    paid_per_second: float = 1000.0
    per_chat_per_second: float = 1.0
    per_group_per_minute: float = 20.0
    margin: float = 0.05
    smoothing: float = 0.1

    def __post_init__(self) -> None:
        rates = (
            self.global_per_second,
            self.paid_per_second,
            self.per_chat_per_second,
            self.per_group_per_minute,
        )
        if any(r <= 0 for r in rates) or self.margin < 0 or not 0 <= self.smoothing <= 1:
            raise ValueError(f"limits out of range: {self!r}")

    def overall(self, paid: bool) -> list[Rule]:
        """The rules every message shares: the free budget's, or the paid broadcast's."""
        key, rate = (PAID, self.paid_per_second) if paid else (GLOBAL, self.global_per_second)
        found: list[Rule] = [self._window(key, rate, 1.0)]
        if self.smoothing:
            found.append(Pace(f"{key}:pace", (1 + self.margin) / rate, self.smoothing))
        return found

    def rules(self, chat_id: int | str | None, paid: bool) -> list[Rule]:
        """Every rule a message to ``chat_id`` counts against (overall first)."""
        found = self.overall(paid)
        if chat_id is None:
            return found  # e.g. an inline message edit: no chat to attribute it to
        found.append(self._window(f"chat:{chat_id}", self.per_chat_per_second, 1.0))
        if is_group(chat_id):
            found.append(self._window(f"group:{chat_id}", self.per_group_per_minute / 60, 60.0))
        return found

    def lookahead(self, paid: bool) -> int:
        """How many messages a sender may queue ahead of the budget: one burst's worth."""
        rate = self.paid_per_second if paid else self.global_per_second
        return max(1, math.floor(rate * self.smoothing))

    def _window(self, key: str, rate: float, per: float) -> Window:
        """``rate`` per second over ``per`` seconds; slower than one per window → one per
        1/rate."""
        events = rate * per
        stretch = 1 + self.margin
        if events >= 1:
            return Window(key, math.floor(events), per * stretch)
        return Window(key, 1, stretch / rate)


def is_group(chat_id: int | str) -> bool:
    """Groups, supergroups and channels have negative ids (or an ``@username``)."""
    if isinstance(chat_id, str):
        return chat_id.startswith(("@", "-"))
    return chat_id < 0


#: Bot API methods that put a message in a chat (or change one) and so count against the limits.
_MESSAGE_PREFIXES = ("send", "copy", "forward", "edit", "stopPoll", "stopMessageLiveLocation")
_NOT_MESSAGES = frozenset({"sendChatAction"})


def counts_as_message(api_method: str) -> bool:
    return api_method.startswith(_MESSAGE_PREFIXES) and api_method not in _NOT_MESSAGES
