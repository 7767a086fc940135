"""What an admin types after a control command (/tope, /quemar, /suspender…): which lottery,
game, numbers, draw or day, and an amount.

``zamorano 4pm 555 50`` → Zamorano's next 4 pm draw, number 555, 50; ``todas triple 80``;
``activo leon mañana``. The words are the plays': a lottery by any of its aliases (case and
accents ignored, several words too: ``triple zamorano``), ``todas`` for every lottery, a time
(``4pm``, ``4:00pm``, ``16:00``) naming the lottery's next draw at that time, ``hoy`` and
``mañana`` for a day, a game (``triple``, ``terminal``, ``animal``…), numbers and animal names.
Pure: ``now`` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from lottery.catalog import GAMES, Catalog, Lottery, fold_name
from lottery.i18n import N_
from lottery.plays import messages as M
from lottery.plays.lexer import HOUR, TIME, tokenize_reference
from lottery.schedule import draws_on, local_date

NO_LOTTERY = N_("Which lottery? Write its name (as in a play) or «todas», e.g. {example}.")
NEEDS_LOTTERY = N_("A draw time needs its lottery, e.g. {example}.")
NO_DRAW_TIME = N_("{lottery} has no draw at «{text}»; its draws are at {times}.")
BAD_AMOUNT = N_("«{text}» is not an amount; write it in digits, e.g. {example}.")
NOT_A_GAME = N_("{lottery} does not sell {game}.")

ALL = ("todas", "todos", "all")
TODAY = ("hoy", "today")
TOMORROW = ("manana", "tomorrow")
GAME_WORDS = {
    "triple": "triple", "triples": "triple", "terminal": "terminal", "terminales": "terminal",
    "signo": "triple_sign", "signos": "triple_sign", "animal": "animal", "animales": "animal",
    "animalito": "animal", "animalitos": "animal", "tripleta": "tripleta",
    "tripletas": "tripleta", "tiempo": "tiempo", "tiempos": "tiempo", "reventado": "reventado",
    "reventados": "reventado", **{g: g for g in GAMES},
}


class ControlInputError(M.LocalizedError, ValueError):
    """Why the text is not a control; ``message`` in the current locale."""


@dataclass
class Scope:
    lottery: Lottery | None = None
    every_lottery: bool = False
    game: str | None = None
    numbers: list[str] = field(default_factory=list)
    draw_at: datetime | None = None
    day: date | None = None
    #: what was not read (a reason, a command word such as «quitar»), as written
    rest: list[str] = field(default_factory=list)


def read_scope(catalog: Catalog, text: str, now: datetime, example: str) -> Scope:
    """The scope written in ``text``; raises ``ControlInputError``."""
    words = text.split()
    scope = Scope()
    clock: str | None = None
    i = 0
    while i < len(words):
        word, folded = words[i], fold_name(words[i])
        found, step = _lottery_at(catalog, words, i)
        if found is not None and scope.lottery is None and not scope.every_lottery:
            scope.lottery, i = found, i + step
            continue
        if folded in ALL and scope.lottery is None:
            scope.every_lottery = True
        elif folded in TODAY or folded in TOMORROW:
            scope.day = local_date(scope.lottery or catalog.lotteries[0], now) + timedelta(
                days=1 if folded in TOMORROW else 0)
        elif folded in GAME_WORDS and scope.game is None:
            scope.game = GAME_WORDS[folded]
        elif _is_time(folded) and clock is None:
            clock = word
        elif _number(scope.lottery, folded) is not None:
            scope.numbers.append(_number(scope.lottery, folded) or folded)
        else:
            scope.rest.append(word)
        i += 1
    if clock is not None:
        if scope.lottery is None:
            raise ControlInputError(NEEDS_LOTTERY, {"example": example})
        scope.draw_at = next_draw_at(scope.lottery, clock, scope.day, now)
        scope.day = None
    if scope.game is not None and scope.lottery is not None and not scope.lottery.has_game(
            scope.game):
        raise ControlInputError(NOT_A_GAME, {"lottery": scope.lottery.name,
                                             "game": M.Game(scope.game)})
    return scope


def require_lottery(scope: Scope, example: str) -> None:
    if scope.lottery is None and not scope.every_lottery:
        raise ControlInputError(NO_LOTTERY, {"example": example})


def read_amount(text: str, example: str) -> Decimal:
    """``50``, ``50,5``, ``1.000``, ``50bs`` → a positive (or zero) amount."""
    cleaned = fold_name(text).removesuffix("bs").removeprefix("bs").strip(".")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") == 1 and len(cleaned.partition(".")[2]) == 3:
        cleaned = cleaned.replace(".", "")  # 1.000: thousands
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0:
        raise ControlInputError(BAD_AMOUNT, {"text": text, "example": example})
    return value


def next_draw_at(lottery: Lottery, written: str, day: date | None, now: datetime) -> datetime:
    """The lottery's draw at the written time: on ``day`` if given, else the next one."""
    tokens = tokenize_reference(fold_name(written))
    kind, meaning = (tokens[0][0][0], tokens[0][0][3]) if len(tokens) == 1 else (None, None)
    if kind not in (TIME, HOUR) or meaning is None:
        raise ControlInputError(M.BAD_TIME, {"text": written})
    hour, minute, mer = meaning  # type: ignore[misc]
    h24 = (0 if hour == 12 else hour) if mer == "am" else (
        (12 if hour == 12 else hour + 12) if mer == "pm" else hour)
    hours = (h24,) if mer is not None or hour > 12 else (hour, hour + 12)
    first = day or local_date(lottery, now)
    days = [day] if day is not None else [first + timedelta(days=k) for k in range(8)]
    for on in days:
        for draw in draws_on(lottery, on):
            at = draw.at
            if at.hour in hours and minute in (None, at.minute) and (day is not None or at > now):
                return at
    raise ControlInputError(NO_DRAW_TIME, {"lottery": lottery.name, "text": written,
                                           "times": list(lottery.times)})


def _lottery_at(catalog: Catalog, words: list[str], i: int) -> tuple[Lottery | None, int]:
    for size in (3, 2, 1):
        if i + size <= len(words):
            found = catalog.get_lottery(" ".join(words[i:i + size]))
            if found is not None:
                return found, size
    return None, 0


def _is_time(folded: str) -> bool:
    tokens = tokenize_reference(folded)
    return len(tokens) == 1 and tokens[0][0][0] in (TIME, HOUR)


def _number(lottery: Lottery | None, folded: str) -> str | None:
    if folded.isascii() and folded.isdigit() and len(folded) <= 4:
        return folded
    if lottery is not None and lottery.animals:
        return lottery.animal_number(folded)
    return None
