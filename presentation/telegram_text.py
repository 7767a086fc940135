"""Telegram's size rules for what the bot sends, counted as Telegram counts them."""

from __future__ import annotations

from html.parser import HTMLParser

MAX_TEXT = 4096  # characters of a message, after entity parsing
MAX_CAPTION = 1024  # characters of a photo's caption, after entity parsing


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def utf16_length(text: str) -> int:
    """Telegram counts UTF-16 code units: an emoji such as 🏆 is two."""
    return len(text.encode("utf-16-le")) // 2


def visible_length(html: str) -> int:
    """What the reader sees once Telegram has parsed the HTML (tags out, ``&amp;`` → &), counted
    as Telegram counts it."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return utf16_length("".join(parser.parts))


def fits_caption(html: str) -> bool:
    """Whether ``html`` can be a photo's caption. The markup is never shorter than what it shows,
    so a short one is taken without parsing it."""
    return utf16_length(html) <= MAX_CAPTION or visible_length(html) <= MAX_CAPTION


def split_text(html: str, limit: int = MAX_TEXT) -> list[str]:
    """``html`` in pieces Telegram takes as messages, cut between lines (a seller's hundred plays
    outgrow one message). Every tag the bot writes opens and closes on one line, so each piece
    stays well-formed. A line too long on its own (never one of the bot's) is cut inside."""
    if utf16_length(html) <= limit:  # the markup is never shorter than what it shows
        return [html]
    pieces: list[str] = []
    lines: list[str] = []
    size = 0
    for line in html.split("\n"):
        width = visible_length(line)
        if lines and size + 1 + width > limit:
            pieces.append("\n".join(lines))
            lines, size = [], 0
        while width > limit:
            cut = _fitting_prefix(line, limit)
            pieces.append(line[:cut])
            line = line[cut:]
            width = visible_length(line)
        size += (1 if lines else 0) + width
        lines.append(line)
    if lines:
        pieces.append("\n".join(lines))
    return [piece for piece in pieces if piece.strip()] or pieces[:1]


def _fitting_prefix(line: str, limit: int) -> int:
    """How many characters of ``line`` make at most ``limit`` UTF-16 units of markup."""
    cut = limit
    while (over := utf16_length(line[:cut]) - limit) > 0:
        cut -= max(1, over // 2)
    return cut
