"""Money and names as people read them (lottery.money, presentation.labels): es_VE, es_CR and en."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.i18n import current_locale, gettext
from lottery.money import Money, from_minor, to_minor
from presentation.formatting import (
    format_clock,
    format_day,
    format_day_time,
    format_locale,
    format_money,
)
from presentation.labels import animal_name, game_name, sign_name, state_name

CARACAS = ZoneInfo("America/Caracas")
COSTA_RICA = ZoneInfo("America/Costa_Rica")
NEEDS_ES = pytest.mark.skipif(
    gettext("Scorpio", "es") == "Scorpio", reason="needs es catalog"
)


def plain(text: str) -> str:
    """Babel joins with no-break spaces (so a phone never splits ``9:33 a. m.``); compare words."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def english() -> Iterator[None]:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


@pytest.fixture
def spanish() -> Iterator[None]:
    token = current_locale.set("es")
    yield
    current_locale.reset(token)


# --- money -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("amount", "currency", "locale", "shown"),
    [
        ("1234.5", "VES", "es_VE", "Bs. 1.234,50"),
        ("5", "VES", "es_VE", "Bs. 5,00"),
        ("1234567.25", "VES", "es_VE", "Bs. 1.234.567,25"),
        ("1234.5", "CRC", "es_CR", "₡1 234,50"),
        ("1000", "CRC", "es_CR", "₡1 000,00"),
        ("1234.5", "VES", "en", "Bs. 1,234.50"),
        ("1000", "CRC", "en", "₡1,000.00"),
        ("0", "VES", "es_VE", "Bs. 0,00"),
    ],
)
def test_amounts_read_as_in_each_market(
    amount: str, currency: str, locale: str, shown: str
) -> None:
    assert plain(format_money(Money(Decimal(amount), currency), locale)) == shown


def test_costa_rican_thousands_never_break_across_lines() -> None:
    assert format_money(Money(Decimal("1000"), "CRC"), "es_CR") == "₡1\xa0000,00"


def test_negative_amounts_put_the_sign_before_the_symbol() -> None:
    assert format_money(Money(Decimal("-20.5"), "VES"), "es_VE") == "-Bs. 20,50"
    assert format_money(Money(Decimal("-20.5"), "CRC"), "en") == "-₡20.50"


@pytest.mark.parametrize(
    ("language", "market", "locale"),
    [("es", "es_VE", "es_VE"), ("es", "es_CR", "es_CR"),
     ("en", "es_VE", "en"), ("en", "es_CR", "en"),
     ("es-419", "es_VE", "es_VE"), ("ES_cr", "es_CR", "es_CR"), ("pt", "es_VE", "en")],
)
def test_spanish_readers_get_their_market_style_english_readers_get_english(
    language: str, market: str, locale: str
) -> None:
    assert format_locale(language, market) == locale


def test_minor_units_are_exact() -> None:
    assert to_minor(Decimal("1234.50"), "VES") == 123450
    assert to_minor(Decimal("0.1") + Decimal("0.2"), "CRC") == 30
    assert to_minor(Decimal("7"), "VES") == 700
    assert from_minor(123450, "VES") == Decimal("1234.50")
    assert str(from_minor(5, "CRC")) == "0.05"


def test_more_decimals_than_the_currency_has_is_refused_not_rounded() -> None:
    with pytest.raises(ValueError, match="more decimals"):
        to_minor(Decimal("1.005"), "VES")


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["VES", "CRC", "USD"]))
def test_minor_units_round_trip(minor: int, currency: str) -> None:
    assert to_minor(from_minor(minor, currency), currency) == minor
    assert Money.from_minor(minor, currency).to_minor() == minor


def test_money_adds_within_one_currency_only() -> None:
    total = Money(Decimal("5.00"), "VES") + Money(Decimal("2.50"), "VES")
    assert total == Money(Decimal("7.50"), "VES")
    change = Money(Decimal("5"), "VES") - Money(Decimal("7.25"), "VES")
    assert change == Money(Decimal("-2.25"), "VES")
    with pytest.raises(ValueError, match="cannot mix"):
        _ = Money(Decimal(1), "VES") + Money(Decimal(1), "CRC")


def test_adding_a_bare_number_is_a_type_error_not_a_silent_sum() -> None:
    with pytest.raises(TypeError):
        _ = Money(Decimal(1), "VES") + Decimal(1)  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = Decimal(1) - Money(Decimal(1), "VES")  # type: ignore[operator]


def test_a_float_amount_is_refused_a_whole_int_is_taken() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        Money(0.1, "VES")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True, "VES")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money(Decimal("NaN"), "VES")
    whole = Money(5, "VES")  # type: ignore[arg-type]
    assert whole == Money(Decimal("5.00"), "VES")
    assert isinstance(whole.amount, Decimal)
    assert format_money(whole, "es_VE") == "Bs. 5,00"


@pytest.mark.parametrize("currency", ["ves", "VESX", "", "Bs."])
def test_the_currency_is_an_iso_code(currency: str) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(Decimal(1), currency)


def test_rounding_to_the_currency_is_half_up() -> None:
    assert Money(Decimal("2.345"), "VES").rounded() == Money(Decimal("2.35"), "VES")
    assert Money(Decimal("2.344"), "CRC").rounded() == Money(Decimal("2.34"), "CRC")


# --- dates and times on the lottery's clock ----------------------------------------------------

NOON_CARACAS = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 12:00 in Caracas, 10:00 in Costa Rica


@pytest.mark.parametrize(
    ("tz", "locale", "shown"),
    [
        (CARACAS, "es_VE", "lun, 23 nov., 12:00 p. m."),
        (COSTA_RICA, "es_CR", "lun, 23 nov, 10:00 a. m."),
        (CARACAS, "en", "Mon, Nov 23, 12:00 PM"),
        (COSTA_RICA, "en", "Mon, Nov 23, 10:00 AM"),
    ],
)
def test_draw_times_read_on_the_lottery_clock(tz: ZoneInfo, locale: str, shown: str) -> None:
    assert plain(format_day_time(NOON_CARACAS, tz, locale)) == shown


@pytest.mark.parametrize("locale", ["es_VE", "es_CR", "en"])
def test_a_day_reads_as_the_date_of_a_draw_time(locale: str) -> None:
    """Headings (results, draws) and the draw lines under them name a day the same way."""
    day_time = plain(format_day_time(NOON_CARACAS, CARACAS, locale))
    day = plain(format_day(NOON_CARACAS.astimezone(CARACAS).date(), locale))
    assert day_time.startswith(day + ", ") and day[-1] != ","


def test_the_day_is_the_lottery_day_not_utc() -> None:
    late = datetime(2026, 11, 24, 3, 30, tzinfo=UTC)  # still Monday 23:30 in Caracas
    assert plain(format_day_time(late, CARACAS, "es_VE")) == "lun, 23 nov., 11:30 p. m."
    assert plain(format_day_time(late, CARACAS, "en", year=True)) == "Mon, Nov 23, 2026, 11:30 PM"


def test_clock_times() -> None:
    moment = datetime(2026, 11, 23, 13, 33, tzinfo=UTC)
    assert plain(format_clock(moment, CARACAS, "es_VE")) == "9:33 a. m."
    assert plain(format_clock(moment, COSTA_RICA, "es_CR")) == "7:33 a. m."
    assert plain(format_clock(moment, CARACAS, "en")) == "9:33 AM"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_clock(datetime(2026, 11, 23, 9, 33), CARACAS, "en")


# --- names -------------------------------------------------------------------------------------

@pytest.mark.usefixtures("english")
def test_names_in_english() -> None:
    assert game_name("triple_sign") == "Triple with sign"
    assert game_name("terminal_ab") == "Terminal A+B"
    assert sign_name("ESC") == "Scorpio"
    assert state_name("void") == "void"


@pytest.mark.usefixtures("english")
def test_unknown_codes_show_as_written() -> None:
    assert game_name("pick3") == "pick3"
    assert sign_name("XYZ") == "XYZ"
    assert state_name("lost_in_mail") == "lost_in_mail"


@NEEDS_ES
@pytest.mark.usefixtures("spanish")
def test_names_in_spanish() -> None:
    assert sign_name("TAU") == "Tauro"
    assert sign_name("ESC") == "Escorpio"
    assert game_name("triple_sign") != "Triple with sign"
    assert state_name("void") != "void"


def test_animal_names_prefer_the_accented_spelling_capitalised() -> None:
    animals = load_catalog(bundled_catalog_path("ve")).lottery("activo").animals
    assert animal_name(animals, "3") == "Ciempiés"
    assert animal_name(animals, "1") == "Carnero"
    assert animal_name(animals, "00") == "Ballena"
    assert animal_name(animals, "99") == ""


def test_remembered_texts_follow_the_exact_amount_and_the_zone() -> None:
    # the formatted texts are kept; equal values that print differently must not share one
    assert format_money(Money(Decimal("-0.00"), "VES"), "es_VE") != format_money(
        Money(Decimal("0.00"), "VES"), "es_VE")
    noon = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    caracas, san_jose = ZoneInfo("America/Caracas"), ZoneInfo("America/Costa_Rica")
    assert format_clock(noon, caracas, "en") == "12:00\u202fPM"
    assert format_clock(noon.astimezone(caracas), san_jose, "en") == "10:00\u202fAM"


def test_a_times_seconds_are_cut_not_rounded() -> None:
    # the texts are kept per minute: 9:33:59.9 is still 9:33, and the next minute is 9:34
    late_in_minute = datetime(2026, 11, 23, 13, 33, 59, 900_000, tzinfo=UTC)
    assert plain(format_clock(late_in_minute, CARACAS, "es_VE")) == "9:33 a. m."
    assert plain(format_day_time(late_in_minute, CARACAS, "en", year=True)) == (
        "Mon, Nov 23, 2026, 9:33 AM")
    next_minute = datetime(2026, 11, 23, 13, 34, tzinfo=UTC)
    assert plain(format_clock(next_minute, CARACAS, "es_VE")) == "9:34 a. m."
