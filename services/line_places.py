"""Where an order's lines are in the person's messages.

An order's lines are numbered through its messages one after the other (``services.order``), so
that a line has one number however many messages the order has; but a person finds a line in
the chat by its message and its line there. ``LinePlaces`` turns the one into the other.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass


def message_lines(text: str) -> list[str]:
    """A message's lines, as the parser numbers them (from 1)."""
    return text.replace("\r\n", "\n").split("\n")


@dataclass(frozen=True)
class LinePlaces:
    """``starts``: the order line each message starts at, message by message."""

    starts: tuple[int, ...] = (1,)

    @classmethod
    def of_texts(cls, texts: Iterable[str]) -> LinePlaces:
        starts: list[int] = []
        line = 1
        for text in texts:
            starts.append(line)
            line += len(message_lines(text))
        return cls(tuple(starts) or (1,))

    @property
    def several(self) -> bool:
        """Whether the order has more than one message (its line numbers are not a message's)."""
        return len(self.starts) > 1

    def place(self, line: int) -> tuple[int, int]:
        """Order line ``line`` as (its message, its line in that message), both from 1."""
        index = bisect_right(self.starts, line) - 1
        if index < 0:
            return 1, line
        return index + 1, line - self.starts[index] + 1

    def by_message(self, lines: Iterable[int]) -> list[tuple[int, list[int]]]:
        """Order lines as (message, its lines there, sorted), message by message."""
        out: dict[int, list[int]] = {}
        for line in sorted(set(lines)):
            message, local = self.place(line)
            out.setdefault(message, []).append(local)
        return list(out.items())


ONE_MESSAGE = LinePlaces()
"""An order of one message, or lines that are no order's: a line's number is the message's."""
