"""One line's plan: its draw spec, and its plays grouped with the amount that applies to them.

Here the amount rules of docs/plays.md are applied: an amount applies to every play before it
back to the previous amount, and a line's last number may be the amount of its last plays when it
cannot be mistaken for one more play.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from lottery.plays import messages as M
from lottery.plays.amounts import (
    AmountError,
    digit_count,
    has_decimals,
    has_leading_zero,
    parse_amount,
)
from lottery.plays.errors import Fail
from lottery.plays.items import AMOUNT, GAME, PLAY, RAW, REV, Item, Play

if TYPE_CHECKING:
    from lottery.plays.reader import Reader

#: What a line is. DAY: only a day word (``para mañana:``), the day of the lines below it.
EMPTY, SPEC, BROKEN, PLAYS, TOTAL_LINE, DAY = range(6)

_AMOUNTISH = re.compile(r"[0-9]+(?:[.,][0-9]+)?|[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")
_COMMA_AMOUNT = re.compile(r"[0-9]+,[0-9]{1,2}")


class Group(NamedTuple):
    """Plays that share an amount (and a reventado amount)."""

    plays: list[tuple[Play, int, int]]
    amount: Decimal
    rev: Decimal | None = None
    rev_span: tuple[int, int] = (0, 0)


_new_group = tuple.__new__
_NO_SPAN = (0, 0)


def plan_line(r: Reader, example_lottery: str = "zulia") -> Reader:
    """Classifies a read line and groups its plays with their amounts."""
    error = r.error
    if r.total is not None or (error is not None and error.msgid == M.TOTAL_PLACE):
        r.kind = TOTAL_LINE
    elif r.stream:
        r.kind = PLAYS
        if error is None:
            try:
                r.groups = groups_of(r.stream, r)
            except Fail as fail:
                r.error = fail.at(r)
    elif error is not None:
        r.kind = BROKEN
    elif r.lots:
        r.kind = SPEC
    elif r.clocks or r.allday:
        spans = [(s, e) for _, s, e in r.clocks] + ([r.allday] if r.allday else [])
        if r.day is not None:
            spans.append((r.day.first, r.day.stop))
        first, stop = min(s for s, _ in spans), max(e for _, e in spans)
        text = r.fragment(first, stop)
        r.kind = BROKEN
        r.error = Fail("missing_lottery", M.TIMES_ONLY, first, stop,
                       params={"example": f"{example_lottery} {text}"}).at(r)
    elif r.day is not None:
        r.kind = DAY
    else:
        r.kind = EMPTY
    return r


def groups_of(stream: list[Item], line: Reader) -> list[Group]:
    """The line's plays grouped with the amount (and reventado) that applies to them."""
    last = stream[-1]
    if last[0] != AMOUNT:
        _trailing_amount(stream)
    elif len(stream) == 2 and stream[0][0] == RAW and stream[0][1].isdigit():  # type: ignore[union-attr]
        _, raw, first, stop = stream[0]  # the usual line: "123 x5"
        return [_new_group(Group, ([(("num", raw), first, stop)], last[1], None, _NO_SPAN))]
    groups: list[Group] = []
    pending: list[tuple[Play, int, int]] = []
    append = pending.append
    tripleta_last = False
    after_amount = False
    game: tuple[str, int, int, int] | None = None  # a game word in force: (game, span, plays)
    for kind, value, start, end in stream:
        if kind == RAW:
            if "," in value or "." in value:  # type: ignore[operator]
                for play in _raw_plays(value, start, end):
                    if tripleta_last:
                        raise Fail("unknown_token", M.TRIPLETA_COUNT, pending[-1][1], end)
                    append(play)
            else:
                if tripleta_last:
                    raise Fail("unknown_token", M.TRIPLETA_COUNT, pending[-1][1], end)
                append((("num", value), start, end))
            tripleta_last = after_amount = False
        elif kind == PLAY:
            play_kind = value[0]  # type: ignore[index]
            if tripleta_last and play_kind == "animal":
                raise Fail("unknown_token", M.TRIPLETA_COUNT, pending[-1][1], end)
            append((value, start, end))  # type: ignore[arg-type]
            tripleta_last = play_kind == "tripleta"
            after_amount = False
        elif kind == AMOUNT:
            if game is not None:
                pending = _typed(game, pending)
                game = None
            if not pending:
                raise Fail("missing_amount", M.AMOUNT_NO_PLAYS, start, end)
            groups.append(_new_group(Group, (pending, value, None, _NO_SPAN)))
            pending = []
            append = pending.append
            tripleta_last = False
            after_amount = True
        elif kind == REV:
            if not after_amount or groups[-1].rev is not None:
                raise Fail("unknown_token", M.REV_PLACE, start, end)
            groups[-1] = groups[-1]._replace(rev=value, rev_span=(start, end))
        elif kind == GAME:
            if game is not None:
                pending = _typed(game, pending)
            game = (value, start, end, len(pending))  # type: ignore[assignment]
    if pending:
        raise _missing_amount(pending, stream, line)
    if game is not None:
        _typed(game, pending)
    return groups


def _typed(game: tuple[str, int, int, int], pending: list[tuple[Play, int, int]]
           ) -> list[tuple[Play, int, int]]:
    """The plays after a game word (from index ``game[3]`` of ``pending``) marked with its game."""
    name, first, stop, since = game
    if since == len(pending):  # "triple x5", "123 x5 terminal": a game word with no numbers
        example = "triple 123 x5" if name == "triple" else "terminal 25 x5"
        raise Fail("unknown_token", M.GAME_NO_PLAYS, first, stop, params={"example": example})
    return pending[:since] + [(("typed", name, play), a, b) for play, a, b in pending[since:]]


def _trailing_amount(stream: list[Item]) -> None:
    """Turns the line's last number into the amount of the plays before it, when it must be one."""
    last = len(stream) - 1
    while last >= 0 and stream[last][0] == REV:
        last -= 1
    if last < 1 or stream[last][0] != RAW or stream[last - 1][0] not in (PLAY, RAW):
        return
    _, raw, start, end = stream[last]
    prev = stream[last - 1]
    if not _amount_here(raw, prev):  # type: ignore[arg-type]
        return
    try:
        stream[last] = (AMOUNT, parse_amount(raw), start, end)  # type: ignore[arg-type]
    except AmountError as exc:
        raise Fail("invalid_number", exc.msgid, start, end) from None


def _amount_here(raw: str, prev: Item) -> bool:
    if has_leading_zero(raw) or not _AMOUNTISH.fullmatch(raw) or not raw.strip("0.,"):
        return False
    prev_plain = prev[0] == RAW and isinstance(prev[1], str)
    if prev_plain and _COMMA_AMOUNT.fullmatch(raw):
        before = prev[1].rsplit(",", 1)[-1]  # type: ignore[union-attr]
        if before.isdigit() and all(len(part) == len(before) for part in raw.split(",")):
            raise Fail("ambiguous", M.AMBIGUOUS_COMMA, 0, 0, text=raw,
                       params={"plays": raw.replace(",", " ")})
    if has_decimals(raw) or not prev_plain:
        return True
    before = prev[1].rsplit(",", 1)[-1]  # type: ignore[union-attr]
    return digit_count(raw) != digit_count(before)


def _raw_plays(raw: object, start: int, end: int) -> list[tuple[Play, int, int]]:
    """A number that is not an amount: one play, or several written ``5,10``."""
    text = str(raw)
    if "." in text:
        raise Fail("unknown_token", M.NOT_A_PLAY, start, end)
    return [(("num", part), start, end) for part in text.split(",")]


def _missing_amount(
    pending: list[tuple[Play, int, int]], stream: list[Item], line: Reader,
) -> Fail:
    first, stop = pending[0][1], pending[-1][2]
    last_kind, last_raw = stream[-1][0], stream[-1][1]
    if (last_kind == RAW and len(pending) > 1 and isinstance(last_raw, str) and last_raw.isdigit()
            and not has_leading_zero(last_raw) and int(last_raw) > 0):
        before = line.fragment(first, stream[-1][2])
        return Fail("missing_amount", M.AMOUNT_OR_PLAY, first, stop,
                    params={"last": last_raw, "example": f"{before} x{last_raw}"})
    example = line.fragment(pending[0][1], pending[0][2]) or "123"
    return Fail("missing_amount", M.MISSING_AMOUNT, first, stop, params={"example": example})
