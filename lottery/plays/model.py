"""What the parser produces: wagers, per-line errors, and the result that holds both."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from lottery.plays.messages import render_message


class Wager(NamedTuple):
    """One stake on one number (and sign) of one game in one draw; immutable.

    ``draw`` is aware, in the lottery's time zone; ``line`` is the message line it was read from.
    A named tuple rather than a dataclass: the parser makes thousands of these per message burst,
    and a frozen dataclass costs four times as much to build.
    """

    lottery: str
    draw: datetime
    game: str
    number: str
    sign: str | None
    amount: Decimal
    line: int = 0

    @property
    def key(self) -> tuple[str, datetime, str, str, str | None, Decimal]:
        """What the wager is, without where it was written (for comparing and grouping)."""
        return (self.lottery, self.draw, self.game, self.number, self.sign, self.amount)


@dataclass(frozen=True)
class PlayError:
    """Why one line (or fragment) of a message was not sold.

    ``code`` is one of docs/plays.md's error codes; ``message`` is produced on access in the
    current locale, from ``msgid`` and ``params``, so the same error reads in Spanish or English.
    """

    line: int
    text: str
    code: str
    msgid: str = field(repr=False)
    params: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def message(self) -> str:
        return render_message(self.msgid, self.params)

    def message_in(self, locale: str) -> str:
        return render_message(self.msgid, self.params, locale)


def play_error(line: int, text: str, code: str, msgid: str, params: Mapping[str, Any]
               ) -> PlayError:
    """A ``PlayError`` built without the frozen dataclass's (slow) ``__init__``."""
    error = object.__new__(PlayError)
    error.__dict__.update(line=line, text=text, code=code, msgid=msgid, params=params)
    return error


@dataclass
class ParseResult:
    wagers: list[Wager] = field(default_factory=list)
    errors: list[PlayError] = field(default_factory=list)
    used_default_lottery: bool = False
    #: lines (from 1) that took their lottery from the caller: the remembered one, or the open
    #: ticket's (``parse_message``'s ``default_lottery`` / ``context``)
    default_lines: frozenset[int] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> Decimal:
        return sum((w.amount for w in self.wagers), Decimal("0.00"))
