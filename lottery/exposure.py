"""A draw's risk for the banca: what each play would pay, and the most one result would cost.

A banca decides before each draw whether to close a number ("cerrar el 123") by comparing what
it sold with what it would pay. One result can hit several plays at once (``123 ARI`` pays the
triple 123, the terminal 23, 123 with Aries and 23 with Aries), so the worst case is not the
biggest single play: ``worst_result`` finds the result that costs the most, exactly, by the
rules of ``lottery.settlement`` (a test checks it against ``wager_prize`` over every result).

Amounts are integer minor units. Tripletas are left out of the worst case: they are settled
over the rest of the day's draws, not on one. A reventado counts at its largest multiplier.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lottery.catalog import Catalog, Lottery
from lottery.plays.vocab import SIGNS
from lottery.settlement import AB_GAMES, SIGN_GAMES, payout

#: (game, number, sign) → amount sold, in minor units
Sold = Mapping[tuple[str, str, str | None], int]
#: (game, number, sign) → what it pays if it wins, at the payouts stored with the wagers
Pays = Mapping[tuple[str, str, str | None], int]


@dataclass(frozen=True)
class Play:
    game: str
    number: str
    sign: str | None
    sold: int
    pays: int  # if it wins: reventado at its largest multiplier


@dataclass(frozen=True)
class WorstCase:
    pays: int
    values: Mapping[str, str]  # the result, as ``lottery.settlement`` reads it
    any_sign: bool = False  # its sign only fills the shape: no play named one

    @property
    def shown(self) -> dict[str, str]:
        """The result as a person should read it: without a sign that does not matter."""
        return {k: v for k, v in self.values.items() if not (self.any_sign and k == "sign")}


def plays_by_payout(catalog: Catalog, lottery: Lottery, sold: Sold, pays: Pays | None = None
                    ) -> list[Play]:
    """Every play sold, the one that would pay most first. ``pays``: what each key pays at the
    payouts its wagers were sold at (a payout changed since applies to later tickets only)."""
    pays = pays or {}
    plays = [Play(game, number, sign, amount,
                  pays.get((game, number, sign), amount * payout(catalog, lottery, game)))
             for (game, number, sign), amount in sold.items() if amount > 0]
    return sorted(plays, key=lambda p: (-p.pays, -p.sold, p.game, p.number, p.sign or ""))


def worst_result(catalog: Catalog, lottery: Lottery, sold: Sold, pays: Pays | None = None
                 ) -> WorstCase | None:
    """The result that would cost the banca the most on this draw; None when nothing sold
    could win on one result (nothing sold, or only tripletas)."""
    prize = _Prizes(catalog, lottery, sold, pays or {})
    if not prize.by_game:
        return None
    if lottery.has_game("animal"):
        return _best((prize("animal", n), {"animal": n}) for n in prize.numbers("animal"))
    if lottery.has_game("tiempo"):
        numbers = prize.numbers("tiempo") | prize.numbers("reventado")
        return _best(_tiempo(prize, n) for n in numbers)
    return _triples(prize)


class _Prizes:
    """What each sold key pays if it wins, per game."""

    def __init__(self, catalog: Catalog, lottery: Lottery, sold: Sold, stored: Pays) -> None:
        self.lottery = lottery
        self.reventado_max = (payout(catalog, lottery, "reventado")
                              if lottery.has_game("reventado") else 0)
        self.by_game: dict[str, dict[tuple[str, str | None], int]] = defaultdict(dict)
        for (game, number, sign), amount in sold.items():
            if amount > 0 and game != "tripleta":
                pays = stored.get((game, number, sign)) or amount * payout(catalog, lottery, game)
                key = (number, sign)
                self.by_game[game][key] = self.by_game[game].get(key, 0) + pays

    def __call__(self, game: str, number: str, sign: str | None = None) -> int:
        return self.by_game.get(game, {}).get((number, sign), 0)

    def numbers(self, game: str) -> set[str]:
        return {number for number, _ in self.by_game.get(game, {})}

    def signs(self) -> set[str]:
        return {s for game in ("triple_sign", "terminal_sign")
                for _, s in self.by_game.get(game, {}) if s is not None}


def _tiempo(prize: _Prizes, number: str) -> tuple[int, dict[str, str]]:
    values = {"number": number}
    reventado = prize("reventado", number)
    if reventado:
        values["reventado"] = str(prize.reventado_max)
    return prize("tiempo", number) + reventado, values


def _triples(prize: _Prizes) -> WorstCase | None:
    """``123 ARI`` (and B on Triple Chance): the triple, its terminal, both with the sign, and
    the A+B plays; the best B for each A is found on its own, since B touches only A+B plays."""
    games = set(prize.lottery.games)
    # any sign will do when none was played on; a lottery that draws one needs one in its result
    played = sorted(prize.signs())
    signs: list[str | None] = (played or [SIGNS[0]]) if games & SIGN_GAMES else [None]
    # Every A that a triple play names, and one A for each ending played alone: an A that no
    # triple play names costs only what its ending costs, whatever its first digit.
    candidates: set[str] = prize.numbers("triple") | prize.numbers("triple_sign")
    candidates |= {n.partition("-")[0] for n in prize.numbers("triple_ab")}
    endings = prize.numbers("terminal") | prize.numbers("terminal_sign")
    endings |= {n.partition("-")[0] for n in prize.numbers("terminal_ab")}
    candidates |= {f"0{ending}" for ending in endings}

    def cost(a: str, sign: str | None) -> tuple[int, dict[str, str]]:
        pays = (prize("triple", a) + prize("terminal", a[-2:])
                + prize("triple_sign", a, sign) + prize("terminal_sign", a[-2:], sign))
        b_pays, b = _best_b(prize, a)
        values = {"number": a}
        if sign is not None:
            values["sign"] = sign
        if games & AB_GAMES:  # no A+B play on this A: any B costs nothing more
            values["number_b"] = b or "000"
        return pays + b_pays, values

    worst = _best(cost(a, s) for a in candidates for s in signs)
    if worst is not None and not played and games & SIGN_GAMES:
        return WorstCase(worst.pays, worst.values, any_sign=True)
    return worst


def _best_b(prize: _Prizes, a: str) -> tuple[int, str | None]:
    """The B that, with A drawn, costs the most on the A+B plays (None: no A+B play on A)."""
    triple_ab = {n.partition("-")[2]: p for (n, _), p in prize.by_game.get("triple_ab", {}).items()
                 if n.partition("-")[0] == a}
    terminal_ab = {n.partition("-")[2]: p
                   for (n, _), p in prize.by_game.get("terminal_ab", {}).items()
                   if n.partition("-")[0] == a[-2:]}
    options = [(p + terminal_ab.get(b[-2:], 0), b) for b, p in triple_ab.items()]
    options += [(p, f"0{b2}") for b2, p in terminal_ab.items()
                if not any(b[-2:] == b2 for b in triple_ab)]
    return max(options, default=(0, None))


def _best(costs: Iterable[tuple[int, Mapping[str, str]]]) -> WorstCase | None:
    best = max(costs, key=lambda c: c[0], default=None)
    if best is None or best[0] <= 0:
        return None
    return WorstCase(best[0], best[1])
