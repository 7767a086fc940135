"""How reading a line fails: the code, the message id, and the fragment it is about."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(slots=True)
class LineError:
    """An error of one line, before it knows its line number."""

    code: str
    msgid: str
    text: str
    params: dict[str, Any] = field(default_factory=dict)


class Quotes(Protocol):
    """A read line that can quote the fragment written by tokens ``first`` to ``stop - 1``."""

    def fragment(self, first: int, stop: int) -> str: ...


class Fail(Exception):
    """Raised while reading or resolving a line.

    ``first``/``stop`` are token indices (``stop`` excluded) of the fragment at fault; ``text``
    replaces the quote when the fragment is not a run of tokens (a whole line, part of a number).
    """

    def __init__(
        self, code: str, msgid: str, first: int = 0, stop: int = 0, *, resume: int = 0,
        params: dict[str, Any] | None = None, text: str | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.msgid = msgid
        self.first = first
        self.stop = stop
        self.resume = resume
        self.params = params or {}
        self.text = text

    def at(self, line: Quotes) -> LineError:
        text = self.text if self.text is not None else line.fragment(self.first, self.stop)
        return LineError(self.code, self.msgid, text, {"text": text, **self.params})
