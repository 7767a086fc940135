"""What an admin types after ``/resultado``: lottery, draw time, what was drawn.

``zulia 12:45 123 ACU``, ``activo 10am leon``, ``tica 12:55 25 reventado 5``,
``chance 1pm 123 456 ARI`` → ``ResultEntry(lottery_id, draw_at, values)``, or a
``ResultInputError`` whose ``message`` is in the current locale.

The words are the plays language's (``lottery.plays``): the same tokenizer, lottery aliases
(multi-word ones and one-typo names too), sign codes and Spanish names, animal names and
numbers. Times follow docs/plays.md's rules, except that they name a draw to *enter a result for*,
not one to sell: ``H:MM`` without am/pm (H 1–11) that matches two draws picks the latest one
already drawn (else the earlier), and a closed draw is what is expected. The draw is today's in
the lottery's time zone; ``ayer`` names yesterday's (a 22:10 result entered after midnight).
Whether it has been drawn yet is checked where the result is stored, not here.

Values are checked with ``lottery.settlement.result_problem`` (the same check that storing and
settling use). Tiempo numbers are zero-padded to the lottery's digits (``7`` → ``07``); triples
are not (``7`` is refused: it could be a typo for anything).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from lottery.catalog import Catalog, Lottery
from lottery.i18n import N_
from lottery.plays import messages as M
from lottery.plays.items import WrittenTime
from lottery.plays.lexer import DASH, HOUR, NUM, TIME, WORD, tokenize_reference
from lottery.plays.normalize import fold_line
from lottery.plays.vocab import W, tables_for
from lottery.schedule import draws_on, local_date
from lottery.settlement import AB_GAMES, ANIMAL_GAMES, SIGN_GAMES, result_problem

EMPTY = N_("Write the lottery, the draw time and what was drawn, e.g. {example}.")
NO_LOTTERY = N_("Which lottery? Write it with the draw time, e.g. {example}.")
NO_TIME = N_("Which draw of {lottery}? Write its time, e.g. {example}.")
TWO_LOTTERIES = N_("One lottery per result, please: «{text}» is a second one.")
TWO_TIMES = N_("One draw per result, please: «{text}» is a second time.")
NOT_A_LOTTERY = N_("«{text}» is not a lottery sold here.")
NO_DRAW_THAT_DAY = N_("{lottery} does not draw on {date}.")
TOO_MANY_VALUES = N_("«{text}» is one value too many for a result of {lottery}.")
NO_SIGN_DRAWN = N_("{lottery} draws no sign: «{text}».")
NO_REVENTADO = N_("{lottery} has no reventado: «{text}».")
REVENTADO_NO_NUMBER = N_("«{text}» needs its multiplier after it, e.g. reventado 5.")
BAD_VALUES = N_("That is not a result of {lottery}: it takes {expected}.")

_COMMAND = re.compile(r"^\s*/\w+(?:@\w+)?")
_YESTERDAY = "ayer"
_TODAY = "hoy"


class ResultEntry(NamedTuple):
    lottery_id: str
    draw_at: datetime  # aware, in the lottery's time zone
    values: dict[str, str]


class ResultInputError(M.LocalizedError, ValueError):
    """Why the text is not a result."""


def parse_result_input(catalog: Catalog, text: str, now: datetime) -> ResultEntry:
    """The result the admin typed (``now`` is aware; it fixes which day is "today")."""
    shown, folded = fold_line(_COMMAND.sub(lambda m: " " * len(m.group()), text, count=1))
    tables = tables_for(catalog)
    tokens = tokenize_reference(folded, tables.words)
    if not tokens:
        raise ResultInputError(EMPTY, {"example": _example(catalog.lotteries[0])})

    def quote(i: int) -> str:
        return shown[tokens[i][1]:tokens[i][2]]

    lottery: Lottery | None = None
    clock: tuple[WrittenTime, int] | None = None
    yesterday = False
    values: list[tuple[str, str, int]] = []  # (kind, value, token index)
    i = 0
    while i < len(tokens):
        (kind, tok, _glued, meaning), _, _ = tokens[i]
        step = 1
        if kind == WORD:
            phrase = _phrase(tables.phrases.get(tok, ()), tokens, i)
            if phrase is not None:
                meaning, step = phrase
            what = meaning[0] if isinstance(meaning, tuple) else None
            if tok in (_YESTERDAY, _TODAY):  # "hoy" is also a day word of the plays
                yesterday = yesterday or tok == _YESTERDAY
            elif what is None:
                owners = tables.typo_lotteries(tok)
                if len(owners) != 1:
                    raise _unknown(tables.suggestion(tok), quote(i))
                lottery = _one_lottery(lottery, catalog.lottery(owners[0]), quote(i))
            elif what == W.LOTTERY:
                lottery = _one_lottery(lottery, catalog.lottery(meaning[1]), quote(i))
            elif what == W.SIGN:
                values.append(("sign", str(meaning[1]), i))
            elif what == W.ANIMAL:
                values.append(("animal", str(meaning[1]), i))
            elif what == W.REV:
                values.append(("rev", tok, i))
            elif what not in (W.FILLER, W.LAS, W.A):
                raise _unknown(None, quote(i))
        elif kind in (TIME, HOUR):
            if clock is not None:
                raise ResultInputError(TWO_TIMES, {"text": quote(i)})
            clock = (meaning, i)  # type: ignore[assignment]
        elif kind == NUM and tok.isdigit():
            values.append(("num", tok, i))
        elif kind != DASH:
            raise _unknown(None, quote(i))
        i += step
    if lottery is None:
        raise ResultInputError(NO_LOTTERY, {"example": _example(catalog.lotteries[0])})
    if clock is None:
        raise ResultInputError(NO_TIME, {"lottery": lottery.name, "example": _example(lottery)})
    day = local_date(lottery, now) - timedelta(days=1 if yesterday else 0)
    draw_at = _draw_at(lottery, clock[0], quote(clock[1]), day, now)
    result = _values(lottery, [(kind, value, quote(k)) for kind, value, k in values])
    problem = result_problem(lottery, result)
    if problem is not None:
        expected = M.render_message(*problem)
        raise ResultInputError(BAD_VALUES, {"lottery": lottery.name, "expected": expected})
    return ResultEntry(lottery.id, draw_at, result)


def _phrase(
    options: Any, tokens: list[Any], i: int
) -> tuple[object, int] | None:
    """The longest multi-word phrase (``lotto activo``) starting at token ``i``, if any."""
    for parts, meaning in options:
        end = i + len(parts)
        if end <= len(tokens) and all(
            tokens[i + k][0][0] == WORD and tokens[i + k][0][1] == part
            for k, part in enumerate(parts)
        ):
            return meaning, len(parts)
    return None


def _one_lottery(current: Lottery | None, found: Lottery, text: str) -> Lottery:
    if current is not None and current is not found:
        raise ResultInputError(TWO_LOTTERIES, {"text": text})
    return found


def _unknown(suggestion: str | None, text: str) -> ResultInputError:
    if suggestion:
        return ResultInputError(M.UNKNOWN_SUGGEST, {"text": text, "suggestion": suggestion})
    return ResultInputError(M.UNKNOWN, {"text": text})


def _draw_at(lottery: Lottery, clock: WrittenTime, text: str, day: date, now: datetime) -> datetime:
    """The lottery's draw on ``day`` that the time names (docs/plays.md's rules, for a result)."""
    hour, minute, mer = clock
    if (mer == "m" and (hour != 12 or minute not in (None, 0))) or (
        mer in ("am", "pm") and not 1 <= hour <= 12) or hour > 23 or (minute or 0) > 59:
        raise ResultInputError(M.BAD_TIME, {"text": text})
    draws = [d.at for d in draws_on(lottery, day)]
    if not draws:
        raise ResultInputError(NO_DRAW_THAT_DAY, {"lottery": lottery.name,
                                                  "date": day.strftime("%d/%m")})
    h24 = _hour24(hour, mer)
    if minute is None:
        found = [at for at in draws if at.hour == h24]
        if len(found) > 1:
            raise ResultInputError(M.HOUR_AMBIGUOUS, {"text": text, "lottery": lottery.name,
                                                      "times": [at.time() for at in found]})
    elif mer is None and 1 <= hour <= 11:
        found = [at for at in draws if at.minute == minute and at.hour in (hour, hour + 12)]
        drawn = [at for at in found if at <= now]
        found = drawn[-1:] or found[:1]
    else:
        found = [at for at in draws if (at.hour, at.minute) == (h24, minute)]
    if not found:
        raise ResultInputError(M.NO_SUCH_DRAW, {"text": text, "lottery": lottery.name,
                                                "times": list(lottery.times)})
    return found[0]


def _hour24(hour: int, mer: str | None) -> int:
    if mer == "am":
        return 0 if hour == 12 else hour
    if mer == "pm":
        return 12 if hour == 12 else hour + 12
    return hour  # 24-hour clock, or "m" (meridiano: 12, checked before)


def _values(lottery: Lottery, items: list[tuple[str, str, str]]) -> dict[str, str]:
    """The result's values from what was written, in order: (kind, value, shown text); a sign's
    value is its code, an animal's its folded name."""
    games = set(lottery.games)
    animals = bool(games & ANIMAL_GAMES)
    tiempo = "tiempo" in games
    slots = (["animal"] if animals else ["number"] if tiempo
             else ["number", "number_b"] if games & AB_GAMES else ["number"])
    values: dict[str, str] = {}
    k = 0
    while k < len(items):
        kind, text, quoted = items[k]
        if kind == "sign":
            if not games & SIGN_GAMES:
                raise ResultInputError(NO_SIGN_DRAWN, {"lottery": lottery.name, "text": quoted})
            _put(values, "sign", text, lottery, quoted)
        elif kind == "rev":
            if not lottery.has_game("reventado"):
                raise ResultInputError(NO_REVENTADO, {"lottery": lottery.name, "text": quoted})
            if k + 1 >= len(items) or items[k + 1][0] != "num":
                raise ResultInputError(REVENTADO_NO_NUMBER, {"text": quoted})
            k += 1
            _put(values, "reventado", str(int(items[k][1])), lottery, items[k][2])
        elif kind == "animal" and not animals:
            raise ResultInputError(M.NOT_SOLD_ANIMAL, {"lottery": lottery.name, "text": quoted})
        else:
            slot = next((s for s in slots if s not in values), None)
            if slot is None:
                raise ResultInputError(TOO_MANY_VALUES, {"lottery": lottery.name, "text": quoted})
            if animals:
                text = lottery.animal_number(text) or text
            elif tiempo and lottery.digits and len(text) < lottery.digits:
                text = text.zfill(lottery.digits)
            values[slot] = text
        k += 1
    return values


def _put(values: dict[str, str], key: str, value: str, lottery: Lottery, quoted: str) -> None:
    if key in values:
        raise ResultInputError(TOO_MANY_VALUES, {"lottery": lottery.name, "text": quoted})
    values[key] = value


def _example(lottery: Lottery) -> str:
    """``/resultado``'s arguments for this lottery, for messages: ``zulia 12:45 123 ACU``."""
    when = f"{lottery.times[0].hour}:{lottery.times[0].minute:02d}" if lottery.times else ""
    games = set(lottery.games)
    if games & ANIMAL_GAMES:
        drawn = next(iter(lottery.animals.values()), ("0",))[0]
    elif "tiempo" in games:
        drawn = "25"[: lottery.digits or 2].zfill(lottery.digits or 2)
    else:
        drawn = "123 456" if games & AB_GAMES else "123"
        if games & SIGN_GAMES:
            drawn += " ACU"
    return " ".join(p for p in (lottery.aliases[0], when, drawn) if p)
