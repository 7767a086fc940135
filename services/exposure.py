"""/riesgo [lotería] [día]: what each of a day's draws has sold, and the most one result costs.

The banca reads it before a draw to decide whether to stop selling a number; with a lottery it
also lists, per draw, the plays that would pay the most. The figures come from the booth's own
tickets (``storage.repositories.exposure_rows``), the worst case from ``lottery.exposure``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog, Lottery
from lottery.controls import Controls
from lottery.day_input import parse_day
from lottery.exposure import Play, plays_by_payout, worst_result
from lottery.i18n import _, ngettext
from lottery.plays.model import Wager
from lottery.settlement import payout
from presentation.formatting import Formatter
from presentation.labels import game_name
from presentation.sale_text import play_text
from presentation.telegram_text import split_text
from services.draw_list import TOMORROW
from services.results import result_text
from storage.repositories.exposure_rows import SoldPlay, sold_plays

TOP_PLAYS = 10  # per draw: what an admin reads on a phone before the draw closes


@dataclass(frozen=True)
class RiskQuery:
    day: date
    lottery: Lottery | None
    problem: str | None = None


def read_risk_query(catalog: Catalog, args: str | None, now: datetime) -> RiskQuery:
    """A lottery and a day (``hoy`` by default, ``mañana``, ``ayer``, ``23/11``), in any order."""
    today = now.astimezone(catalog.timezone).date()
    day, names = today, []
    for word in (args or "").split():
        if word.lower() in TOMORROW:
            day = today + timedelta(days=1)
        elif (named := parse_day(word, today)) is not None:
            day = named
        else:
            names.append(word)
    if not names:
        return RiskQuery(day, None)
    lottery = catalog.get_lottery(" ".join(names))
    if lottery is None:
        return RiskQuery(day, None, _("I do not know the lottery «{name}».").format(
            name=escape(" ".join(names))))
    return RiskQuery(day, lottery)


async def risk_report(session: AsyncSession, catalog: Catalog, args: str | None,
                      now: datetime, fmt: Formatter, controls: Controls | None = None
                      ) -> list[str]:
    """The report as Telegram messages, written for ``fmt``'s reader; with the banca's
    ``controls`` (house mode) each draw says whether it is suspended or closed early and which
    of its numbers are blocked."""
    query = read_risk_query(catalog, args, now)
    if query.problem:
        return [query.problem]
    rows = await sold_plays(session, query.day, query.lottery.id if query.lottery else None)
    return split_text(render_risk(catalog, query, rows, fmt, controls))


def render_risk(catalog: Catalog, query: RiskQuery, rows: list[SoldPlay], fmt: Formatter,
                controls: Controls | None = None) -> str:
    title = _("<b>Risk</b> · {day}").format(day=fmt.date(query.day))
    if not rows:
        if query.lottery is not None:
            return "\n".join([title, _("No sales on {lottery} for that day.").format(
                lottery=escape(query.lottery.name))])
        return "\n".join([title, _("No sales for that day's draws.")])
    draws: dict[tuple[int, str, datetime], dict[tuple[str, str, str | None], int]] = (
        defaultdict(dict))
    pays: dict[tuple[int, str, datetime], dict[tuple[str, str, str | None], int]] = (
        defaultdict(dict))  # what each play pays if it wins, at the payouts stored at sale
    for row in rows:
        draw, key = (row.draw_id, row.lottery_id, row.draw_at), (row.game, row.number, row.sign)
        draws[draw][key] = row.amount
        lottery = catalog.get_lottery(row.lottery_id)
        if lottery is not None and lottery.has_game(row.game):
            pays[draw][key] = row.priced + (
                row.unpriced * payout(catalog, lottery, row.game) if row.unpriced else 0)
    lines = [title, _("Sold on each draw, and what its worst result would pay.")]
    for draw, sold in draws.items():
        _id, lottery_id, at = draw
        lottery = catalog.get_lottery(lottery_id)
        if lottery is None:  # no longer in the catalog: nothing of it can still be drawn
            continue
        clock = fmt.clock(at, lottery.timezone)
        worst = worst_result(catalog, lottery, sold, pays[draw])
        state = _draw_state(controls, lottery, at)
        lines += ["", f"<b>{escape(lottery.name)}</b> {clock}" + (f" · {state}" if state else ""),
                  _("Sold: {amount}").format(amount=fmt.minor(sum(sold.values())))]
        blocked = _blocked(controls, lottery, at, sold)
        if blocked:
            lines.append(_("🚫 Blocked: {numbers}").format(numbers=", ".join(sorted(blocked))))
        if worst is not None:
            lines.append(_("Worst result: {result}, pays {amount}").format(
                result=escape(result_text(lottery, worst.shown)), amount=fmt.minor(worst.pays)))
        if query.lottery is not None:
            lines += _top_plays(catalog, lottery, at,
                                plays_by_payout(catalog, lottery, sold, pays[draw]), fmt,
                                blocked)
    if query.lottery is None:
        first = catalog.get_lottery(rows[0].lottery_id) or catalog.lotteries[0]
        lines += ["", _("/riesgo {lottery} lists the plays that would pay the most.").format(
            lottery=escape(first.aliases[0] if first.aliases else first.id))]
    return "\n".join(lines)


def _draw_state(controls: Controls | None, lottery: Lottery, at: datetime) -> str:
    """"suspended" (with its reason) or "closed early", as the banca set it; else empty."""
    if controls is None:
        return ""
    day = at.astimezone(lottery.timezone).date()
    if (c := controls.suspension(lottery.id, at, day)) is not None:
        return (_("⛔ suspended: {reason}").format(reason=escape(c.reason)) if c.reason
                else _("⛔ suspended"))
    if controls.closed_early(lottery.id, at) is not None:
        return _("🔒 closed early")
    return ""


def _blocked(controls: Controls | None, lottery: Lottery, at: datetime,
             sold: dict[tuple[str, str, str | None], int]) -> set[str]:
    """The numbers sold on the draw that the banca has blocked on it."""
    if controls is None:
        return set()
    day = at.astimezone(lottery.timezone).date()
    return {number for _game, number, _sign in sold
            if controls.block(lottery.id, number, at, day) is not None}


def _top_plays(catalog: Catalog, lottery: Lottery, at: datetime, plays: list[Play],
               fmt: Formatter, blocked: Set[str] = frozenset()) -> list[str]:
    lines = []
    for play in plays[:TOP_PLAYS]:
        wager = Wager(lottery.id, at, play.game, play.number, play.sign, Decimal(0))
        line = _("{play} · {game}: {sold} → pays {pays}").format(
            play=escape(play_text(wager, catalog)), game=escape(game_name(play.game)),
            sold=fmt.minor(play.sold), pays=fmt.minor(play.pays))
        lines.append(line + (" 🚫" if play.number in blocked else ""))
    if len(plays) > TOP_PLAYS:
        more = len(plays) - TOP_PLAYS
        lines.append(ngettext("… and {count} more play.", "… and {count} more plays.",
                              more).format(count=more))
    return lines
