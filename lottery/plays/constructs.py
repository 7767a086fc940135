"""The constructs of a line that need more than one token (docs/plays.md).

Each function reads the construct starting at token ``i`` of a ``Reader``, records what it found,
and returns the index of the next token; it raises ``Fail`` when the fragment means nothing safe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lottery.plays import messages as M
from lottery.plays.errors import Fail
from lottery.plays.hours import CLASH, NIGHT
from lottery.plays.items import AMOUNT, GAME, PLAY, RAW, REV, WrittenTime
from lottery.plays.lexer import BAD, DASH, HOUR, NUM, STAR, TIME, WORD
from lottery.plays.vocab import SIGN_CODES, W

if TYPE_CHECKING:
    from lottery.plays.reader import Reader

_AMOUNT_WORDS = (W.MIL, W.MILUNIT, W.UNIT)
_GLUED_MARKERS = (W.X, W.BS, W.PERM, W.REV, W.A, W.CON, W.POR, W.SYMBOL)


def number(r: Reader, i: int) -> int:
    toks, n = r.toks, r.n
    tok = toks[i]
    raw, j = tok[1], i + 1
    nxt = toks[j] if j < n else None
    if nxt is not None and nxt[2]:  # something glued after the number
        if nxt[0] == WORD:
            entry = nxt[3]
            meaning = entry[0] if entry else None  # type: ignore[index]
            if meaning == W.SIGN and raw.isdigit():
                return _signed(r, i, raw, [entry[1]], j + 1)  # type: ignore[index,list-item]
            if meaning in (W.UNIT, W.BS, W.MIL, W.MILUNIT, W.SYMBOL):
                return _bare_amount(r, i)
            if meaning == W.FOREIGN:
                raise wrong_currency(r, j)
            if meaning == W.X and j + 1 < n and toks[j + 1][0] == NUM and r.glued(j + 1):
                r.stream.append((RAW, raw, i, j))
                return j
            raise r.fail_chunk(i)
        if nxt[0] == DASH and nxt[1] == "-" and r.glued(j + 1) and raw.isdigit():
            return _dashed(r, i)
        if nxt[0] == STAR:
            r.stream.append((RAW, raw, i, j))
            return j
        raise r.fail_chunk(i)
    entry = nxt[3] if nxt is not None and nxt[0] == WORD else None
    meaning = entry[0] if entry is not None else None  # type: ignore[index]
    if meaning in _AMOUNT_WORDS or (meaning == W.BS and not r.glued(j + 1)):
        return _bare_amount(r, i)
    if meaning == W.SYMBOL:
        return _before_symbol(r, i)
    if meaning == W.AL:
        return _series(r, i, i)
    if raw.isdigit() and (meaning in (W.SIGN, W.ALLSIGNS) or (
            nxt is not None and nxt[1] in r.tables.phrase_starts and (
                (phrase := r.phrase(j)) is not None and phrase[0][0] == W.ALLSIGNS))):
        return _signed(r, i, raw, [], j)
    r.stream.append((RAW, raw, i, j))
    return j


def word(r: Reader, i: int) -> int:
    toks, n = r.toks, r.n
    tok = toks[i]
    following = r.tables.phrase_next.get(tok[1])
    phrase = r.phrase(i) if following and i + 1 < n and toks[i + 1][1] in following else None
    if phrase is not None:
        (meaning, value), j = phrase
        if meaning == W.LOTTERY:
            r.add_lottery(value, i, j)  # type: ignore[arg-type]
        elif meaning == W.ALLDAY:
            r.allday = (i, j)
        elif meaning == W.ANIMAL:
            r.stream.append((PLAY, ("animal", value), i, j))
        elif meaning == W.ALLSIGNS:
            raise Fail("unknown_token", M.LOOSE_SIGN, i, j, resume=j)
        elif meaning == W.DAY:
            r.add_day(value, i, j)  # type: ignore[arg-type]
        return j
    entry = tok[3]
    if entry is None:
        return _unknown_word(r, i)
    meaning, value = entry  # type: ignore[misc]
    if meaning == W.FOREIGN:
        raise wrong_currency(r, i)
    glued_num = i + 1 < n and toks[i + 1][0] == NUM and r.glued(i + 1)
    if glued_num and meaning not in _GLUED_MARKERS:
        raise r.fail_chunk(i)
    if meaning == W.FILLER:
        return i + 1
    if meaning == W.LOTTERY:
        r.add_lottery(value, i, i + 1)  # type: ignore[arg-type]
        return i + 1
    if meaning == W.ANIMAL:
        r.stream.append((PLAY, ("animal", value), i, i + 1))
        return i + 1
    if meaning == W.LAS:
        if i + 1 < n and toks[i + 1][0] == NUM:
            raise Fail("unknown_token", M.HOUR_FORMAT, i, i + 2, resume=i + 2)
        return i + 1
    if meaning == W.A:
        nxt = toks[i + 1] if i + 1 < n else None
        if nxt is not None and (nxt[0] in (TIME, HOUR) or r.meaning(i + 1) == W.LAS):
            return i + 1
        return _marked(r, i, i + 1)
    if meaning in (W.X, W.CON, W.POR):
        return _marked(r, i, i + 1)
    if meaning == W.BS:
        if glued_num:
            return _marked(r, i, i + 1)
        raise Fail("unknown_token", M.UNIT_NO_NUMBER, i, i + 1, resume=i + 1)
    if meaning in (W.UNIT, W.MIL, W.MILUNIT):
        raise Fail("unknown_token", M.UNIT_NO_NUMBER, i, i + 1, resume=i + 1)
    if meaning == W.ALLDAY:
        r.allday = (i, i + 1)
        return i + 1
    if meaning == W.REV:
        found = r.amount(i + 1)
        if found is None:
            raise Fail("unknown_token", M.REV_PLACE, i, i + 1, resume=i + 1)
        amount, k = found
        r.stream.append((REV, amount, i, k))
        return k
    if meaning == W.PERM:
        j = i + 1
        if j < n and toks[j][0] == NUM and toks[j][1].isdigit():
            r.end_of_play(j + 1)
            r.stream.append((PLAY, ("perm", toks[j][1]), i, j + 1))
            return j + 1
        raise Fail("unknown_token", M.PERM_NO_NUMBER, i, i + 1, resume=i + 1)
    if meaning == W.CORRIDA:
        if i + 1 < n and toks[i + 1][0] == NUM:
            return _series(r, i, i + 1)
        raise Fail("unknown_token", M.SERIES_FORMAT, i, i + 1, resume=i + 1)
    if meaning == W.TRIPLETA:
        return _tripleta(r, i)
    if meaning == W.TOTAL:
        return _total(r, i)
    if meaning in (W.SIGN, W.ALLSIGNS):
        raise Fail("unknown_token", M.LOOSE_SIGN, i, i + 1, resume=i + 1)
    if meaning == W.AL:
        raise Fail("unknown_token", M.SERIES_FORMAT, i, i + 1, resume=i + 1)
    if meaning == W.DAY:
        r.add_day(value, i, i + 1)
        return i + 1
    if meaning == W.GAME:
        return _game(r, i, value)
    if meaning == W.SYMBOL:  # ₡ 500; with no number next to it, a symbol like any other
        return _marked(r, i, i + 1) if i + 1 < n and toks[i + 1][0] == NUM else i + 1
    if meaning == W.DAYPART:
        first = i - 1 if i and toks[i - 1][1] == "la" else i
        raise Fail("unknown_token", M.DAYPART_NO_HOUR, first, i + 1, resume=i + 1)
    return _unknown_word(r, i)


def at_time(r: Reader, i: int) -> None:
    """``a las`` must be followed by its time (``a las 4pm``): a line ending in it had started
    to name one. ``a la granjita``, ``a la zulia`` name a lottery."""
    after = r.toks[i + 2] if i + 2 < r.n else None
    if after is not None and (after[0] in (TIME, HOUR, NUM) or r.toks[i + 1][1] == "la"):
        return  # a time, a bare number (which the reader says is no time), "a la <lottery>"
    raise Fail("unknown_token", M.AT_NO_TIME, i, i + 2, resume=i + 2)


def bad_clock(clock: WrittenTime, first: int, stop: int) -> Fail:
    """Why a written time names no draw hour (``25:00``, ``12 de la noche``)."""
    mer = clock[2]
    if mer == NIGHT:
        return Fail("ambiguous", M.NIGHT_HOUR, first, stop, resume=stop)
    if mer == CLASH:
        return Fail("unknown_token", M.TIME_CLASH, first, stop, resume=stop)
    return Fail("unknown_token", M.BAD_TIME, first, stop, resume=stop)


def currency_params(currency: str) -> dict[str, Any]:
    return {"currency": M.Currency(currency), "example": M.CURRENCY_EXAMPLES.get(currency, "x5")}


def wrong_currency(r: Reader, k: int) -> Fail:
    """Another currency than the catalog's, at token ``k``: never read as the catalog's."""
    first, stop = r.chunk(k)
    if first == k and stop == k + 1 and k and r.toks[k - 1][0] == NUM:
        first = k - 1  # quote the amount with it: "20 dolares" (not "888" in "888 ₡500")
    return Fail("wrong_currency", M.WRONG_CURRENCY, first, stop, resume=stop,
                params=currency_params(r.tables.currency))


def foreign_within(r: Reader, first: int, stop: int) -> Fail | None:
    """Another currency among tokens a failure skips (``us$20``): it is what the line is about."""
    for k in range(first, min(stop, r.n)):
        if r.meaning(k) == W.FOREIGN:
            return wrong_currency(r, k)
    return None


def _before_symbol(r: Reader, i: int) -> int:
    """A number, then ``₡`` apart from it: ``1000 ₡`` is an amount; ``25 ₡1000`` a play then
    an amount; ``25 ₡ 1000`` is either, so it is asked."""
    toks, j = r.toks, i + 1
    after = toks[j + 1] if j + 1 < r.n else None
    if after is None or after[0] != NUM:
        return _bare_amount(r, i)
    if after[2]:
        r.stream.append((RAW, toks[i][1], i, j))
        return j
    raise Fail("ambiguous", M.SYMBOL_BETWEEN, i, j + 2, resume=j + 2,
               params={"example": f"{toks[i][1]} ₡{after[1]}"})


def _game(r: Reader, i: int, game: str) -> int:
    """A game word: the game of the numbers after it; before a lottery, part of its name."""
    j = i + 1
    if _names_lottery(r, j):
        if game == "triple":
            return j  # "triple zulia", "triple zamorrano": how people name the lottery
        written = r.toks[i][1]
        raise Fail("unknown_token", M.GAME_BEFORE_LOTTERY, i, j + 1, resume=j, params={
            "game": written, "example": f"{written} 25 x5 {r.fragment(j, j + 1)}"})
    r.stream.append((GAME, game, i, j))
    return j


def other(r: Reader, i: int) -> int:
    """``*`` markers, dashes and characters that are no token of the language (the reader
    handles times itself)."""
    kind = r.toks[i][0]
    if kind == STAR:
        return _marked(r, i, i + 1)
    if kind == DASH:
        return _dash(r, i)
    assert kind == BAD
    raise r.fail_chunk(i)


def _bare_amount(r: Reader, i: int) -> int:
    found = r.amount(i)
    assert found is not None
    amount, k = found
    r.stream.append((AMOUNT, amount, i, k))
    return k


def _signed(r: Reader, i: int, digits: str, signs: list[str], j: int) -> int:
    j = r.signs_after(j, signs)
    r.end_of_play(j)
    r.stream.append((PLAY, ("signs", digits, tuple(signs)), i, j))
    return j


def _dashed(r: Reader, i: int) -> int:
    toks = r.toks
    a, third = toks[i][1], toks[i + 2]
    if third[0] == WORD:
        entry = third[3]
        if entry is not None and entry[0] == W.SIGN:  # type: ignore[index]
            return _signed(r, i, a, [entry[1]], i + 3)  # type: ignore[list-item]
        raise r.fail_chunk(i)
    if third[0] != NUM or not third[1].isdigit():
        raise r.fail_chunk(i)
    b = third[1]
    if len(a) == 3 and len(b) == 2:
        code = SIGN_CODES.get(b)
        if code is None:
            raise r.fail_chunk(i, M.BAD_SIGN_CODE)
        return _signed(r, i, a, [code], i + 3)
    if len(a) == len(b) and len(a) in (2, 3):
        r.end_of_play(i + 3)
        r.stream.append((PLAY, ("pair", a, b), i, i + 3))
        return i + 3
    raise r.fail_chunk(i, M.BAD_PAIR)


def _series(r: Reader, i: int, first: int) -> int:
    """``A al B`` with A at token ``first`` (``i`` is where the construct starts)."""
    toks, n = r.toks, r.n
    a, j = toks[first], first + 2
    if first + 1 >= n or r.meaning(first + 1) != W.AL or j >= n or toks[j][0] != NUM:
        raise Fail("unknown_token", M.SERIES_FORMAT, i, min(j + 1, n), resume=min(j, n))
    b = toks[j]
    if not (a[1].isdigit() and b[1].isdigit()):
        raise Fail("unknown_token", M.SERIES_FORMAT, i, j + 1, resume=j + 1)
    r.end_of_play(j + 1)
    r.stream.append((PLAY, ("series", a[1], b[1]), i, j + 1))
    return j + 1


def _marked(r: Reader, i: int, j: int) -> int:
    found = r.amount(j)
    if found is None:
        first, stop = r.chunk(i)
        raise Fail("unknown_token", M.MARKER_NO_AMOUNT, first, stop, resume=i + 1)
    amount, k = found
    r.stream.append((AMOUNT, amount, i, k))
    return k


def _tripleta(r: Reader, i: int) -> int:
    toks, n = r.toks, r.n
    animals: list[tuple[str, str]] = []
    j = i + 1
    while len(animals) < 3 and j < n:
        tok = toks[j]
        meaning = r.meaning(j)
        if meaning == W.FILLER:
            j += 1
            continue
        if (tok[0] == NUM and tok[1].isdigit() and not r.glued(j)
                and not (j + 1 < n and r.glued(j + 1))):
            animals.append(("num", tok[1]))
        elif meaning == W.ANIMAL:
            animals.append(("animal", tok[3][1]))  # type: ignore[index]
        else:
            break
        j += 1
    if len(animals) < 3:
        raise Fail("unknown_token", M.TRIPLETA_COUNT, i, max(j, i + 1), resume=j)
    r.stream.append((PLAY, ("tripleta", tuple(animals)), i, j))
    return j


def _total(r: Reader, i: int) -> int:
    if r.stream or r.lots or r.clocks or r.allday:
        raise Fail("unknown_token", M.TOTAL_PLACE, i, i + 1, resume=i + 1)
    found = r.amount(i + 1)
    if found is None:
        raise Fail("unknown_token", M.TOTAL_MISSING, i, i + 1, resume=i + 1)
    amount, k = found
    r.total = amount
    if k < r.n:
        raise Fail("unknown_token", M.TOTAL_PLACE, k, r.n, resume=r.n)
    return k


def _dash(r: Reader, i: int) -> int:
    toks, n = r.toks, r.n
    tok = toks[i]
    if r.glued(i) or (i + 1 < n and r.glued(i + 1)):
        raise r.fail_chunk(i)
    prev, nxt = (toks[i - 1] if i else None), (toks[i + 1] if i + 1 < n else None)
    if (tok[1] == "-" and prev is not None and nxt is not None and prev[0] == NUM
            and nxt[0] == NUM and len(prev[1]) == len(nxt[1]) and prev[1].isdigit()
            and nxt[1].isdigit() and len(prev[1]) in (2, 3)):
        raise Fail("unknown_token", M.DASH_SPACES, i - 1, i + 2, resume=i + 2,
                   params={"joined": f"{prev[1]}-{nxt[1]}"})
    return i + 1


def _unknown_word(r: Reader, i: int) -> int:
    tok = r.toks[i]
    start, end = r.chunk(i)
    after = end
    if start != i or end != i + 1:
        raise Fail("unknown_token", M.UNKNOWN, start, end, resume=after)
    tables = r.tables
    if tok[1] in tables.alias_heads and _names_lottery(r, i + 1):
        return i + 1  # "triple zulai": the first word of "triple zulia", with the typo after
    owners = tables.typo_lotteries(tok[1])
    if len(owners) == 1:
        r.add_lottery(owners[0], i, i + 1)
        return i + 1
    if owners:
        names = [tables.lottery_names[o] for o in owners]
        raise Fail("ambiguous", M.LOTTERY_AMBIGUOUS, start, end, resume=after,
                   params={"options": names})
    suggestion = tables.suggestion(tok[1])
    if suggestion:
        raise Fail("unknown_token", M.UNKNOWN_SUGGEST, start, end, resume=after,
                   params={"suggestion": suggestion})
    raise Fail("unknown_token", M.UNKNOWN, start, end, resume=after)


def _names_lottery(r: Reader, j: int) -> bool:
    """Whether token ``j`` is a lottery's name, or one typo from exactly one."""
    if j >= r.n or r.toks[j][0] != WORD or r.toks[j][2]:
        return False
    if r.toks[j][1] in r.tables.phrase_starts:
        phrase = r.phrase(j)
        if phrase is not None and phrase[0][0] == W.LOTTERY:
            return True
    entry = r.toks[j][3]
    if entry is not None:
        return entry[0] == W.LOTTERY  # type: ignore[index,no-any-return]
    return len(r.tables.typo_lotteries(r.toks[j][1])) == 1
