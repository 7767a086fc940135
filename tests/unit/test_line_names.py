"""An order's lines named where the person finds them (services.line_places,
presentation.line_names): by message and line there once the order is several messages."""

from __future__ import annotations

import pytest

from lottery.i18n import current_locale
from presentation.line_names import error_line, in_messages, line_label
from presentation.preview_summary import Entry, grouped
from services.line_places import ONE_MESSAGE, LinePlaces
from services.order import read_order
from tests.unit.plays_helpers import catalog
from tests.unit.test_order import SELLER, _order

#: three messages of 3, 2 and 4 lines: order lines 1–3, 4–5 and 6–9
THREE = LinePlaces.of_texts(["a\nb\nc", "d\r\ne", "f\ng\nh\ni"])


@pytest.fixture(autouse=True)
def _english() -> object:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


def test_an_order_line_is_a_line_of_one_of_its_messages() -> None:
    assert THREE.starts == (1, 4, 6) and THREE.several
    assert [THREE.place(n) for n in (1, 3, 4, 5, 6, 9)] == [
        (1, 1), (1, 3), (2, 1), (2, 2), (3, 1), (3, 4)]
    assert THREE.by_message([7, 2, 3, 6]) == [(1, [2, 3]), (3, [1, 2])]
    assert not ONE_MESSAGE.several and ONE_MESSAGE.place(7) == (1, 7)


def test_the_places_are_the_lines_the_order_is_read_with() -> None:
    texts = ("zulia 7:05pm 777 x5\r\n", "678 x5\n444 5k")
    order = _order(*texts)
    reading = read_order(order, catalog(), SELLER)
    places = [order.places().place(e.line) for e in reading.errors]
    assert places == [(2, 2)]
    assert [texts[m - 1].split("\n")[n - 1] for m, n in places] == ["444 5k"]


def test_lines_are_said_per_message_and_messages_in_a_row_together() -> None:
    assert in_messages([2, 3, 4, 5], THREE) == "message 1, lines 2–3; message 2, lines 1–2"
    assert in_messages([1, 4, 6], THREE) == "messages 1–3, line 1"
    assert in_messages([1, 6], THREE) == "message 1, line 1; message 3, line 1"
    assert line_label([5], THREE) == "Message 2, line 2"


def test_an_unread_line_is_named_by_its_message_only_in_an_order_of_several() -> None:
    assert error_line(5, "5k", "no", ONE_MESSAGE) == "Line 5: «5k» — no"
    assert error_line(5, "5k", "no", THREE) == "Message 2, line 2: «5k» — no"


def test_a_reason_of_several_messages_says_its_lines_per_message() -> None:
    entries = [Entry(n, "too many", f"line {n}") for n in range(2, 8)]
    assert grouped(entries) == ["6 lines (2–7): too many"]
    assert grouped(entries, THREE) == [
        "6 lines (message 1, lines 2–3; messages 2–3, lines 1–2): too many"]
    plays = [Entry(5, "sold out", "x")] * 3 + [Entry(6, "sold out", "x")]
    assert grouped(plays) == ["4 plays (lines 5–6): sold out"]
    assert grouped(plays, THREE) == ["4 plays (message 2, line 2; message 3, line 1): sold out"]
