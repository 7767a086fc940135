"""/sorteos: the draws still open, when their sales close, and what each game pays.

A player asks "¿qué sorteos quedan?" before writing plays, and "¿cuánto paga?" before choosing a
game. Both come from the catalog in use (the provider's, with a remote provider) and from the
same schedule the sale checks, so what is listed as open is what a sale accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from lottery.catalog import Catalog, Lottery
from lottery.controls import Controls, Kind
from lottery.i18n import _
from lottery.schedule import draws_on, is_open, next_open_draw
from presentation.formatting import Formatter
from presentation.labels import game_name

TOMORROW = frozenset({"mañana", "manana", "tomorrow"})


@dataclass(frozen=True)
class DrawsQuery:
    day: date
    lottery: Lottery | None
    problem: str | None = None


def read_draws_query(catalog: Catalog, args: str | None, now: datetime) -> DrawsQuery:
    """``/sorteos [lottery] [mañana]``, in either order."""
    words = (args or "").split()
    day = now.astimezone(catalog.timezone).date()
    if words and words[-1].lower() in TOMORROW:
        day, words = day + timedelta(days=1), words[:-1]
    elif words and words[0].lower() in TOMORROW:
        day, words = day + timedelta(days=1), words[1:]
    if not words:
        return DrawsQuery(day, None)
    lottery = catalog.get_lottery(" ".join(words))
    if lottery is None:
        return DrawsQuery(day, None, _("I do not know the lottery «{name}».").format(
            name=escape(" ".join(words))))
    return DrawsQuery(day, lottery)


def render_draws(catalog: Catalog, query: DrawsQuery, now: datetime, fmt: Formatter,
                 controls: Controls | None = None) -> str:
    """``controls``: the banca's (house mode): a suspended or early-closed draw is not open, and
    a suspension says why."""
    controls = controls or Controls()
    day = fmt.date(query.day)
    lotteries = [query.lottery] if query.lottery else list(catalog.lotteries)
    closings = {lottery.close_minutes for lottery in lotteries}
    today = query.day == now.astimezone(catalog.timezone).date()
    lines = [_("<b>Open draws</b> · {day}").format(day=day)]
    for lottery in lotteries:
        lines += ["", f"<b>{escape(lottery.name)}</b> (<code>{_written(lottery)}</code>)",
                  _open_draws(catalog, lottery, query.day, now, fmt, today=today,
                              controls=controls)]
        lines += _suspensions(lottery, query.day, controls, fmt)
        if len(closings) > 1:
            lines.append(_closing(lottery.close_minutes))
        if query.lottery is not None:
            lines += _payouts(lottery, fmt)
    lines.append("")
    if len(closings) == 1:
        lines.append(_closing(closings.pop()))
    if query.lottery is None and lotteries:
        lines.append(_("/sorteos {lottery} shows what each game of a lottery pays.").format(
            lottery=_written(lotteries[0])))
    return "\n".join(lines)


def _written(lottery: Lottery) -> str:
    """How plays name the lottery: its first alias."""
    return escape(lottery.aliases[0] if lottery.aliases else lottery.id)


def _closing(minutes: int) -> str:
    return _("Sales close {minutes} min before each draw.").format(minutes=minutes)


def _suspensions(lottery: Lottery, day: date, controls: Controls, fmt: Formatter) -> list[str]:
    lines = []
    for c in controls.of(Kind.SUSPEND, Kind.CLOSE_EARLY):
        if c.lottery not in (None, lottery.id) or c.day not in (None, day) or (
                c.draw_at is not None and c.draw_at.astimezone(lottery.timezone).date() != day):
            continue
        when = fmt.clock(c.draw_at, lottery.timezone) if c.draw_at else ""
        if c.kind is Kind.CLOSE_EARLY:
            lines.append(_("🔒 {time}: closed early by the banca").format(time=when))
        else:
            text = (_("⛔ {time} suspended").format(time=when) if when
                    else _("⛔ Suspended"))
            lines.append(text + (f": {escape(c.reason)}" if c.reason else ""))
    return lines


def _sells(controls: Controls, lottery: Lottery, at: datetime) -> bool:
    return (controls.suspension(lottery.id, at, at.date()) is None
            and controls.closed_early(lottery.id, at) is None)


def _open_draws(
    catalog: Catalog, lottery: Lottery, day: date, now: datetime, fmt: Formatter, *, today: bool,
    controls: Controls,
) -> str:
    still_open = [d for d in draws_on(lottery, day) if is_open(d, now)
                  and _sells(controls, lottery, d.at)]
    if still_open:
        return " · ".join(fmt.clock(d.at, lottery.timezone) for d in still_open)
    later = next_open_draw(catalog, lottery, now)
    if later is None:
        return _("No open draws.")
    when = fmt.day_time(later.at, lottery.timezone)
    if not draws_on(lottery, day):
        text = _("No draw today; the next one: {when}") if today else _(
            "No draw that day; the next one: {when}")
    else:
        text = _("No more draws today; the next one: {when}")
    return text.format(when=when)


def _payouts(lottery: Lottery, fmt: Formatter) -> list[str]:
    """One line per game: what a bet of 1 wins (``reventado``: its largest multiplier)."""
    lines = []
    for game in lottery.games:
        multiplier = lottery.payouts.get(game)
        if multiplier is None:
            continue
        times = fmt.number(multiplier)
        pays = (_("up to ×{times}") if game == "reventado" else "×{times}").format(times=times)
        lines.append(f"{escape(game_name(game))}: {pays}")
    if not lines:
        return []
    return ["", _("What each game pays, times the bet:"), *lines]
