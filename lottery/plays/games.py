"""Which game a written play is on a given lottery (docs/plays.md's table).

A play is read without knowing its lottery; here it meets one and becomes ``(game, number, sign)``
triples, or fails with ``not_sold`` / ``invalid_number`` / ``too_many``.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import permutations

from lottery.catalog import Lottery
from lottery.plays import messages as M
from lottery.plays.errors import Fail

Expansion = tuple[str, str, str | None]


@lru_cache(maxsize=8192)
def expand(play: tuple[object, ...], lot: Lottery, max_series: int) -> tuple[Expansion, ...]:
    """Every wager shape a play makes on ``lot`` (raises ``Fail`` without a fragment)."""
    kind = play[0]
    if kind == "num":
        return (_plain(str(play[1]), lot),)
    if kind == "signs":
        digits, signs = str(play[1]), play[2]
        game = {3: "triple_sign", 2: "terminal_sign"}.get(len(digits))
        if game is None:
            raise Fail("invalid_number", M.SIGN_NUMBER)
        _sold(lot, game)
        return tuple((game, digits, sign) for sign in signs)  # type: ignore[union-attr]
    if kind == "pair":
        a, b = str(play[1]), str(play[2])
        game = "triple_ab" if len(a) == 3 else "terminal_ab"
        _sold(lot, game)
        return ((game, f"{a}-{b}", None),)
    if kind == "perm":
        digits = str(play[1])
        if not _numeric_lottery(lot) or len(digits) not in (2, 3):
            raise Fail("invalid_number", M.NOT_A_PLAY) if len(digits) not in (2, 3) else \
                Fail("not_sold", M.NOT_SOLD, params={"lottery": lot.name,
                                                     "game": M.Game(_plain_game(digits))})
        if "tiempo" in lot.games and len(digits) != lot.digits:
            raise Fail("invalid_number", M.TIEMPO_DIGITS,
                       params={"lottery": lot.name, "digits": str(lot.digits)})
        return tuple(_plain("".join(p), lot) for p in sorted(set(permutations(digits))))
    if kind == "series":
        return _series(str(play[1]), str(play[2]), lot, max_series)
    if kind == "animal":
        if not lot.has_game("animal"):
            raise Fail("not_sold", M.NOT_SOLD_ANIMAL, params={"lottery": lot.name})
        number = lot.animal_number(str(play[1]))
        if number is None:
            raise Fail("not_sold", M.NOT_SOLD_ANIMAL, params={"lottery": lot.name})
        return (("animal", number, None),)
    if kind == "tripleta":
        _sold(lot, "tripleta")
        numbers = [_animal(str(v), lot) for _, v in play[1]]  # type: ignore[union-attr]
        if len(set(numbers)) != len(numbers):
            raise Fail("invalid_number", M.TRIPLETA_SAME)
        return (("tripleta", "-".join(numbers), None),)
    if kind == "typed":
        return _typed(str(play[1]), play[2], lot, max_series)  # type: ignore[arg-type]
    raise AssertionError(f"unknown play kind {kind!r}")


def _typed(game: str, play: tuple[object, ...], lot: Lottery, max_series: int
           ) -> tuple[Expansion, ...]:
    """A play under a game word (``terminal 25``, ``triple p123``): that game, or an error.

    The number's length is checked first (it does not depend on the lottery), then whether
    the lottery sells the game: ``terminal 05`` on La Granjita is not the animal 5.
    """
    width = 3 if game == "triple" else 2
    kind = play[0]
    digits = [str(d) for d in play[1:3]] if kind in ("num", "perm", "series", "pair") else \
        [str(play[1])] if kind == "signs" else []
    if not digits or any(len(d) != width or not d.isdigit() for d in digits):
        msgid = M.TRIPLE_DIGITS if width == 3 else M.TERMINAL_DIGITS
        raise Fail("invalid_number", msgid)
    if kind == "signs":
        _sold(lot, game + "_sign")
        return tuple((game + "_sign", digits[0], sign) for sign in play[2])  # type: ignore[union-attr]
    if kind == "pair":
        _sold(lot, game + "_ab")
        return ((game + "_ab", f"{digits[0]}-{digits[1]}", None),)
    _sold(lot, game)
    if kind == "num":
        return ((game, digits[0], None),)
    if kind == "perm":
        return tuple((game, "".join(p), None) for p in sorted(set(permutations(digits[0]))))
    first, last = _series_range(digits[0], digits[1], lot, max_series, animals=False)
    return tuple((game, f"{x:0{width}d}", None) for x in range(first, last + 1))


def _numeric_lottery(lot: Lottery) -> bool:
    return any(g in lot.games for g in ("triple", "terminal", "tiempo"))


def _plain_game(digits: str) -> str:
    return "triple" if len(digits) == 3 else "terminal"


def _sold(lot: Lottery, game: str) -> None:
    if game not in lot.games:
        raise Fail("not_sold", M.NOT_SOLD, params={"lottery": lot.name, "game": M.Game(game)})


def _animal(written: str, lot: Lottery) -> str:
    number = lot.animal_number(written)
    if number is None:
        top = max((int(k) for k in lot.animals if k.isdigit()), default=0)
        raise Fail("invalid_number", M.ANIMAL_NUMBER,
                   params={"lottery": lot.name, "top": str(top)}, text=written)
    return number


def _plain(digits: str, lot: Lottery) -> Expansion:
    """A bare number: animal, tiempo, triple or terminal, by what the lottery sells."""
    games = lot.games
    if "animal" in games and "triple" not in games and "terminal" not in games:
        if len(digits) > 2:
            raise Fail("invalid_number", M.ANIMAL_NUMBER, text=digits, params={
                "lottery": lot.name,
                "top": str(max((int(k) for k in lot.animals if k.isdigit()), default=0))})
        return ("animal", _animal(digits, lot), None)
    if "tiempo" in games:
        width = lot.digits or 2
        if len(digits) > width:
            raise Fail("invalid_number", M.TIEMPO_DIGITS, text=digits,
                       params={"lottery": lot.name, "digits": str(width)})
        return ("tiempo", digits.zfill(width), None)
    if len(digits) == 1:
        raise Fail("invalid_number", M.SINGLE_DIGIT, text=digits, params={"lottery": lot.name})
    if len(digits) > 3:
        raise Fail("unknown_token", M.NOT_A_PLAY, text=digits)
    game = _plain_game(digits)
    _sold(lot, game)
    return (game, digits, None)


def _series(a: str, b: str, lot: Lottery, max_series: int) -> tuple[Expansion, ...]:
    first, last = _series_range(a, b, lot, max_series, animals=True)
    width = len(a)
    return tuple(_plain(str(x).zfill(width), lot) for x in range(first, last + 1))


def _series_range(a: str, b: str, lot: Lottery, max_series: int, animals: bool
                  ) -> tuple[int, int]:
    if len(a) != len(b) or len(a) > 3 or int(a) >= int(b):
        raise Fail("invalid_number", M.SERIES_RANGE)
    count = int(b) - int(a) + 1
    if count > max_series:
        raise Fail("too_many", M.TOO_MANY, params={"count": str(count), "max": str(max_series)})
    if animals and int(a) == 0 and "animal" in lot.games:  # 0 al 10: delfín, ballena, both?
        raise Fail("ambiguous", M.SERIES_ZERO, params={"lottery": lot.name})
    return int(a), int(b)
