"""Money: Decimal amounts with their currency, integer minor units for storage.

How an amount reads (``Bs. 1.234,50``, ``₡1 234,50``) is ``presentation.formatting``'s.

Minor units follow ISO 4217 through Babel: 2 decimals for VES and for CRC. Costa Rica has no
céntimo coins (CLDR's cash digits for CRC are 0) and its stakes step by ₡100, but prices, limits
and provider APIs (Jackpot's cents) are written with 2 decimals, so amounts are stored as
hundredths and shown with 2 decimals in both markets: one rule, no rounding anywhere.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision


@functools.cache  # Babel looks it up in its data on every call; a sale asks a dozen times
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
    """An amount with its currency (ISO 4217 code). Never a float: an ``int`` is taken as a
    whole amount, a float is refused because it has already lost cents (``0.1 + 0.2``)."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        amount: object = self.amount
        if isinstance(amount, int) and not isinstance(amount, bool):
            object.__setattr__(self, "amount", Decimal(amount))
        elif not isinstance(amount, Decimal):
            raise TypeError(f"Money needs a Decimal amount, not {type(amount).__name__}")
        if not self.amount.is_finite():
            raise ValueError(f"not an amount of money: {amount}")
        if not (len(self.currency) == 3 and self.currency.isascii() and self.currency.isupper()):
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
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
