"""How the conversation names an order's lines: by number when the order is one message, by
message and line there when it is several (``services.line_places``), since the order's own
numbering runs through all its messages and nobody can count it in the chat.

Lines of one reason are said as runs (``102–301``); a run that crosses from one message into the
next is said per message (``message 1, lines 102–150; message 2, lines 1–151``), and messages in
a row with the same lines together (``messages 1–30, line 1``: one play per message).
"""

from __future__ import annotations

from collections.abc import Iterable

from lottery.i18n import _, ngettext
from services.line_places import LinePlaces

DASH = "–"  # en dash: "101–300" reads as a range, "101-300" as an A+B play


def ranges(values: Iterable[int]) -> str:
    """``1–3, 5, 8–9``: sorted whole numbers as runs."""
    runs: list[list[int]] = []
    for value in sorted(set(values)):
        if runs and value == runs[-1][1] + 1:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    return ", ".join(f"{a}" if a == b else f"{a}{DASH}{b}" for a, b in runs)


def in_messages(lines: Iterable[int], places: LinePlaces) -> str:
    """Order lines by message: ``message 1, lines 102–150; message 2, line 1``."""
    runs: list[tuple[list[int], list[int]]] = []  # (messages in a row, their lines)
    for message, local in places.by_message(lines):
        if runs and runs[-1][1] == local and runs[-1][0][-1] == message - 1:
            runs[-1][0].append(message)
        else:
            runs.append(([message], local))
    parts = []
    for messages, local in runs:
        if len(messages) == 1:
            parts.append(ngettext("message {number}, line {lines}",
                                  "message {number}, lines {lines}", len(local)).format(
                number=messages[0], lines=ranges(local)))
        else:
            parts.append(ngettext("messages {numbers}, line {lines}",
                                  "messages {numbers}, lines {lines}", len(local)).format(
                numbers=ranges(messages), lines=ranges(local)))
    return "; ".join(parts)


def line_label(lines: Iterable[int], places: LinePlaces) -> str:
    """Where lines are, as a sentence's first words: ``Message 2, line 1``."""
    text = in_messages(lines, places)
    return text[:1].upper() + text[1:]


def error_line(line: int, text: str, message: str, places: LinePlaces) -> str:
    """A line that could not be read (``text`` and ``message`` as HTML)."""
    if not places.several:
        return _("Line {line}: «{text}» — {message}").format(line=line, text=text,
                                                               message=message)
    number, local = places.place(line)
    return _("Message {number}, line {line}: «{text}» — {message}").format(
        number=number, line=local, text=text, message=message)
