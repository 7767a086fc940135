"""One formatter per reader: money, numbers, dates and times as one person reads them.

Who reads decides the words (``language``: es, en…) and the number style (``locale``): a Spanish
reader gets the market's marks (es_VE, es_CR), anyone else English. The catalog (or a ticket)
decides the currency and the clock: a Caracas draw read in English still says Caracas time,
because that is when it happens; a lottery in another zone passes its own ``tz``.

Venezuelans write ``Bs. 1.234,50`` and Costa Ricans ``₡1 234,50``; Babel's es_VE symbol is the
2018 ``Bs.S``, which nobody writes any more, so the symbol comes from our table and the number
from Babel. Babel reads its patterns again on every call, and a booth prints the same amounts and
draw times all day, so the texts are kept. An instant's texts depend only on its minute, the zone
and the locale (no format here shows seconds), so an instant is kept to the minute: the tickets
sold in one minute share one text.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING

from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    format_time,
    get_datetime_format,
)
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from lottery.money import Money, exponent, from_minor

if TYPE_CHECKING:
    from lottery.catalog import Catalog

SYMBOLS = {"VES": "Bs.", "CRC": "₡", "USD": "$"}
_ATTACHED = {"₡", "$"}  # symbols written without a space before the number


def format_locale(language: str, market_locale: str) -> str:
    """Spanish readers get their market's number style (es_VE, es_CR); English readers get en.

    ``language`` is the reader's language (``es``, also ``es-419`` or ``es_VE`` as Telegram or a
    setting may spell it); every other language reads English.
    """
    base = language.replace("-", "_").split("_")[0].lower()
    return market_locale if base == "es" else "en"


@dataclass(frozen=True, slots=True)
class Formatter:
    """How one reader reads figures: built once per update (``bot.middlewares.formatter``) or
    per message written for someone else, and handed to whatever writes the text."""

    language: str  # the reader's language, for gettext
    locale: str  # Babel's locale for numbers and dates
    currency: str  # ISO 4217, for amounts given without one
    timezone: tzinfo  # the market's clock, for instants given without a zone

    @classmethod
    def of(cls, language: str, market_locale: str, currency: str, timezone: tzinfo) -> Formatter:
        return cls(language, format_locale(language, market_locale), currency, timezone)

    @classmethod
    def for_reader(cls, language: str, catalog: Catalog) -> Formatter:
        """``language`` reading ``catalog``'s market: its currency, its clock."""
        return cls.of(language, catalog.locale, catalog.currency, catalog.timezone)

    def with_currency(self, currency: str) -> Formatter:
        """The same reader, for amounts in another currency (an operator's own)."""
        return replace(self, currency=currency)

    # --- money ---------------------------------------------------------------------------------

    def money(self, amount: Money | Decimal | int, currency: str | None = None) -> str:
        """``Bs. 1.234,50``: an amount (whole units; a ``Money`` brings its own currency)."""
        if not isinstance(amount, Money):
            amount = Money(amount, currency or self.currency)
        return format_money(amount, self.locale)

    def minor(self, amount: int, currency: str | None = None) -> str:
        """The same for an amount in integer minor units, as the database keeps them."""
        code = currency or self.currency
        return self.money(from_minor(int(amount), code), code)

    def plain(self, amount: Money) -> str:
        """``1.234,50``: without its symbol, for a text that names the currency once."""
        return _plain(str(amount.amount), amount.currency, self.locale)

    def symbol(self, currency: str | None = None) -> str:
        code = currency or self.currency
        return SYMBOLS.get(code, code)

    # --- numbers -------------------------------------------------------------------------------

    def number(self, value: Decimal | int, pattern: str | None = None) -> str:
        """A plain number; ``pattern`` is Babel's (``#,##0.00``), the locale's own by default."""
        return format_decimal(value, format=pattern, locale=self.locale)

    def compact(self, value: Decimal) -> str:
        """``1,2 K``: short, for a label with little room."""
        return format_compact_decimal(value, locale=self.locale, fraction_digits=1)

    def percent(self, percent: Decimal) -> str:
        """``12,5 %`` for ``Decimal("12.5")``, with the locale's own sign and spacing."""
        return format_percent(percent / 100, locale=self.locale, decimal_quantization=False)

    # --- dates and times -----------------------------------------------------------------------

    def clock(self, moment: datetime, tz: tzinfo | None = None) -> str:
        """``9:33 a. m.``: a time of day on the market's clock (or a lottery's ``tz``)."""
        return format_clock(moment, tz or self.timezone, self.locale)

    def day_time(self, moment: datetime, tz: tzinfo | None = None, *, year: bool = False) -> str:
        """``lun, 23 nov., 12:00 p. m.`` / ``Mon, Nov 23, 12:00 PM``: a draw or a sale."""
        return format_day_time(moment, tz or self.timezone, self.locale, year=year)

    def date(self, day: date, *, year: bool = False) -> str:
        """``lun, 23 nov.`` (``jue, 26 nov. 2026`` with the year): a local day."""
        return format_day(day, self.locale, year=year)

    def short_date(self, day: date) -> str:
        """``23/11``: a day under a chart's bar."""
        return format_skeleton("dM", day, locale=self.locale)

    def weekday(self, day: date) -> str:
        """``lun``: the day of the week, abbreviated."""
        return format_date(day, "EEE", locale=self.locale)

    def period(self, first: date, last: date) -> str:
        """One day with its weekday, or ``1–7 dic 2026``: the days a report covers."""
        if first == last:
            return self.date(first, year=True)
        return format_interval(first, last, "yMMMd", locale=self.locale)


# --- the kept texts (a locale string where a Formatter is not at hand) ---------------------------


def format_money(money: Money, locale: str) -> str:
    # by the amount's exact text: equal Decimals (0 and -0) may print differently
    return _money(str(money.amount), money.currency, locale)


def format_clock(moment: datetime, tz: tzinfo, locale: str) -> str:
    """A time of day; the zone is always passed: Babel would otherwise use the server's."""
    _require_aware(moment)
    return _clock(_minute(moment), tz, locale)


def format_day_time(moment: datetime, tz: tzinfo, locale: str, *, year: bool = False) -> str:
    """A date and a time joined the locale's way (CLDR's own datetime pattern)."""
    _require_aware(moment)
    return _day_time(_minute(moment), tz, locale, year)


def format_day(day: date, locale: str, *, year: bool = False) -> str:
    """A local day, as ``format_day_time`` writes its date."""
    return _day(day, locale, year)


def _plain(amount: str, currency: str, locale: str) -> str:
    digits = exponent(currency)
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(Decimal(amount), format=pattern, locale=locale,
                          decimal_quantization=True)


@functools.lru_cache(maxsize=4096)  # a booth prints the same few amounts all day
def _money(amount: str, currency: str, locale: str) -> str:
    number = _plain(amount, currency, locale)
    symbol = SYMBOLS.get(currency, currency)
    sign = "-" if number.startswith("-") else ""
    number = number.lstrip("-")
    return f"{sign}{symbol}{'' if symbol in _ATTACHED else ' '}{number}"


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


@functools.lru_cache(maxsize=4096)
def _clock(moment: datetime, tz: tzinfo, locale: str) -> str:
    return format_time(moment, "short", tzinfo=tz, locale=locale)


@functools.lru_cache(maxsize=1024)
def _day(day: date, locale: str, year: bool) -> str:
    return format_skeleton("yMMMEd" if year else "MMMEd", day, locale=locale)


@functools.lru_cache(maxsize=4096)
def _day_time(moment: datetime, tz: tzinfo, locale: str, year: bool) -> str:
    day = format_skeleton("yMMMEd" if year else "MMMEd", moment, tzinfo=tz, locale=locale)
    clock = format_time(moment, "short", tzinfo=tz, locale=locale)
    joiner = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    return joiner.replace("{1}", day).replace("{0}", clock)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime has no place on a lottery's clock")
