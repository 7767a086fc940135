"""Money: Decimal amounts with their currency, integer minor units for storage, Babel formatting.

Venezuelans write `Bs. 1.234,50` and Costa Ricans `₡1 234,50`; Babel's es_VE symbol is the 2018
`Bs.S`, which nobody writes any more, so the symbol comes from our table and the number from Babel
(grouping and decimal marks of the reader's locale).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal, get_currency_precision

SYMBOLS = {"VES": "Bs.", "CRC": "₡", "USD": "$"}
_ATTACHED = {"₡", "$"}  # symbols written without a space before the number


def exponent(currency: str) -> int:
    return int(get_currency_precision(currency))


def to_minor(amount: Decimal, currency: str) -> int:
    """Exact: an amount with more decimals than the currency has is an error, never rounded."""
    scaled = amount.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency} allows")
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    digits = exponent(currency)
    return (Decimal(minor).scaleb(-digits)).quantize(Decimal(1).scaleb(-digits))


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def to_minor(self) -> int:
        return to_minor(self.amount, self.currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        return cls(from_minor(minor, currency), currency)

    def rounded(self) -> Money:
        quantum = Decimal(1).scaleb(-exponent(self.currency))
        return Money(self.amount.quantize(quantum, rounding=ROUND_HALF_UP), self.currency)


def format_locale(language: str, market_locale: str) -> str:
    """Spanish readers get their market's number style (es_VE, es_CR); English readers get en."""
    return market_locale if language == "es" else "en"


def format_money(money: Money, locale: str) -> str:
    digits = exponent(money.currency)
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    number = format_decimal(money.amount, format=pattern, locale=locale, decimal_quantization=True)
    symbol = SYMBOLS.get(money.currency, money.currency)
    sign = "-" if number.startswith("-") else ""
    number = number.lstrip("-")
    return f"{sign}{symbol}{'' if symbol in _ATTACHED else ' '}{number}"
