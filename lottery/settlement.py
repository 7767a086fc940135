"""Settlement rules: what a wager wins against a draw's result. Pure: no I/O, no clock.

A prize is the wager's amount × its game's payout multiplier (the lottery's ``payouts``
override, else the catalog's); payouts are whole numbers ("triple": 600 pays 600 × the stake).
Amounts may be in any unit (the database passes minor units): the arithmetic is exact.

Result shapes (``result_problem`` is the one validator; the house provider and the admin's
``/resultado`` parser use it too):

- triples: ``{"number": "123", "sign": "ACU"}`` — the sign where the lottery sells sign games;
  a remote provider that draws the sign with a triple of its own (the zodiacal list: soportex's
  sorteo ``C``, banklot's list 3: ``"000-ACU"``) adds it as ``"sign_number": "000"``;
- A+B lotteries (Triple Chance): ``{"number": "<A>", "number_b": "<B>", "sign": "…"}``;
- animals: ``{"animal": "5"}`` (``"0"`` and ``"00"`` are different animals);
- tiempos: ``{"number": "25"}``, plus ``"reventado": "<multiplier>"`` when the red ball came out
  (the banca model: the admin enters the extra multiplier; ``payouts.reventado`` is the largest
  allowed).

Rules, including the decisions where the brief was silent:

- triple: the three digits equal the result's number (A on A+B lotteries).
- terminal: the two digits equal the last two of the result's triple (``07`` wins on ``007``
  and on ``107``). A triple wager never also wins the terminal: those are separate wagers.
- triple_sign / terminal_sign: the same, and the sign equals the result's sign (the sign
  belongs to A on A+B lotteries); where the sign came with its own triple (``sign_number``),
  the number is compared with that triple, as the provider that drew it pays.
- triple_ab ``AAA-BBB``: both triples equal A and B, in that order. terminal_ab ``AA-BB``: the
  last two digits of A and of B, in that order.
- animal: the animal equals the result's animal.
- tripleta: wins when its three animals are all among the results of its lottery's draws from
  **its own draw to the last draw of that local day**. Earlier draws of the day do not count:
  a tripleta bought at 17:55 could otherwise include animals already drawn at 08:00 (what real
  Venezuelan agencies call "válida para los sorteos restantes del día"). It stays pending until
  all three have appeared (won) or every one of those draws has a result (lost). An animal drawn
  twice counts once.
- tiempo: the number equals the result's number, both zero-padded to the lottery's digits.
- reventado: pays amount × the result's reventado multiplier when the number equals the
  result's; without a multiplier in the result it loses, like any wager on another number.
  The plain tiempo wager on the same number is settled on its own (it pays its 90 either way).
- A result that does not fit the lottery, or a wager that does not fit its game (or of a game
  the lottery does not sell), is an error (``BadResult`` / ``ValueError``), never a silent
  "lost".
- A ticket is pending while any wager is pending — even when another wager already won —
  then ``winner`` when any wager won (prize = the sum of its wagers' prizes), else ``loser``.
  A prize is final only once nothing on the ticket can change, so a ticket is never paid
  before its last draw (a tripleta, a later draw of the same ticket) is in.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from lottery.catalog import Catalog, Lottery
from lottery.i18n import N_
from lottery.limits import number_is_valid
from lottery.plays.vocab import SIGNS
from lottery.schedule import draws_on

#: What a result must be, as the end of "That is not a result of {lottery}: it takes {expected}."
WANT_TEXT = N_("text values")
WANT_ANIMAL = N_("one of its animals")
WANT_TIEMPO = N_("a number of {digits} digits")
WANT_TIEMPO_REVENTADO = N_("a number of {digits} digits and, for a reventado, a whole "
                           "multiplier from 1 to {max}")
WANT_TRIPLE = N_("a three-digit number")
WANT_TRIPLE_SIGN = N_("a three-digit number and a sign")
WANT_TRIPLE_AB = N_("two three-digit numbers (A and B)")
WANT_TRIPLE_AB_SIGN = N_("two three-digit numbers (A and B) and a sign")

ANIMAL_GAMES = frozenset({"animal", "tripleta"})
SIGN_GAMES = frozenset({"triple_sign", "terminal_sign"})
AB_GAMES = frozenset({"triple_ab", "terminal_ab"})
TIEMPO_GAMES = frozenset({"tiempo", "reventado"})

_ZERO = Decimal(0)


class BadResult(ValueError):
    """The result cannot settle this lottery's wagers (wrong shape, multiplier out of range)."""


class Verdict(enum.StrEnum):
    """A ticket's state from its wagers (the storage layer maps it to its ticket statuses)."""

    PENDING = "pending"
    WINNER = "winner"
    LOSER = "loser"


def result_problem(
    lottery: Lottery, values: Mapping[str, str]
) -> tuple[str, dict[str, str]] | None:
    """What ``values`` lacks to be this lottery's result (a msgid naming what it takes, and its
    parameters), or None when it is one. Keys the lottery does not use are ignored, except a
    reventado multiplier on a lottery without reventado."""
    if not values or not all(isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
        return WANT_TEXT, {}
    games = set(lottery.games)
    if games & ANIMAL_GAMES:
        return None if values.get("animal") in lottery.animals else (WANT_ANIMAL, {})
    if "tiempo" in games:
        return _tiempo_problem(lottery, values)
    signs = bool(games & SIGN_GAMES)
    ab = bool(games & AB_GAMES)
    if (
        not number_is_valid(lottery, "triple", values.get("number", ""), None)
        or (signs and values.get("sign") not in SIGNS)
        or ("sign_number" in values
            and not number_is_valid(lottery, "triple", values["sign_number"], None))
        or (ab and not number_is_valid(lottery, "triple", values.get("number_b", ""), None))
    ):
        if ab:
            return (WANT_TRIPLE_AB_SIGN if signs else WANT_TRIPLE_AB), {}
        return (WANT_TRIPLE_SIGN if signs else WANT_TRIPLE), {}
    return None


def _tiempo_problem(
    lottery: Lottery, values: Mapping[str, str]
) -> tuple[str, dict[str, str]] | None:
    top = reventado_max(lottery)
    want = ((WANT_TIEMPO_REVENTADO, {"digits": str(lottery.digits), "max": str(top)})
            if top is not None else (WANT_TIEMPO, {"digits": str(lottery.digits)}))
    if not number_is_valid(lottery, "tiempo", values.get("number", ""), None):
        return want
    multiplier = values.get("reventado")
    if multiplier is None:
        return None
    if top is None or not (multiplier.isascii() and multiplier.isdigit()):
        return want
    return None if 1 <= int(multiplier) <= top else want


def reventado_max(lottery: Lottery) -> int | None:
    """The largest reventado multiplier an admin may enter (``payouts.reventado``), or None
    when the lottery sells no reventado."""
    if not lottery.has_game("reventado") or "reventado" not in lottery.payouts:
        return None
    return payout(None, lottery, "reventado")


def payout(catalog: Catalog | None, lottery: Lottery | str, game: str) -> int:
    """The payout multiplier of ``game`` in ``lottery`` (its override, else the catalog's).

    ``ValueError`` when there is none or it is not a whole number (the catalog is wrong: a
    prize must never be guessed)."""
    lot = _lottery(catalog, lottery)
    value = lot.payouts.get(game)  # the catalog merges its payouts under the lottery's own
    if value is None:
        raise ValueError(f"{lot.id}: no payout for {game}")
    if value != value.to_integral_value() or value < 0:
        raise ValueError(f"{lot.id}: the payout for {game} is not a whole number: {value}")
    return int(value)


def stored_payout(catalog: Catalog, lottery_id: str, game: str) -> int | None:
    """The multiplier to store with a wager sold now (None: this catalog sets none for it, as
    a remote provider's may not; such a wager is settled at the catalog's when drawn)."""
    lottery = catalog.get_lottery(lottery_id)
    if lottery is None or game not in lottery.payouts:
        return None
    try:
        return payout(None, lottery, game)
    except ValueError:
        return None


def later_draws_of_day(lottery: Lottery, at: datetime) -> tuple[datetime, ...]:
    """The lottery's draws after ``at`` on the same local day (what a tripleta booked on the
    draw at ``at`` also plays in), in time order."""
    local = at.astimezone(lottery.timezone)
    return tuple(d.at for d in draws_on(lottery, local.date()) if d.at > at)


def wager_prize(
    catalog: Catalog | None,
    lottery_id: str | Lottery,
    game: str,
    number: str,
    sign: str | None,
    amount: Decimal,
    result_values: Mapping[str, str] | None,
    *,
    day_results: Sequence[Mapping[str, str] | None] = (),
    multiplier: int | None = None,
) -> Decimal | None:
    """What the wager wins: ``None`` while pending, ``0`` when lost, else the prize.

    ``result_values`` is the result of the wager's own draw (None: not drawn yet). For a
    tripleta, ``day_results`` holds one entry per later draw of that day
    (``later_draws_of_day``), None for those without a result yet; other games ignore it.
    ``multiplier``: the payout stored with the wager when it was sold (a later change of the
    catalog's does not touch it); None: the catalog's.
    Raises ``BadResult`` for a result that does not fit the lottery, ``ValueError`` for a
    wager that does not fit its game.
    """
    lottery = _lottery(catalog, lottery_id)
    pays = multiplier
    if not lottery.has_game(game):
        raise ValueError(f"{lottery.id} does not sell {game}")
    if not number_is_valid(lottery, game, number, sign):
        raise ValueError(f"{lottery.id}: {number!r} ({sign}) is not a {game} wager")
    if game == "tripleta":
        won = _tripleta(lottery, number, (result_values, *day_results))
        if won is None:
            return None
        return amount * (pays if pays is not None else payout(catalog, lottery, game)) if won \
            else _ZERO
    if result_values is None:
        return None
    values = _checked(lottery, result_values)
    if game == "reventado":
        multiplier = values.get("reventado")
        if multiplier is None or number != values["number"]:
            return _ZERO
        return amount * int(multiplier)
    if not _wins(game, number, sign, values):
        return _ZERO
    return amount * (pays if pays is not None else payout(catalog, lottery, game))


def ticket_verdict(prizes: Iterable[Decimal | None]) -> tuple[Verdict, Decimal | None]:
    """A ticket's verdict from its wagers' prizes (None = pending): pending while any wager is,
    then winner with the sum of the prizes when any won, else loser with 0."""
    total = _ZERO
    for prize in prizes:
        if prize is None:
            return Verdict.PENDING, None
        total += prize
    return (Verdict.WINNER, total) if total > 0 else (Verdict.LOSER, _ZERO)


def _wins(game: str, number: str, sign: str | None, values: Mapping[str, str]) -> bool:
    if game == "animal":
        return number == values["animal"]
    a = values["number"]
    if game in ("triple", "tiempo"):
        return number == a
    if game == "terminal":
        return number == a[-2:]
    if game in SIGN_GAMES:
        drawn = values.get("sign_number") or a
        return number == (drawn if game == "triple_sign" else drawn[-2:]) and (
            sign == values["sign"])
    if game in AB_GAMES:
        b = values["number_b"]
        first, _, second = number.partition("-")
        if game == "triple_ab":
            return (first, second) == (a, b)
        return (first, second) == (a[-2:], b[-2:])
    raise ValueError(f"unknown game {game!r}")


def _tripleta(
    lottery: Lottery, number: str, results: Sequence[Mapping[str, str] | None]
) -> bool | None:
    wanted = set(number.split("-"))
    drawn = {_checked(lottery, values)["animal"] for values in results if values is not None}
    if wanted <= drawn:
        return True
    return None if any(values is None for values in results) else False


def _checked(lottery: Lottery, values: Mapping[str, str]) -> Mapping[str, str]:
    """The result, validated for this lottery (tiempo numbers zero-padded to its digits)."""
    number = values.get("number")
    if (lottery.has_game("tiempo") and isinstance(number, str) and lottery.digits
            and number.isascii() and number.isdigit() and len(number) < lottery.digits):
        values = {**values, "number": number.zfill(lottery.digits)}
    if result_problem(lottery, values) is not None:
        raise BadResult(f"{lottery.id}: {dict(values)!r} is not a result of this lottery")
    return values


def _lottery(catalog: Catalog | None, lottery: Lottery | str) -> Lottery:
    if isinstance(lottery, Lottery):
        return lottery
    if catalog is None:
        raise ValueError("a catalog is needed to look a lottery up by id")
    return catalog.lottery(lottery)
