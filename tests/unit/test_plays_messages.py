"""Errors name their line and fragment, say what was expected, and suggest a fix; es and en."""

from __future__ import annotations

import pytest

from lottery.i18n import current_locale
from lottery.plays import ERROR_CODES
from tests.unit.plays_helpers import parse


def error(text: str, market: str = "ve", now: str | None = None):
    result = parse(text, market, now)
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_spanish_is_the_default_and_english_is_a_translation_away() -> None:
    e = error("123 x5 zuli")
    assert e.message == e.message_in("es")
    assert e.message_in("es") == "No entendí «zuli». ¿Quisiste decir «zulia»?"
    assert e.message_in("en") == "I did not understand «zuli». Did you mean «zulia»?"
    token = current_locale.set("en")
    try:
        assert e.message == e.message_in("en")
    finally:
        current_locale.reset(token)


def test_missing_amount_shows_how_to_write_it() -> None:
    e = error("123 zulia")
    assert e.code == "missing_amount" and e.text == "123"
    assert e.message_in("es").startswith("Falta el monto")
    assert "123 x5" in e.message_in("es")


def test_last_number_question_offers_the_amount_reading() -> None:
    e = error("123 456 zulia")
    assert e.text == "123 456" and "123 x456" in e.message_in("en")


@pytest.mark.parametrize(("text", "fragment", "words"), [
    ("123 acuaro x5 zulia", "acuaro", ["acuario"]),
    ("leoon x5 activo", "leoon", ["leon"]),
    ("1234 x5 zulia", "1234", ["3"]),
    ("123-ari x5 tachira", "123-ari", ["Triple Táchira", "triples with sign"]),
    ("37 x5 granjita", "37", ["La Granjita", "36"]),
    ("123 x5 zulia 3pm", "3pm", ["12:45 pm", "4:45 pm", "7:05 pm"]),
    ("123 x0 zulia", "0", ["greater than 0"]),
    ("123 x1,505 zulia", "1,505", ["two decimals"]),
    ("000 al 999 x1 zulia", "000 al 999", ["1000", "100"]),
    ("a las 7 123 x5 zulia", "las 7", ["7pm", "19:00"]),
    ("123 x5 r5 zulia", "r5", ["reventados"]),
    ("x-5 123 zulia", "x-5", ["x5"]),
])
def test_messages_name_the_fragment_and_what_was_expected(
        text: str, fragment: str, words: list[str]) -> None:
    e = error(text)
    assert e.text == fragment
    message = e.message_in("en")
    assert f"«{fragment}»" in message or fragment in message
    for word in words:
        assert word in message, message


def test_lottery_names_that_could_be_two_lotteries_are_not_guessed() -> None:
    # a catalog where one typo reaches two lotteries: "zulio" is one edit from "zulia" and "julio"
    from lottery.catalog import catalog_from_dict
    from lottery.plays import parse_message
    from tests.unit.plays_helpers import NOW_VE

    data = {"timezone": "America/Caracas", "close_minutes": 5, "lotteries": [
        {"id": "zulia", "name": "Zulia", "aliases": ["zulia"], "games": ["triple"],
         "times": ["12:45"]},
        {"id": "julio", "name": "Julio", "aliases": ["julio"], "games": ["triple"],
         "times": ["12:45"]},
    ]}
    result = parse_message("123 x5 zulio", catalog_from_dict(data), NOW_VE)
    assert [(e.code, e.text) for e in result.errors] == [("ambiguous", "zulio")]
    assert "Zulia" in result.errors[0].message_in("en")
    assert "Julio" in result.errors[0].message_in("en")


def test_missing_lottery_gives_an_example() -> None:
    e = error("123 x5")
    assert e.code == "missing_lottery" and e.text == "123 x5"
    assert "zulia 12:45" in e.message_in("en")


def test_closed_draw_next_draw_tomorrow() -> None:
    e = error("123 x5 zulia 7:05pm", now="2026-11-23T19:30:00-04:00")
    assert "7:00 pm" in e.message_in("en") and "tomorrow at 12:45 pm" in e.message_in("en")
    assert "mañana" in e.message_in("es")


def test_every_code_is_a_contract_code() -> None:
    texts = ["123 x5", "1234 x5 zulia", "5 x1 zulia", "leon x1 zulia", "123 x5 zulia 12:45",
             "123 x5 zulia 3pm", "56 12,34 zulia", "000 al 999 x1 zulia", "123 x5 zulia\ntotal 9",
             "123 zulia", "888 20$ zulia"]
    codes = {e.code for t in texts for e in parse(t, now="2026-11-23T13:10:00-04:00").errors}
    assert codes == set(ERROR_CODES)
