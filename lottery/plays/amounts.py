"""Amounts as people write them: ``5``, ``2,50``, ``2.5``, ``1.000``, ``1.000,50``, ``2 mil``.

A dot followed by exactly three digits (and no comma) groups thousands; otherwise a dot or comma
marks decimals, at most two. Amounts are ``Decimal`` with two places, greater than zero.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from lottery.plays import messages as M

#: More integer digits than this is not a stake anyone means (and would overflow Decimal's context).
MAX_INTEGER_DIGITS = 12

_THOUSANDS = re.compile(r"([0-9]{1,3}(?:\.[0-9]{3})+)(?:,([0-9]+))?")
_DECIMAL = re.compile(r"([0-9]+)(?:[.,]([0-9]+))?")


class AmountError(ValueError):
    def __init__(self, msgid: str) -> None:
        super().__init__(msgid)
        self.msgid = msgid


@lru_cache(maxsize=4096)
def parse_amount(raw: str, thousands: bool = False) -> Decimal:
    """The amount written as ``raw`` (times 1000 with ``thousands``); ``AmountError`` if invalid."""
    m = _THOUSANDS.fullmatch(raw)
    if m:
        whole, frac = m.group(1).replace(".", ""), m.group(2) or ""
    else:
        m = _DECIMAL.fullmatch(raw)
        if not m:
            raise AmountError(M.UNKNOWN)
        whole, frac = m.group(1), m.group(2) or ""
    if len(frac) > 2:
        raise AmountError(M.AMOUNT_DECIMALS)
    whole = whole.lstrip("0") or "0"
    if len(whole) + (3 if thousands else 0) > MAX_INTEGER_DIGITS:
        raise AmountError(M.AMOUNT_TOO_BIG)
    value = Decimal(f"{whole}.{frac:0<2}")
    if thousands:
        value *= 1000
    if not value:
        raise AmountError(M.AMOUNT_ZERO)
    return value


def has_decimals(raw: str) -> bool:
    """Whether a written number has a decimal part (``2,50`` yes, ``1.000`` no: thousands)."""
    if "," in raw:
        return True
    return "." in raw and _THOUSANDS.fullmatch(raw) is None


def digit_count(raw: str) -> int:
    return sum(map(str.isdigit, raw))


def has_leading_zero(raw: str) -> bool:
    """``05`` has one; ``0,50`` and ``0`` do not (``0`` is simply not an amount)."""
    return len(raw) > 1 and raw[0] == "0" and raw[1].isdigit()
