"""One formatter per reader (presentation.formatting.Formatter) and the middleware that hands it to
each update: the reader's language picks the number style, the market gives currency and clock."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from bot.middlewares.formatter import FormatterMiddleware
from lottery.catalog import Catalog, bundled_catalog_path, load_catalog
from lottery.money import Money
from presentation.formatting import Formatter
from presentation.ticket import TicketLine, TicketView, render_ticket_text

VE = load_catalog(bundled_catalog_path("ve"))
CR = load_catalog(bundled_catalog_path("cr"))
NOON_CARACAS = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 12:00 in Caracas, 10:00 in Costa Rica


def plain(text: str) -> str:
    """Babel joins with no-break and thin spaces; compare words."""
    return text.replace("\u202f", " ").replace("\xa0", " ").replace("\u2009", " ")


@pytest.mark.parametrize(
    ("language", "catalog", "locale"),
    [("es", VE, "es_VE"), ("es-419", VE, "es_VE"), ("en", VE, "en"), ("es", CR, "es_CR"),
     ("pt-br", CR, "en")],
)
def test_the_reader_picks_the_number_style_the_market_the_currency_and_clock(
    language: str, catalog: Catalog, locale: str
) -> None:
    fmt = Formatter.for_reader(language, catalog)
    assert (fmt.language, fmt.locale) == (language, locale)
    assert (fmt.currency, fmt.timezone) == (catalog.currency, catalog.timezone)


@pytest.mark.parametrize(
    ("language", "catalog", "shown"),
    [("es", VE, "Bs. 1.234,50"), ("en", VE, "Bs. 1,234.50"), ("es", CR, "₡1 234,50"),
     ("en", CR, "₡1,234.50")],
)
def test_an_amount_reads_the_same_in_units_in_minor_units_and_as_money(
    language: str, catalog: Catalog, shown: str
) -> None:
    fmt = Formatter.for_reader(language, catalog)
    assert plain(fmt.money(Decimal("1234.5"))) == shown
    assert plain(fmt.minor(123450)) == shown  # as the database keeps it
    assert plain(fmt.money(Money(Decimal("1234.5"), catalog.currency))) == shown
    assert plain(fmt.plain(Money(Decimal("1234.5"), catalog.currency))) == shown.lstrip("Bs.₡ ")


def test_an_amount_in_another_currency_keeps_its_own_symbol() -> None:
    fmt = Formatter.for_reader("es", VE)
    assert fmt.money(Decimal(5), "USD") == "$5,00"
    assert fmt.minor(250, "USD") == "$2,50"
    assert fmt.money(Money(Decimal(5), "CRC")) == "₡5,00"
    dollars = fmt.with_currency("USD")  # a jackpot operator's currency
    assert (dollars.money(Decimal(5)), dollars.symbol()) == ("$5,00", "$")
    assert fmt.symbol() == "Bs."


def test_a_float_is_refused_as_money_is() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        Formatter.for_reader("es", VE).money(0.1)  # type: ignore[arg-type]


def test_times_are_on_the_market_clock_unless_a_lottery_gives_its_own() -> None:
    fmt = Formatter.for_reader("en", VE)
    assert plain(fmt.clock(NOON_CARACAS)) == "12:00 PM"
    assert plain(fmt.clock(NOON_CARACAS, CR.timezone)) == "10:00 AM"
    assert plain(fmt.day_time(NOON_CARACAS)) == "Mon, Nov 23, 12:00 PM"
    assert plain(fmt.day_time(NOON_CARACAS, year=True)) == "Mon, Nov 23, 2026, 12:00 PM"
    assert plain(Formatter.for_reader("es", CR).day_time(NOON_CARACAS)) == (
        "lun, 23 nov, 10:00 a. m.")
    with pytest.raises(ValueError, match="naive"):
        fmt.clock(datetime(2026, 11, 23, 12, 0))


@pytest.mark.parametrize(
    ("language", "day", "with_year", "week", "under_a_bar", "weekday"),
    [
        ("es", "jue, 26 nov.", "jue, 26 nov. 2026", "1 – 7 de nov. de 2026", "26/11", "jue"),
        ("en", "Thu, Nov 26", "Thu, Nov 26, 2026", "Nov 1 – 7, 2026", "11/26", "Thu"),
    ],
)
def test_days_periods_and_chart_labels(
    language: str, day: str, with_year: str, week: str, under_a_bar: str, weekday: str
) -> None:
    fmt = Formatter.for_reader(language, VE)
    thursday = date(2026, 11, 26)
    assert plain(fmt.date(thursday)) == day
    assert plain(fmt.date(thursday, year=True)) == with_year
    assert plain(fmt.period(thursday, thursday)) == with_year
    assert plain(fmt.period(date(2026, 11, 1), date(2026, 11, 7))) == week
    assert (fmt.short_date(thursday), fmt.weekday(thursday)) == (under_a_bar, weekday)


def test_numbers_percentages_and_short_labels_follow_the_readers_marks() -> None:
    spanish, english = Formatter.for_reader("es", VE), Formatter.for_reader("en", VE)
    assert (spanish.number(Decimal("1234.5")), english.number(Decimal("1234.5"))) == (
        "1.234,5", "1,234.5")
    assert spanish.number(Decimal(2), "#,##0.00") == "2,00"
    assert (spanish.percent(Decimal("12.5")), english.percent(Decimal("12.5"))) == (
        "12,5%", "12.5%")
    assert (plain(spanish.compact(Decimal(1234))), english.compact(Decimal(1234))) == (
        "1,2 K", "1.2K")


def test_the_ticket_shows_the_readers_figures() -> None:
    """A ticket's figures are the formatter's, on the ticket's own market and clock."""
    draw = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)  # 13:30 in Costa Rica
    line = TicketLine(lottery_name="Tica", draw_at=draw, game="tiempo", number="25",
                      amount=Decimal("1000"))
    ticket = TicketView(brand="B", serial="7K3M9Q2PXD", issued_at=draw, timezone=CR.timezone,
                        currency="CRC", market_locale=CR.locale, lines=(line,),
                        total=Decimal("1000"))
    for language in ("es", "en"):
        fmt = Formatter.for_reader(language, CR)
        text = render_ticket_text(ticket, language)
        assert fmt.money(ticket.total) in text
        assert fmt.day_time(draw) in text


def test_it_travels_to_the_picture_process_unchanged() -> None:
    fmt = Formatter.for_reader("es", CR)
    assert pickle.loads(pickle.dumps(fmt)) == fmt


async def _through(middleware: FormatterMiddleware, data: dict[str, Any]) -> dict[str, Any]:
    async def handler(_event: Any, handed: dict[str, Any]) -> dict[str, Any]:
        return handed

    return await middleware(handler, SimpleNamespace(), data)  # type: ignore[arg-type]


async def test_each_update_gets_its_readers_formatter_on_the_catalog_of_the_moment() -> None:
    middleware = FormatterMiddleware()
    app = SimpleNamespace(catalog=VE)
    english = SimpleNamespace(locale="en")
    data = await _through(middleware, {"user": english, "app": app})
    assert data["fmt"] == Formatter.for_reader("en", VE)
    app.catalog = CR  # a remote provider's catalog replaced while the bot runs
    data = await _through(middleware, {"user": SimpleNamespace(locale="es"), "app": app})
    assert data["fmt"] == Formatter.for_reader("es", CR)
    assert "fmt" not in await _through(middleware, {"app": app})  # no person behind it
