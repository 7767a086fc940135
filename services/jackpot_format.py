"""How the jackpot chat writes money, odds, rates and times: Babel, in the reader's language,
on the market's clock."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from babel.numbers import format_decimal

from lottery.catalog import Catalog
from lottery.labels import format_day_time
from lottery.money import Money, format_locale, format_money
from storage.models import User


def _locale(catalog: Catalog, user: User) -> str:
    return format_locale(user.locale, catalog.locale)


def money(amount: Decimal, currency: str, catalog: Catalog, user: User) -> str:
    return format_money(Money(amount, currency), _locale(catalog, user))


def odds_text(odds: Decimal, catalog: Catalog, user: User) -> str:
    return format_decimal(odds, format="#,##0.00", locale=_locale(catalog, user))


def percent_text(value: Decimal, catalog: Catalog, user: User) -> str:
    return format_decimal(value, format="#,##0.##", locale=_locale(catalog, user)) + " %"


def when_text(moment: datetime, catalog: Catalog, user: User) -> str:
    """On the catalog's clock (the market's), whoever reads it."""
    return format_day_time(moment, catalog.timezone, _locale(catalog, user))
