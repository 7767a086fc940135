"""Telegram's length rules: what the reader sees is counted; long texts are cut at lines."""

from __future__ import annotations

from presentation.telegram_text import MAX_TEXT, fits_caption, split_text, visible_length


def _ticket_lines(n: int) -> str:
    return "\n".join(f"<b>{i:03d}</b> Sagitario · Triple con signo · Bs. 1.000,00"
                     for i in range(n))


def test_markup_and_entities_do_not_count_as_characters() -> None:
    assert visible_length("<b>123</b> &amp; <code>ABC</code>") == len("123 & ABC")
    assert fits_caption("<b>" + "x" * 1024 + "</b>")
    assert not fits_caption("x" * 1025)


def test_a_text_that_fits_is_sent_as_it_is() -> None:
    text = _ticket_lines(10)
    assert split_text(text) == [text]
    markup_heavy = "\n".join(f"<b><code>{i}</code></b>" for i in range(400))  # 8 kB, 2 kB shown
    assert len(markup_heavy) > MAX_TEXT and split_text(markup_heavy) == [markup_heavy]


def test_a_long_text_is_cut_between_lines_and_loses_nothing() -> None:
    text = _ticket_lines(200)  # about 9,000 characters shown
    pieces = split_text(text)
    assert len(pieces) == 3
    assert all(visible_length(p) <= MAX_TEXT for p in pieces)
    assert "\n".join(pieces) == text  # every line whole, in order, tags closed where opened
    assert all(p.count("<b>") == p.count("</b>") for p in pieces)


def test_a_line_longer_than_a_message_is_cut_inside() -> None:
    pieces = split_text("intro\n" + "x" * (MAX_TEXT + 10))
    assert pieces == ["intro", "x" * MAX_TEXT, "x" * 10]


def test_an_emoji_counts_twice_as_telegram_counts_it() -> None:
    assert visible_length("🏆 <b>ok</b>") == 5
    line = "🏆" * 3000  # 6,000 UTF-16 units: two messages
    pieces = split_text(line)
    assert [visible_length(p) for p in pieces] == [4096, 6000 - 4096]
    assert "".join(pieces) == line
