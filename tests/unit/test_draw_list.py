"""/sorteos: the open draws as the sale sees them, and what each game pays."""

from __future__ import annotations

from datetime import date, datetime

from lottery.catalog import Catalog, bundled_catalog_path, load_catalog
from lottery.i18n import in_locale
from presentation.formatting import Formatter
from services.draw_list import read_draws_query, render_draws

VE = load_catalog(bundled_catalog_path("ve"))
CR = load_catalog(bundled_catalog_path("cr"))
SUNDAY_NOON = datetime.fromisoformat("2026-11-22T12:42:00-04:00")  # Caracas


def draws(
    args: str | None, now: datetime = SUNDAY_NOON, catalog: Catalog = VE, locale: str = "es"
) -> str:
    query = read_draws_query(catalog, args, now)
    assert query.problem is None
    with in_locale(locale):
        number_locale = "es_VE" if locale == "es" else "en"
        fmt = Formatter(locale, number_locale, catalog.currency, catalog.timezone)
        text = render_draws(catalog, query, now, fmt)
    return text.replace("\u202f", " ").replace("\xa0", " ")  # Babel's narrow spaces


def block(text: str, lottery: str) -> str:
    """The lines under one lottery's heading."""
    return text.split(f"<b>{lottery}</b>", 1)[1].split("\n\n", 1)[0]


def test_only_draws_still_open_are_listed() -> None:
    text = draws(None)
    assert "<b>Sorteos abiertos</b> · dom, 22 nov." in text
    zulia = block(text, "Triple Zulia")
    assert "12:45" not in zulia  # closed at 12:40, five minutes before
    assert "4:45 p. m. · 7:05 p. m." in zulia
    assert "La venta cierra 5 min antes de cada sorteo." in text


def test_a_lottery_that_does_not_draw_today_says_when_it_does() -> None:
    tachira = block(draws(None), "Triple Táchira")
    assert "Hoy no hay sorteo; el próximo: lun, 23 nov., 1:15 p. m." in tachira


def test_after_the_last_draw_the_next_day_is_given() -> None:
    late = datetime.fromisoformat("2026-11-23T19:30:00-04:00")
    zulia = block(draws("zulia", now=late), "Triple Zulia")
    assert "Hoy no quedan sorteos; el próximo: mar, 24 nov., 12:45 p. m." in zulia


def test_tomorrow_lists_all_of_its_draws() -> None:
    query = read_draws_query(VE, "mañana activo", SUNDAY_NOON)
    assert query.day == date(2026, 11, 23) and query.lottery is VE.lottery("activo")
    activo = block(draws("activo mañana"), "Lotto Activo")
    assert activo.count(" · ") == 11  # twelve draws, from 8 a.m.
    assert "8:00 a. m." in activo


def test_one_lottery_shows_what_each_of_its_games_pays() -> None:
    text = draws("zulia")
    assert "Cuánto paga cada juego, por lo apostado:" in text
    assert "Triple: ×600" in text and "Triple con signo: ×6.000" in text
    assert "Animalito" not in text  # a game of other lotteries
    tica = draws("tica", catalog=CR, now=datetime.fromisoformat("2026-11-22T10:00:00-06:00"))
    assert "Tiempo: ×90" in tica and "Reventado: hasta ×200" in tica
    assert "La venta cierra 1 min antes" in tica


def test_english_reads_english() -> None:
    text = draws("zulia", locale="en")
    assert "<b>Open draws</b> · Sun, Nov 22" in text
    assert "Triple with sign: ×6,000" in text


def test_an_unknown_lottery_is_named_back() -> None:
    query = read_draws_query(VE, "xyz", SUNDAY_NOON)
    assert query.problem is not None and "xyz" in query.problem
