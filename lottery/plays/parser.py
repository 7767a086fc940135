"""A whole message: lines, where each line's draw spec comes from, wagers, errors and totals.

docs/plays.md ("where a line's draw spec comes from"; an error rejects its whole line)
live here; the reading of each line is in ``reader``/``lines``, draws in ``drawspec``, games in
``games``, the day each line is about (v2) in ``daylines``. This runs once per chat message, so
the common path is kept short.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from lottery.catalog import Catalog, Lottery
from lottery.plays import messages as M
from lottery.plays.daylines import DayLines
from lottery.plays.days import Day
from lottery.plays.drawspec import DrawFinder
from lottery.plays.errors import Fail, LineError
from lottery.plays.games import expand
from lottery.plays.lexer import DASH, STAR, tokenize
from lottery.plays.lines import BROKEN, DAY, EMPTY, PLAYS, SPEC, TOTAL_LINE, Group
from lottery.plays.model import ParseResult, PlayError, Wager, play_error
from lottery.plays.normalize import fold_line
from lottery.plays.reader import LinePlan, Reader
from lottery.plays.vocab import Tables, tables_for
from lottery.schedule import Draw

#: Telegram's limit; lines past it are not read (an error on the first of them says so).
MAX_MESSAGE_CHARS = 4096

_new_wager = tuple.__new__

#: draws by lottery, in the order the lotteries were named
LotteryDraws = list[tuple[Lottery, list[Draw]]]
#: an open ticket's draws (lottery id, draw times) that lines naming no lottery take
OpenDraws = Sequence[tuple[str, Sequence[datetime]]]


def parse_message(
    text: str, catalog: Catalog, now: datetime, default_lottery: str | None = None,
    context: OpenDraws | None = None,
) -> ParseResult:
    """Reads a chat message into wagers and per-line errors, exactly as docs/plays.md says.

    ``now`` should be aware (a naive one is read in the catalog's time zone). ``default_lottery``
    (a catalog id, the user's last lottery) is used by lines that name no lottery and have no
    header or footer; ``used_default_lottery`` then tells the preview to say so. ``context``
    (the draws of an open ticket's last line, lottery by lottery) replaces it: such a line then
    takes those lotteries and, unless it names a time or day of its own, those very draws, as if
    the open ticket's last line were its header. ``default_lines`` lists the lines that did
    either (numbered from 1).
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=catalog.timezone)
    tables = catalog.derived.get("plays") or tables_for(catalog)
    example, words, cache = tables.example_lottery, tables.words, tables.chunk_cache
    plans: list[LinePlan | None] = []
    cut = None
    days = False  # whether some line has a day word
    if len(text) > MAX_MESSAGE_CHARS:  # never read half a line: stop before the one cut short
        text = text[:MAX_MESSAGE_CHARS]
        cut = text.count("\n")
        text = text[:text.rfind("\n") + 1] if cut else ""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    for raw in text.split("\n") if text else ():
        if raw.isascii():
            line, folded = raw, raw.lower()
            if "c/u" in folded:
                folded = fold_line(raw)[1]
        else:
            line, folded = fold_line(raw)
        toks = tokenize(folded, words, cache)
        # a line with no letter or digit ("-----", "***", emoji) is no line at all
        if not toks or (toks[0][0] >= DASH and all(t[0] in (DASH, STAR) for t in toks)):
            plans.append(None)
        else:
            plans.append(plan := Reader(toks, tables, line, folded, example))
            if plan.day is not None:
                days = True
    if len(plans) == 1 and cut is None:  # one line: nothing to borrow, nothing to total
        plan = plans[0]
        if plan is not None and plan.kind == PLAYS and plan.lots and plan.error is None:
            try:
                resolved = _resolve(plan.lots, plan, DrawFinder(now), tables.lotteries,
                                    plan.day)
                made = _wagers(1, plan, resolved, catalog.limits.max_series)
            except Fail as fail:
                error = fail.at(plan)
                return ParseResult([], [play_error(1, error.text, error.code, error.msgid,
                                                   error.params)], False)
            return ParseResult(made, [], False)
    result = _Message(catalog, tables, now, default_lottery, plans, context).run(days)
    if cut is not None:
        result.errors.append(PlayError(cut + 1, "", "unknown_token", M.TOO_LONG,
                                       {"limit": str(MAX_MESSAGE_CHARS), "text": ""}))
    return result


class _Message:
    __slots__ = ("_finder", "catalog", "context", "days", "default", "default_lines", "errors",
                 "now", "plans", "spec_draws", "tables", "used", "used_default", "wagers")

    def __init__(self, catalog: Catalog, tables: Tables, now: datetime, default: str | None,
                 plans: list[LinePlan | None], context: OpenDraws | None = None) -> None:
        self.catalog = catalog
        self.context = context
        self.default_lines: set[int] = set()
        self.tables = tables
        self.now = now
        self.default = default
        self.plans = plans
        self.wagers: list[Wager] = []
        self.used_default = False
        self._finder: DrawFinder | None = None
        self.errors: dict[int, PlayError] | None = None
        #: a header/footer line's resolved draws (or its error) by day, computed once
        self.spec_draws: dict[object, LotteryDraws | LineError] | None = None
        #: where each line's day comes from, when some line of the message has a day word
        self.days: DayLines | None = None
        #: header/footer lines some play line took its draws from
        self.used: set[int] | None = None

    @property
    def finder(self) -> DrawFinder:
        if self._finder is None:
            self._finder = DrawFinder(self.now)
        return self._finder

    def run(self, days: bool) -> ParseResult:
        header: int | None = None
        footer: int | None = -1  # -1: not looked for yet
        totals: list[int] = []
        specs = False
        if days:
            self.days = DayLines(self.plans)
        for idx, plan in enumerate(self.plans):
            if plan is None:
                continue
            kind = plan.kind
            if kind == PLAYS:
                if plan.lots or header is not None:
                    self._plays(idx, plan, header)
                else:
                    if footer == -1:
                        footer = self._footer()
                    self._plays(idx, plan, footer if footer is not None and footer > idx else None)
            elif kind in (SPEC, BROKEN):
                specs = True
                if plan.error is not None:
                    self._error(idx, plan.error)
                else:
                    try:
                        draws = self._spec(idx, plan.day if self.days is None
                                           else self.days.spec_day(idx))
                    except Fail as fail:  # its day comes from a broken day line
                        draws = fail.at(plan)
                    if isinstance(draws, LineError):
                        self._error(idx, draws)
                header = idx
            elif kind == DAY:
                specs = True
            elif kind == TOTAL_LINE:
                if plan.error is not None:
                    self._error(idx, plan.error)
                else:
                    totals.append(idx)
        if specs:
            self._unused_specs()
        if totals:
            self._totals(totals)
        errors = self.errors
        return ParseResult(self.wagers, [errors[k] for k in sorted(errors)] if errors else [],
                           self.used_default, frozenset(self.default_lines))

    # -- where a line's draws come from --------------------------------------------------------

    def _footer(self) -> int | None:
        """The last meaningful line, when it holds only a draw spec (total lines don't count)."""
        plans = self.plans
        for idx in range(len(plans) - 1, -1, -1):
            plan = plans[idx]
            if plan is None or plan.kind == EMPTY or plan.kind == TOTAL_LINE:
                continue
            return idx if plan.kind == SPEC or plan.kind == BROKEN else None
        return None

    def _spec(self, idx: int, day: Day | None) -> LotteryDraws | LineError:
        """A header/footer line's draws on ``day``, or the error it has (computed once)."""
        if self.spec_draws is None:
            self.spec_draws = {}
        key = idx if day is None else (idx, day.key)
        found = self.spec_draws.get(key)
        if found is None:
            plan = self.plans[idx]
            assert plan is not None
            if plan.error is not None or not plan.lots:
                found = plan.error or LineError("missing_lottery", M.MISSING_LOTTERY, "")
            else:
                try:
                    found = self._resolve(plan.lots, plan, day)
                except Fail as fail:
                    found = fail.at(plan)
            self.spec_draws[key] = found
        return found

    def _spec_day(self, idx: int) -> Day | None:
        """The day a header or footer line is read on (its own day word, or the one above)."""
        plan = self.plans[idx]
        assert plan is not None
        return plan.day if self.days is None else self.days.spec_day(idx)

    def _resolve(self, lots: list[tuple[str, int, int]], timing: LinePlan, day: Day | None
                 ) -> LotteryDraws:
        """The draws a spec names, lottery by lottery (all of them, or ``Fail``)."""
        finder = self._finder
        if finder is None:
            finder = self._finder = DrawFinder(self.now)
        return _resolve(lots, timing, finder, self.tables.lotteries, day)

    def _plays(self, idx: int, plan: LinePlan, source: int | None) -> None:
        """Wagers of a play line whose draws are its own or come from line ``source``."""
        if source is not None:
            if self.used is None:
                self.used = set()
            self.used.add(source)
        if plan.error is not None:
            self._error(idx, plan.error)
            if self.days is not None:
                self.days.touch(idx)
            return
        try:
            day = plan.day if self.days is None else self.days.line_day(idx, plan, source)
            if plan.lots:
                draws = self._resolve(plan.lots, plan, day)
            else:
                draws = self._borrowed(idx, plan, source, day)
            self.wagers.extend(_wagers(idx + 1, plan, draws,
                                              self.catalog.limits.max_series))
        except Fail as fail:
            self._error(idx, fail.at(plan))

    def _borrowed(self, idx: int, plan: LinePlan, source: int | None, day: Day | None
                  ) -> LotteryDraws:
        """Draws for a line that names no lottery: its header's or footer's, or the default."""
        if source is None:
            if self.context:
                return self._open_ticket(idx, plan, day)
            default = self.catalog.get_lottery(self.default) if self.default else None
            if default is not None:
                self.used_default = True
                self.default_lines.add(idx + 1)
                return [(default, self.finder.draws(default, plan.clocks, plan.allday, 0, 0,
                                                     day))]
            raise Fail("missing_lottery", M.MISSING_LOTTERY, text=self._text(idx),
                       params={"example": self.tables.example_spec})
        spec_plan = self.plans[source]
        assert spec_plan is not None
        if spec_plan.error is not None or not spec_plan.lots:
            raise self._from_broken(idx, source, "missing_lottery")
        if plan.clocks or plan.allday:
            return self._resolve(spec_plan.lots, plan, day)
        draws = self._spec(source, day)
        if isinstance(draws, LineError):
            own = self._spec_day(source)
            if (None if own is None else own.key) != (None if day is None else day.key):
                # the spec is fine on its own day, not on this line's: say why, quoting it
                raise Fail(draws.code, draws.msgid, text=draws.text, params=draws.params)
            raise self._from_broken(idx, source, draws.code)
        return draws

    def _open_ticket(self, idx: int, plan: LinePlan, day: Day | None) -> LotteryDraws:
        """An open ticket's draws for a line that names no lottery (``parse_message``)."""
        assert self.context is not None
        self.default_lines.add(idx + 1)
        lots = [(self.catalog.lottery(lot_id), ats) for lot_id, ats in self.context]
        if not plan.clocks and plan.allday is None and day is None:
            return [(lot, [Draw(lot.id, at) for at in ats]) for lot, ats in lots]
        return [(lot, self.finder.draws(lot, plan.clocks, plan.allday, 0, 0, day))
                for lot, _ats in lots]

    def _from_broken(self, idx: int, source: int, code: str) -> Fail:
        return Fail(code, M.BROKEN_SOURCE, text=self._text(idx),
                    params={"source": str(source + 1)})

    # -- errors, totals ------------------------------------------------------------------------

    def _text(self, idx: int) -> str:
        plan = self.plans[idx]
        return plan.shown.strip() if plan is not None else ""

    def _error(self, idx: int, error: LineError) -> None:
        if self.errors is None:
            self.errors = {}
        if idx not in self.errors:
            self.errors[idx] = play_error(idx + 1, error.text, error.code, error.msgid,
                                          error.params)

    def _unused_specs(self) -> None:
        """A draw spec or day line that no play line takes its draw or day from: the person
        meant something."""
        used = self.used or ()
        stray = self.days.unused() if self.days is not None else ()
        for idx, plan in enumerate(self.plans):
            if plan is not None and ((plan.kind == SPEC and idx not in used) or idx in stray):
                text = self._text(idx)
                self._error(idx, LineError("ambiguous", M.UNUSED_SPEC, text, {"text": text}))

    def _totals(self, totals: list[int]) -> None:
        actual = sum((w.amount for w in self.wagers), Decimal("0.00"))
        for idx in totals:
            plan = self.plans[idx]
            assert plan is not None and plan.total is not None
            if plan.total != actual:
                text = self._text(idx)
                self._error(idx, LineError("total_mismatch", M.TOTAL_MISMATCH, text, {
                    "text": text, "actual": actual, "stated": plan.total}))


def _resolve(lots: list[tuple[str, int, int]], timing: LinePlan, finder: DrawFinder,
             by_id: dict[str, Lottery], day: Day | None = None) -> LotteryDraws:
    clocks, allday = timing.clocks, timing.allday
    if not clocks and allday is None and day is None:  # the usual case: each next open draw
        found = []
        for lot_id, first, stop in lots:
            lot = by_id[lot_id]
            draw = finder.next_open(lot)
            if draw is None:
                raise Fail("no_such_draw", M.NO_DRAWS, first, stop, params={"lottery": lot.name})
            found.append((lot, [draw]))
        return found
    return [(lot, finder.draws(lot, clocks, allday, first, stop, day))
            for lot_id, first, stop in lots for lot in (by_id[lot_id],)]


def _wagers(line: int, plan: LinePlan, resolved: LotteryDraws, max_series: int) -> list[Wager]:
    """The line's wagers; ``Fail`` (and none at all) when a play fails on any of its lotteries."""
    made: list[Wager] = []
    append = made.append
    for lot, draws in resolved:
        lot_id = lot.id
        if len(draws) == 1:  # the usual case: one draw, wagers straight from the plays
            at = draws[0].at
            for group in plan.groups:
                amount, rev = group.amount, group.rev
                if rev is not None:
                    _check_reventado(lot, group)
                for play, first, stop in group.plays:
                    try:
                        shaped = expand(play, lot, max_series)
                    except Fail as fail:
                        if fail.first == fail.stop:
                            fail.first, fail.stop = first, stop
                        raise
                    for game, number, sign in shaped:
                        append(_new_wager(Wager, (lot_id, at, game, number, sign, amount, line)))
                        if rev is not None:
                            if game != "tiempo":
                                raise _reventado_not_sold(lot, first, stop)
                            append(_new_wager(Wager, (lot_id, at, "reventado", number, None, rev,
                                                      line)))
            continue
        shapes = _shapes(lot, plan, max_series)
        for draw in draws:
            at = draw.at
            for game, number, sign, amount, rev in shapes:
                append(_new_wager(Wager, (lot_id, at, game, number, sign, amount, line)))
                if rev is not None:
                    append(_new_wager(Wager, (lot_id, at, "reventado", number, None, rev, line)))
    return made


def _expand(play: tuple[object, ...], lot: Lottery, max_series: int, first: int, stop: int
            ) -> tuple[tuple[str, str, str | None], ...]:
    try:
        return expand(play, lot, max_series)
    except Fail as fail:
        if fail.first == fail.stop:
            fail.first, fail.stop = first, stop
        raise


def _check_reventado(lot: Lottery, group: Group) -> None:
    if "reventado" not in lot.games:
        raise Fail("not_sold", M.NOT_SOLD, *group.rev_span,
                   params={"lottery": lot.name, "game": M.Game("reventado")})


def _reventado_not_sold(lot: Lottery, first: int, stop: int) -> Fail:
    return Fail("not_sold", M.NOT_SOLD, first, stop,
                params={"lottery": lot.name, "game": M.Game("reventado")})


def _shapes(lot: Lottery, plan: LinePlan, max_series: int
            ) -> list[tuple[str, str, str | None, Decimal, Decimal | None]]:
    """The line's plays on one lottery: (game, number, sign, amount, reventado amount)."""
    out = []
    for group in plan.groups:
        amount, rev = group.amount, group.rev
        if rev is not None:
            _check_reventado(lot, group)
        for play, first, stop in group.plays:
            for game, number, sign in _expand(play, lot, max_series, first, stop):
                if rev is not None and game != "tiempo":
                    raise _reventado_not_sold(lot, first, stop)
                out.append((game, number, sign, amount, rev))
    return out
