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


def visible_length(html: str) -> int:
    """Characters the reader sees once Telegram has parsed the HTML (tags out, ``&amp;`` → &)."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return len("".join(parser.parts))


def fits_caption(html: str) -> bool:
    """Whether ``html`` can be a photo's caption. The markup is never shorter than what it shows,
    so a short one is taken without parsing it."""
    return len(html) <= MAX_CAPTION or visible_length(html) <= MAX_CAPTION
