"""The open ticket read from its messages (services.order), the parser's open-ticket draws, and
Corregir's text (services.correction)."""

from __future__ import annotations

from datetime import timedelta

from lottery.plays import parse_message
from services.correction import correction_text
from services.order import Order, Source, read_order
from storage.models import User, UserRole
from tests.unit.plays_helpers import NOW_VE, catalog, compact, parse

SELLER = User(id=1, role=UserRole.SELLER)


def _order(*texts: str, remembered: str | None = None) -> Order:
    return Order(tuple(Source(i + 1, t, NOW_VE, remembered) for i, t in enumerate(texts)))


def _read(*texts: str, remembered: str | None = None) -> list[str]:
    return [compact(w) for w in read_order(_order(*texts, remembered=remembered), catalog(),
                                           SELLER).wagers]


def test_a_line_with_no_lottery_takes_the_open_tickets_draw() -> None:
    first = parse("zulia 7:05pm 777 x5").wagers[0]
    later = parse_message("678 x5", catalog(), NOW_VE, context=[(first.lottery, [first.draw])])
    assert [compact(w) for w in later.wagers] == ["zulia 11-23 19:05 triple 678 5.00"]
    assert later.default_lines == frozenset({1})


def test_a_line_with_its_own_time_takes_only_the_open_tickets_lottery() -> None:
    assert _read("zulia 7:05pm 777 x5", "678 x5 4:45pm")[1] == "zulia 11-23 16:45 triple 678 5.00"


def test_a_header_of_two_lotteries_carries_over_to_the_next_message() -> None:
    got = _read("zulia y caracas 7pm\n777 x5", "678 x5")
    assert got[2:] == ["zulia 11-23 19:05 triple 678 5.00", "caracas 11-23 19:10 triple 678 5.00"]


def test_a_line_naming_its_lottery_keeps_it_and_becomes_the_open_draw() -> None:
    got = _read("zulia 7:05pm 777 x5", "caracas 1pm 111 x5", "222 x5")
    assert got[1:] == ["caracas 11-23 13:00 triple 111 5.00", "caracas 11-23 13:00 triple 222 5.00"]


def test_lines_are_numbered_through_the_whole_order() -> None:
    reading = read_order(_order("leon x5 activo 10am\n", "5 x5\n123 x5"), catalog(), SELLER)
    assert [e.line for e in reading.errors] == [4]  # «123» is no animal of Lotto Activo
    assert reading.origins.borrowed == frozenset({3, 4})
    assert reading.per_source == [(1, 0), (1, 1)]


def test_the_first_message_takes_the_remembered_lottery_and_says_which_lines() -> None:
    reading = read_order(_order("123 x5\nzulia 1pm 456 x5", remembered="zulia"), catalog(), SELLER)
    assert reading.origins.remembered == frozenset({1})
    assert reading.origins.remembered_lottery == "zulia"


def test_an_order_survives_its_storage_form() -> None:
    order = _order("zulia 7:05pm 777 x5", "678 x5")
    moved, done = order.moved([("zulia", parse("zulia 12:45 123 x1").wagers[0].draw)], catalog(),
                              NOW_VE + timedelta(hours=4))
    assert done and Order.from_data(moved.to_data()) == moved
    again = Order.from_data(order.to_data()).add(Source(9, "x", NOW_VE, None))
    assert again.sources[-1].text == "x" and again.holds(2) and not again.holds(3)


def test_correct_gives_back_every_line_read_ones_normalised() -> None:
    reading = read_order(_order("zulia 4:45pm\n444 5k\n555 x5,5\n111 x 1.000"), catalog(),
                         SELLER)
    assert correction_text(reading, catalog(), NOW_VE) == (
        "zulia 4:45pm\n444 5k\nzulia 16:45\n555 x5.5\n111 x1000")


def test_correct_writes_a_shared_header_once_and_keeps_the_customer() -> None:
    reading = read_order(_order("cliente: Juan\nzulia 12:45\n123 x5\n456 x5", "789 x5"),
                         catalog(), SELLER)
    text = correction_text(reading, catalog(), NOW_VE)
    assert text.startswith("cliente: Juan\nzulia 12:45\n")
    assert text.count("zulia") == 1 and "789" in text
    again = read_order(_order(text), catalog(), SELLER)
    assert sorted(map(compact, again.wagers)) == sorted(map(compact, reading.wagers))
