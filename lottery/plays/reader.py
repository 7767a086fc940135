"""Reading one line's tokens: plays, amounts, reventados, lotteries, times, totals.

What is read does not depend on the lottery yet (``123`` is a triple on Zulia and a tiempo on
Monazo): the line's draw spec may come later in the line, or from another line. The first problem
found is kept as the line's error; reading goes on so the line can still be classified (plays, or
a header). The common shapes (a lottery name, a filler, a plain number, ``x5``) are read inline
here; the rest is in ``constructs``. This runs for every token of every message, hence plain
tuples, and spans as token indices (turned into quoted text only when an error needs it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lottery.plays import constructs as C
from lottery.plays import messages as M
from lottery.plays.amounts import AmountError, parse_amount
from lottery.plays.days import Day
from lottery.plays.errors import Fail, LineError
from lottery.plays.hours import may_have_phrases, read_hour_phrases
from lottery.plays.items import AMOUNT, PLAY, RAW, Item, WrittenTime, WrittenTimeSpan
from lottery.plays.lexer import HOUR, NUM, STAR, TIME, WORD, Token, positions
from lottery.plays.lines import PLAYS, groups_of, plan_line
from lottery.plays.vocab import SIGNS, Tables, W

_FILLER, _LOTTERY, _ANIMAL, _LAS, _A = W.FILLER, W.LOTTERY, W.ANIMAL, W.LAS, W.A
_END: Token = (-1, "", False, None)
#: Words after which a number is simply read on (not an amount, sign, series…).
#: (Not ALLDAY: "todos" may start "todos los signos", which belongs to the number.)
_PLAIN_AFTER = frozenset({W.FILLER, W.LAS, W.X, W.A, W.CON, W.POR, W.LOTTERY, W.ANIMAL, W.PERM,
                          W.DAY, W.GAME,
                          W.CORRIDA, W.TRIPLETA, W.REV, W.TOTAL})
_MARKERS = frozenset({W.X, W.CON, W.POR, W.A})
_BS = W.BS
_UNITS = frozenset({W.BS, W.UNIT})
#: Words that continue an amount (2 mil, 5 bs, 500 colones).
_AMOUNT_TAIL = frozenset({W.MIL, W.MILUNIT, W.UNIT, W.BS, W.SYMBOL, W.FOREIGN})
_FOREIGN_CODE = "wrong_currency"
_NO_GROUPS: list[Any] = []  # (replaced, never mutated)


class Reader:
    """One line: its tokens, what was read from them, and (once planned) what the line is."""

    # Slots: a reader is built for every line of every message, and its fields are read for
    # every token (docs/speed.md, "The plays parser").
    __slots__ = ("_positions", "allday", "clocks", "day", "error", "folded", "groups", "kind",
                 "lots", "n", "shown", "spans", "stream", "tables", "toks", "total")

    def __init__(self, toks: list[Token], tables: Tables, shown: str, folded: str,
                 example_lottery: str = "zulia") -> None:
        """Reads the line and plans it (``lines.plan_line``): one call per line, it adds up."""
        self.toks = toks
        self.n = len(toks)
        self.tables = tables
        self.shown = shown
        self.folded = folded
        self.stream: list[Item] = []
        self.lots: list[tuple[str, int, int]] = []
        self.clocks: list[WrittenTimeSpan] = []
        self._positions: list[tuple[int, int]] | None = None
        self.allday: tuple[int, int] | None = None
        self.total: Decimal | None = None
        self.error: LineError | None = None
        #: the line's day word (v2), if it has one
        self.day: Day | None = None
        #: hour phrases ("4 de la tarde"): index of the time token → index after the phrase
        self.spans: dict[int, int] | None = None
        #: set by ``lines.plan_line``: what the line is (plays, header, total…) and its groups
        self.kind = -1
        self.groups: list[Any] = _NO_GROUPS
        if "la" in folded and may_have_phrases(folded):  # "4 de la tarde", "en la mañana"
            self.spans = read_hour_phrases(toks)
        self.read()
        if self.stream and self.error is None and self.total is None:
            self.kind = PLAYS  # the usual line; lines.plan_line says what the others are
            try:
                self.groups = groups_of(self.stream, self)
            except Fail as fail:
                self.error = fail.at(self)
        else:
            plan_line(self, example_lottery)

    def fragment(self, first: int, stop: int) -> str:
        """The text written for tokens ``first`` to ``stop - 1`` (the whole line if none)."""
        if self._positions is None:
            self._positions = positions(self.folded)
        pos = self._positions
        if not pos or stop <= first:
            return self.shown.strip()
        first = min(first, len(pos) - 1)
        stop = min(max(stop, first + 1), len(pos))
        return self.shown[pos[first][0]:pos[stop - 1][1]].strip()

    def read(self) -> Reader:
        toks, n, phrase_next = self.toks, self.n, self.tables.phrase_next
        toks.append(_END)  # so that toks[i + 1] always exists (n still counts the real ones)
        stream = self.stream
        i = 0
        while i < n:
            tok = toks[i]
            kind = tok[0]
            nxt = toks[i + 1]
            try:
                if kind == NUM:
                    if not nxt[2] and (nxt[0] != WORD or (
                            nxt[3] is not None and nxt[3][0] in _PLAIN_AFTER)):  # type: ignore[index]
                        stream.append((RAW, tok[1], i, i + 1))
                        i += 1
                        continue
                    if (nxt[0] == WORD and nxt[3] is not None and nxt[3][0] in _UNITS  # type: ignore[index]
                            and not (toks[i + 2] if i + 2 < n else _END)[2]):
                        try:  # 5bs, 5 bs, 500 colones (and not "5 bs5": that bs is a marker)
                            value = parse_amount(tok[1])
                        except AmountError as exc:
                            raise Fail("invalid_number", exc.msgid, i, i + 2,
                                       resume=i + 2) from None
                        stream.append((AMOUNT, value, i, i + 2))
                        i += 2
                        continue
                    i = C.number(self, i)
                elif kind == WORD:
                    entry = tok[3]
                    if entry is None:
                        i = C.word(self, i)
                        continue
                    meaning = entry[0]  # type: ignore[index]
                    if nxt[0] == NUM and (meaning in _MARKERS or (meaning == _BS and nxt[2])):
                        # the usual amount: x5, x 5, por 2,50, bs5 (nothing glued or unit after)
                        after = toks[i + 2] if i + 2 < n else _END
                        if not after[2] and (after[0] != WORD or after[3] is None
                                             or after[3][0] not in _AMOUNT_TAIL):  # type: ignore[index]
                            try:
                                value = parse_amount(nxt[1])
                            except AmountError as exc:
                                raise Fail("invalid_number", exc.msgid, i + 1, i + 2,
                                           resume=i + 2) from None
                            stream.append((AMOUNT, value, i, i + 2))
                            i += 2
                            continue
                    if nxt[2]:
                        i = C.word(self, i)
                        continue
                    if meaning == _FILLER:  # no filler starts a phrase
                        i += 1
                        continue
                    if meaning in (_LOTTERY, _ANIMAL):
                        following = phrase_next.get(tok[1])  # could a phrase start here?
                        if following is None or nxt[1] not in following:
                            if meaning == _ANIMAL:
                                stream.append((PLAY, ("animal", entry[1]), i, i + 1))  # type: ignore[index]
                            elif not self.lots or all(
                                    lot[0] != entry[1] for lot in self.lots):  # type: ignore[index]
                                self.lots.append((entry[1], i, i + 1))  # type: ignore[index]
                            i += 1
                            continue
                    elif (meaning in (_LAS, _A)) and (
                            nxt[0] == TIME or nxt[0] == HOUR or (
                                nxt[0] == WORD and nxt[3] is not None and nxt[3][0] == _LAS)  # type: ignore[index]
                    ) and (meaning == _A or tok[1] not in phrase_next):
                        if meaning == _A and nxt[0] == WORD:
                            C.at_time(self, i)  # "a las" with no time after it is an error
                        i += 1  # "a las 4pm", "de las 12:45": the time follows
                        continue
                    i = C.word(self, i)
                elif kind in (TIME, HOUR):
                    clock = tok[3]
                    stop = i + 1 if self.spans is None else self.spans.get(i, i + 1)
                    if clock not in _VALID_CLOCKS:
                        raise C.bad_clock(clock, i, stop)  # type: ignore[arg-type]
                    if not self.clocks or all(c[0] != clock for c in self.clocks):
                        self.clocks.append((clock, i, stop))  # type: ignore[arg-type]
                    i = stop
                else:
                    i = C.other(self, i)
            except Fail as fail:
                stop = max(i + 1, fail.resume)
                if fail.code != _FOREIGN_CODE:
                    fail = C.foreign_within(self, i, stop) or fail  # "us$" is no unknown word
                if self.error is None or (fail.code == _FOREIGN_CODE
                                          and self.error.code != _FOREIGN_CODE):
                    self.error = fail.at(self)  # another currency outweighs any other problem
                i = stop
        toks.pop()
        return self

    # -- what the constructs record ------------------------------------------------------------

    def add_lottery(self, lottery_id: str, first: int, stop: int) -> None:
        for seen, _, _ in self.lots:
            if seen == lottery_id:
                return
        self.lots.append((lottery_id, first, stop))

    def add_day(self, key: int, first: int, stop: int) -> None:
        """A day word; the same word twice counts once, two different ones are ambiguous."""
        seen = self.day
        if seen is None:
            self.day = Day(key, first, stop)
        elif seen.key != key:
            raise Fail("ambiguous", M.TWO_DAYS, seen.first, stop, resume=stop)

    def add_clock(self, clock: WrittenTime, first: int, stop: int) -> None:
        for seen, _, _ in self.clocks:
            if seen == clock:
                return
        self.clocks.append((clock, first, stop))

    # -- helpers the constructs share ----------------------------------------------------------

    def glued(self, j: int) -> bool:
        """Whether token ``j`` touches the token before it."""
        return 0 < j < self.n and self.toks[j][2]

    def chunk(self, i: int) -> tuple[int, int]:
        """The glued run of tokens around ``i``: (first, stop)."""
        toks, lo, hi = self.toks, i, i + 1
        while lo > 0 and toks[lo][2]:
            lo -= 1
        while hi < self.n and toks[hi][2]:
            hi += 1
        return lo, hi

    def fail_chunk(self, i: int, msgid: str = M.UNKNOWN, code: str = "unknown_token") -> Fail:
        first, stop = self.chunk(i)
        return Fail(code, msgid, first, stop, resume=stop)

    def meaning(self, j: int) -> int | None:
        if j >= self.n:
            return None
        tok = self.toks[j]
        if tok[0] != WORD or tok[3] is None:
            return None
        return tok[3][0]  # type: ignore[index,no-any-return]

    def phrase(self, i: int) -> tuple[tuple[int, object], int] | None:
        """The longest phrase starting at token ``i``: (meaning, index after it)."""
        options = self.tables.phrases.get(self.toks[i][1])
        if not options:
            return None
        toks, n = self.toks, self.n
        for words, meaning in options:
            k = len(words)
            if i + k > n:
                continue
            for m in range(1, k):
                tok = toks[i + m]
                if tok[0] != WORD or tok[1] != words[m]:
                    break
            else:
                return meaning, i + k
        return None

    def signs_after(self, j: int, signs: list[str]) -> int:
        """Collects sign words following a number (``123 ari tau``, ``123 todos los signos``)."""
        toks, n = self.toks, self.n
        while j < n:
            tok = toks[j]
            entry = tok[3]
            if tok[0] != WORD or entry is None:
                break
            meaning = entry[0]  # type: ignore[index]
            if meaning == W.SIGN:
                signs.append(entry[1])  # type: ignore[index]
                j += 1
            elif meaning == W.ALLSIGNS:
                signs.extend(SIGNS)
                j += 1
            elif tok[1] in self.tables.phrase_starts:
                phrase = self.phrase(j)
                if not phrase or phrase[0][0] != W.ALLSIGNS:
                    break
                signs.extend(SIGNS)
                j = phrase[1]
            else:
                break
        return j

    def end_of_play(self, j: int) -> None:
        """Nothing may be glued to a play except an amount marker (``123x5``, ``123*5``)."""
        if j < self.n and self.toks[j][2]:
            tok = self.toks[j]
            if tok[0] == STAR or (tok[0] == WORD and tok[1] == "x"):
                return
            raise self.fail_chunk(j)

    def amount(self, j: int) -> tuple[Decimal, int] | None:
        """An amount starting at token ``j``: ``5``, ``2,50``, ``2 mil``, ``mil``, ``5 bs``…"""
        toks, n = self.toks, self.n
        if j >= n:
            return None
        tok = toks[j]
        if tok[0] == NUM:
            thousands, k = False, j + 1
            meaning = self.meaning(k)
            if meaning == W.MIL:
                thousands, k = True, self.unit_after(k + 1)
            elif meaning == W.MILUNIT:
                thousands, k = True, k + 1
            elif meaning in (W.UNIT, W.BS, W.SYMBOL):
                k = self.unit_after(k)
            elif meaning == W.FOREIGN:
                raise C.wrong_currency(self, k)
            if k == j + 1 and k < n and toks[k][2]:
                raise self.fail_chunk(j)
            try:
                return parse_amount(tok[1], thousands), k
            except AmountError as exc:
                raise Fail("invalid_number", exc.msgid, j, k) from None
        meaning = self.meaning(j)
        if meaning == W.MIL:
            return Decimal("1000.00"), self.unit_after(j + 1)
        if meaning == W.MILUNIT:
            return Decimal("1000.00"), j + 1
        if meaning == W.SYMBOL and j + 1 < n and toks[j + 1][0] == NUM:  # x ₡500, x ₡ 500
            return self.amount(j + 1)
        if meaning == W.FOREIGN:
            raise C.wrong_currency(self, j)
        return None

    def unit_after(self, k: int) -> int:
        """Skips a unit word at ``k`` (``bs``, ``colones``, ``₡``) unless it starts ``bs5``."""
        meaning = self.meaning(k)
        if meaning == W.UNIT or ((meaning == W.BS or meaning == W.SYMBOL)
                                 and not (k + 1 < self.n and self.toks[k + 1][2])):
            return k + 1
        if meaning == W.FOREIGN:
            raise C.wrong_currency(self, k)
        return k


def read_line(toks: list[Token], tables: Tables, shown: str, folded: str,
              example_lottery: str = "zulia") -> Reader:
    """The line read and planned (what ``Reader(...)`` does; named for readers of the parser)."""
    return Reader(toks, tables, shown, folded, example_lottery)


#: A line once read and planned: what it is (``kind``), its spec and its groups of plays.
LinePlan = Reader


def _valid_clock(clock: WrittenTime) -> bool:
    """4:45, 16:45, 4:45pm, 4pm, 12m — not 25:00, 13pm, 4m."""
    hour, minute, mer = clock
    return (
        (mer is None and minute is not None and hour <= 23)
        or (mer in ("am", "pm") and 1 <= hour <= 12)
        or (mer == "m" and hour == 12)
    ) and (minute is None or minute <= 59)


#: Every valid written time (a set lookup costs less than the checks, for every time read).
_VALID_CLOCKS = frozenset(
    clock for hour in range(24) for minute in (None, *range(60))
    for mer in (None, "am", "pm", "m") if _valid_clock(clock := (hour, minute, mer)))
