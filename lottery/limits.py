"""Per-ticket sales limits from the catalog, checked on parsed wagers before anything is booked.

The parser deliberately ignores limits (it reads what was written); a provider that books for
us (the house banca) must not trust its caller, so this re-checks every wager against the
catalog: the lottery sells the game, the number has that game's shape, the amount is positive,
in cents, between ``min_bet`` and ``max_bet`` and a multiple of ``amount_step``, and the ticket
has no more than ``max_wagers`` plays. Pure: no I/O, no clock, no ``providers`` import.

Codes are the string values of ``providers.base.ErrorCode`` (``closed_draw``, ``invalid_number``,
``invalid_amount``, ``limit``) so a provider can map them one to one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lottery.catalog import Catalog, Lottery
from lottery.i18n import N_
from lottery.plays import Wager
from lottery.plays import messages as M
from lottery.plays.vocab import SIGNS

CLOSED_DRAW = "closed_draw"
INVALID_NUMBER = "invalid_number"
INVALID_AMOUNT = "invalid_amount"
LIMIT = "limit"

UNKNOWN_LOTTERY = N_("«{text}» is not a lottery sold here.")
BAD_NUMBER = N_("«{text}» is not a valid number for {game} of {lottery}.")
BELOW_MIN = N_("«{text}»: the smallest bet is {min}; this one is {amount}.")
ABOVE_MAX = N_("«{text}»: the largest bet is {max}; this one is {amount}.")
OFF_STEP = N_("«{text}»: bets go in steps of {step}; {amount} is not one of them.")
TOO_MANY_WAGERS = N_("A ticket holds at most {max} plays; this one has {count}.")

_CENT = Decimal("0.01")
_SIGNED = {"triple_sign": 3, "terminal_sign": 2}
_PLAIN = {"triple": 3, "terminal": 2}
_PAIRS = {"triple_ab": 3, "terminal_ab": 2}


@dataclass(frozen=True)
class LimitProblem:
    """Why wager ``index`` of a ticket cannot be sold; ``message`` is rendered when read, in the
    current locale, from ``msgid`` and ``params``."""

    index: int
    code: str
    msgid: str = field(repr=False)
    params: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def message(self) -> str:
        return M.render_message(self.msgid, self.params)

    def message_in(self, locale: str) -> str:
        return M.render_message(self.msgid, self.params, locale)


def check_wagers(catalog: Catalog, wagers: Sequence[Wager]) -> list[LimitProblem]:
    """Every wager that breaks a limit, at most one problem each, in index order.

    Wagers past ``max_wagers`` are reported one by one (the first ``max_wagers`` stay sellable),
    so a partial sale can still book the ones that fit.
    """
    problems: list[LimitProblem] = []
    max_wagers = catalog.limits.max_wagers
    for index, wager in enumerate(wagers):
        problem = check_wager(catalog, wager, index)
        if problem is None and max_wagers is not None and index >= max_wagers:
            problem = LimitProblem(index, LIMIT, TOO_MANY_WAGERS,
                                   {"max": str(max_wagers), "count": str(len(wagers))})
        if problem is not None:
            problems.append(problem)
    return problems


def check_wager(catalog: Catalog, wager: Wager, index: int = 0) -> LimitProblem | None:
    """The first limit ``wager`` breaks (lottery, game, number, then amount), or None."""
    lottery = catalog.get_lottery(wager.lottery)
    if lottery is None:
        return LimitProblem(index, CLOSED_DRAW, UNKNOWN_LOTTERY, {"text": wager.lottery})
    text = shown(wager)
    if not lottery.has_game(wager.game):
        return LimitProblem(index, INVALID_NUMBER, M.NOT_SOLD,
                            {"lottery": lottery.name, "game": M.Game(wager.game), "text": text})
    if not number_is_valid(lottery, wager.game, wager.number, wager.sign):
        return LimitProblem(index, INVALID_NUMBER, BAD_NUMBER,
                            {"lottery": lottery.name, "game": M.Game(wager.game), "text": text})
    return _amount_problem(catalog, wager, index, text)


def number_is_valid(lottery: Lottery, game: str, number: str, sign: str | None) -> bool:
    """True when ``number`` (and ``sign``) is the shape the parser gives that game."""
    if game in _PLAIN:
        return sign is None and _digits(number, _PLAIN[game])
    if game in _SIGNED:
        return sign in SIGNS and _digits(number, _SIGNED[game])
    if game in _PAIRS:
        a, _, b = number.partition("-")
        return sign is None and _digits(a, _PAIRS[game]) and _digits(b, _PAIRS[game])
    if game == "animal":
        return sign is None and number in lottery.animals
    if game == "tripleta":
        parts = number.split("-")
        return (sign is None and len(parts) == 3 and len(set(parts)) == 3
                and all(p in lottery.animals for p in parts))
    if game in ("tiempo", "reventado"):
        return sign is None and lottery.digits is not None and _digits(number, lottery.digits)
    return False


def shown(wager: Wager) -> str:
    """The play as people write it (``123-ARI``), for messages."""
    return f"{wager.number}-{wager.sign}" if wager.sign else wager.number


def _amount_problem(
    catalog: Catalog, wager: Wager, index: int, text: str
) -> LimitProblem | None:
    amount = wager.amount
    if not amount.is_finite() or amount <= 0:
        return LimitProblem(index, INVALID_AMOUNT, M.AMOUNT_ZERO, {"text": text})
    if amount % _CENT != 0:
        return LimitProblem(index, INVALID_AMOUNT, M.AMOUNT_DECIMALS, {"text": str(amount)})
    limits = catalog.limits
    if limits.min_bet is not None and amount < limits.min_bet:
        return LimitProblem(index, LIMIT, BELOW_MIN,
                            {"text": text, "min": limits.min_bet, "amount": amount})
    if limits.max_bet is not None and amount > limits.max_bet:
        return LimitProblem(index, LIMIT, ABOVE_MAX,
                            {"text": text, "max": limits.max_bet, "amount": amount})
    step = limits.amount_step
    if step is not None and step > 0 and amount % step != 0:
        return LimitProblem(index, INVALID_AMOUNT, OFF_STEP,
                            {"text": text, "step": step, "amount": amount})
    return None


def _digits(text: str, width: int) -> bool:
    return len(text) == width and text.isascii() and text.isdigit()
