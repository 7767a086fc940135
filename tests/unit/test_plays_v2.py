"""The plays language v2 (docs/plays.md, the rules once marked v2): day words, day lines, hour
phrases, game words and the catalog's currency only, and what a seller reads when one of them
goes wrong.

"Now" is Monday 23 Nov 2026, 09:30 in Caracas (11:00 in Costa Rica) unless a test says otherwise.
"""

from __future__ import annotations

import pytest

from tests.unit.plays_helpers import errors, parse, wagers

EVENING = "2026-11-23T20:00:00-04:00"  # every Venezuelan draw of Monday has closed
SATURDAY_NIGHT = "2026-11-28T22:30:00-04:00"  # Táchira does not draw on Sundays


def only_error(text: str, market: str = "ve", now: str | None = None):
    result = parse(text, market, now)
    assert not result.wagers, result.wagers
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


# -- day words ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "now", "expected"), [
    ("123 x5 zulia mañana", None, ["zulia 11-24 12:45 triple 123 5.00"]),
    ("123 x5 zulia manana", None, ["zulia 11-24 12:45 triple 123 5.00"]),
    ("zulia mañana 4:45 678 x3", None, ["zulia 11-24 16:45 triple 678 3.00"]),
    ("123 x5 zulia pasado mañana 7pm", None, ["zulia 11-25 19:05 triple 123 5.00"]),
    ("león x5 activo sábado", None, ["activo 11-28 08:00 animal 5 5.00"]),
    ("123 x1 zulia hoy", "2026-11-23T14:00:00-04:00", ["zulia 11-23 16:45 triple 123 1.00"]),
    ("123 x5 zulia lunes", None, ["zulia 11-23 12:45 triple 123 5.00"]),  # today is Monday
    ("555 x3 zulia domingo 4pm", SATURDAY_NIGHT, ["zulia 11-29 16:45 triple 555 3.00"]),
    ("45 x2 zamorano mañana todos", None, [
        f"zamorano 11-24 {t} terminal 45 2.00" for t in ("10:00", "12:00", "14:00", "16:00",
                                                          "19:00")]),
])
def test_a_day_word_moves_the_draw_to_that_day(text: str, now: str | None,
                                               expected: list[str]) -> None:
    assert wagers(text, now=now) == sorted(expected)


def test_tomorrow_after_todays_draws_closed_is_tomorrow_not_an_error() -> None:
    assert wagers("123 x5 zulia mañana 12:45", now=EVENING) == [
        "zulia 11-24 12:45 triple 123 5.00"]
    assert errors("123 x5 zulia 12:45", now=EVENING) == [(1, "closed_draw")]


def test_today_when_its_draws_are_over_is_an_error_not_tomorrow() -> None:
    e = only_error("123 x1 zulia hoy", now=EVENING)
    assert e.code == "closed_draw"
    assert e.message_in("es") == ("Triple Zulia ya no tiene sorteos abiertos hoy; el próximo es "
                                  "mañana a las 12:45 pm.")
    # a weekday is the next such day, today included: Monday evening's "lunes" is today
    assert errors("123 x5 zulia lunes", now=EVENING) == [(1, "closed_draw")]


def test_a_day_without_draws_says_when_the_next_one_is() -> None:
    e = only_error("321 x2 tachira domingo")
    assert e.code == "no_such_draw"
    assert e.message_in("es") == ("Triple Táchira no tiene sorteos el domingo 29/11; el próximo "
                                  "es hoy a las 1:15 pm.")
    assert e.message_in("en") == ("Triple Táchira has no draws on Sunday 29/11; the next is "
                                  "today at 1:15 pm.")
    e = only_error("555 x3 tachira mañana todos", now=SATURDAY_NIGHT)
    assert e.message_in("es").startswith("Triple Táchira no tiene sorteos mañana;")


@pytest.mark.parametrize("text", ["123 x5 zulia hoy mañana", "123 x5 zulia lunes martes",
                                  "123 x5 zulia hoy lunes"])
def test_two_days_are_asked_even_when_they_are_the_same_date(text: str) -> None:
    e = only_error(text)
    assert e.code == "ambiguous"
    assert "¿qué día?" in e.message_in("es")


# -- day lines ----------------------------------------------------------------------------------

def test_a_day_line_sets_the_day_of_the_lines_under_it() -> None:
    assert wagers("para mañana:\n123 x5 zulia\nleon x2 activo 10am") == [
        "activo 11-24 10:00 animal 5 2.00", "zulia 11-24 12:45 triple 123 5.00"]
    assert wagers("Para el viernes 👇\nzulia 4pm 123 x5") == ["zulia 11-27 16:45 triple 123 5.00"]
    # until the next day line; a line's own day word comes first
    assert wagers("hoy\n123 x5 zulia 4pm\nmañana\n456 x5 zulia 4pm\n789 x1 zulia hoy") == [
        "zulia 11-23 12:45 triple 789 1.00", "zulia 11-23 16:45 triple 123 5.00",
        "zulia 11-24 16:45 triple 456 5.00"]


def test_a_day_line_under_a_header_keeps_the_header_and_sets_the_day() -> None:
    assert wagers("zulia\npara el miércoles\n321 x4") == ["zulia 11-25 12:45 triple 321 4.00"]


def test_a_day_line_at_the_end_is_the_day_of_the_lines_above() -> None:
    assert wagers("123 x5 zulia 4:45\npara mañana") == ["zulia 11-24 16:45 triple 123 5.00"]
    assert wagers("zulia 4pm\n123 x5\npara mañana\ntotal 5") == [
        "zulia 11-24 16:45 triple 123 5.00"]


def test_the_header_s_day_comes_before_the_day_line() -> None:
    assert wagers("zulia mañana\n123 x5 12:45\n456 x5 4:45") == [
        "zulia 11-24 12:45 triple 123 5.00", "zulia 11-24 16:45 triple 456 5.00"]
    assert errors("tachira domingo\n123 x5\n456 x5") == [
        (1, "no_such_draw"), (2, "no_such_draw"), (3, "no_such_draw")]


def test_a_broken_day_line_stops_the_lines_it_would_date_instead_of_selling_today() -> None:
    result = parse("hoy mañana\n123 x5 zulia\n456 x5 zulia lunes")
    assert [(e.line, e.code) for e in result.errors] == [(1, "ambiguous"), (2, "ambiguous")]
    assert [w.line for w in result.wagers] == [3]  # its own day word


def test_a_day_line_with_no_plays_is_not_ignored() -> None:
    assert errors("para mañana") == [(1, "ambiguous")]


# -- hour phrases -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("123 x5 zulia 4 de la tarde", "zulia 11-23 16:45 triple 123 5.00"),
    ("567 x10 caracas 7 de la noche", "caracas 11-23 19:10 triple 567 10.00"),
    ("890 x2 zulia 4:45 de la tarde", "zulia 11-23 16:45 triple 890 2.00"),
    ("chance a las 1 de la tarde 12 x5", "chance 11-23 13:00 terminal 12 5.00"),
    ("leon x3 activo a las 11 de la mañana", "activo 11-23 11:00 animal 5 3.00"),
    ("activo mañana 10 de la mañana leon x5", "activo 11-24 10:00 animal 5 5.00"),
    ("45 x5 zamorano 12 de la tarde", "zamorano 11-23 12:00 terminal 45 5.00"),
])
def test_an_hour_phrase_is_am_or_pm(text: str, expected: str) -> None:
    assert wagers(text) == [expected]


def test_the_morning_is_never_tomorrow() -> None:
    for text in ("123 x5 zulia de la mañana", "123 x5 zulia en la mañana",
                 "45 x5 zamorano en la tarde"):
        e = only_error(text)
        assert e.code == "unknown_token", text
        assert e.message_in("es").endswith("¿a qué hora? Escribe la hora antes, por ejemplo 4 "
                                           "de la tarde.")


@pytest.mark.parametrize("text", ["zamorano 12 de la noche 45 x5", "45 x5 zamorano 2 de la noche",
                                  "45 x5 zamorano 12 de la mañana"])
def test_the_small_hours_name_no_draw(text: str) -> None:
    e = only_error(text)
    assert e.code == "ambiguous"
    assert "de madrugada" in e.message_in("es")


def test_an_hour_phrase_that_contradicts_its_am_pm_is_an_error() -> None:
    assert errors("123 x5 zulia 4am de la tarde") == [(1, "unknown_token")]
    assert wagers("123 x5 zulia 4pm de la tarde") == ["zulia 11-23 16:45 triple 123 5.00"]


# -- game words ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("terminal 25 x5 zulia 4pm", ["zulia 11-23 16:45 terminal 25 5.00"]),
    ("triple 123 456 x2 zamorano 12pm", ["zamorano 11-23 12:00 triple 123 2.00",
                                         "zamorano 11-23 12:00 triple 456 2.00"]),
    ("zulia 12:45 triples 111 x1 terminales 33 44 x2", [
        "zulia 11-23 12:45 terminal 33 2.00", "zulia 11-23 12:45 terminal 44 2.00",
        "zulia 11-23 12:45 triple 111 1.00"]),
    ("terminal 25 x5 123 x2 caracas 1pm", ["caracas 11-23 13:00 terminal 25 5.00",
                                           "caracas 11-23 13:00 triple 123 2.00"]),
    ("terminal del 10 al 12 x1 zulia 12:45", [f"zulia 11-23 12:45 terminal {n} 1.00"
                                              for n in (10, 11, 12)]),
    ("triple 123 45 zulia", ["zulia 11-23 12:45 triple 123 45.00"]),  # 45 is the amount
    ("triple zulia 123 x5", ["zulia 11-23 12:45 triple 123 5.00"]),  # the lottery's name
    ("triple zamorrano 456 x2", ["zamorano 11-23 10:00 triple 456 2.00"]),
])
def test_a_game_word_states_the_game_of_the_numbers_after_it(text: str,
                                                             expected: list[str]) -> None:
    assert wagers(text) == sorted(expected)


@pytest.mark.parametrize(("text", "market", "code", "spanish"), [
    ("terminal 123 x5 zulia", "ve", "invalid_number",
     "«123» no es un terminal: un terminal tiene 2 cifras."),
    ("triple 12 x5 zulia", "ve", "invalid_number",
     "«12» no es un triple: un triple tiene 3 cifras."),
    ("triple 123 x5 activo", "ve", "not_sold", "Lotto Activo no vende triples: «123»."),
    ("terminal 05 x1 granjita", "ve", "not_sold", "La Granjita no vende terminales: «05»."),
    ("terminal 25 x1000 tica", "cr", "not_sold", "Tica no vende terminales: «25»."),
    ("terminal zulia 45 x5", "ve", "unknown_token",
     "«terminal zulia»: la palabra «terminal» va justo antes de sus números, por ejemplo "
     "terminal 25 x5 zulia."),
    ("triple x5 zulia", "ve", "unknown_token",
     "«triple» necesita sus números justo después, por ejemplo triple 123 x5."),
])
def test_a_game_word_is_never_a_guess(text: str, market: str, code: str, spanish: str) -> None:
    e = only_error(text, market)
    assert (e.code, e.message_in("es")) == (code, spanish)


# -- the catalog's currency only ----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "888 20$ zulia", "888 $20 zulia", "888 x20 usd zulia", "888 20 dolares zulia",
    "888 x 500 colones zulia", "leon 5 verdes activo", "888 ₡500 zulia", "888 x5 € zulia",
    "888 x 5 pesos zulia", "888 us$20 zulia", "888 x5 zulia $",
])
def test_another_currency_on_a_venezuelan_catalog_sells_nothing(text: str) -> None:
    e = only_error(text)
    assert e.code == "wrong_currency"
    assert "aquí solo se juega en bolívares (Bs.)" in e.message_in("es")


@pytest.mark.parametrize("text", ["25 x1000 bs tica", "25 bs1000 tica", "25 x 5 dolares tica",
                                  "25 $1000 tica", "25 x 1000 bolos tica"])
def test_another_currency_on_a_costa_rican_catalog_sells_nothing(text: str) -> None:
    e = only_error(text, "cr")
    assert e.code == "wrong_currency"
    assert "aquí solo se juega en colones (₡)" in e.message_in("es")


def test_only_the_line_in_another_currency_fails() -> None:
    result = parse("123 x5 zulia 4pm\n456 x 10$ zulia 4pm")
    assert wagers("123 x5 zulia 4pm") == ["zulia 11-23 16:45 triple 123 5.00"]
    assert [(e.line, e.code, e.text) for e in result.errors] == [(2, "wrong_currency", "10$")]
    assert [w.line for w in result.wagers] == [1]


@pytest.mark.parametrize("text", ["888 x5 bolos zulia", "888 5 bsf zulia",
                                  "888 x 5 bolivares zulia", "888 5 bss zulia",
                                  "888 x5 bolo zulia"])
def test_the_bolivar_has_many_names(text: str) -> None:
    assert wagers(text) == ["zulia 11-23 12:45 triple 888 5.00"]


@pytest.mark.parametrize("text", ["25 ₡1000 tica 12:55", "25 1000₡ tica 12:55",
                                  "25 x ₡1000 tica 12:55", "25 x1000 ₡ tica 12:55",
                                  "25 x1000 colones tica 12:55", "25 x1000 colon tica 12:55"])
def test_the_colon_sign_goes_before_or_after_the_amount(text: str) -> None:
    assert wagers(text, "cr") == ["tica 11-23 12:55 tiempo 25 1000.00"]


def test_a_colon_sign_between_two_numbers_is_asked() -> None:
    e = only_error("25 ₡ 1000 tica", "cr")
    assert e.code == "ambiguous" and e.text == "25 ₡ 1000"
    assert "25 ₡1000" in e.message_in("es")
