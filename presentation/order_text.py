"""What a preview says about lines that named no lottery: which lottery they took, and from where.

A line with no lottery is read on the open ticket's lottery and draw, or else on the person's
last lottery (``services.order``); either is said, line by line, so that nobody sells «123 x5» on
a lottery they did not have in mind. An error on such a line says where its lottery came from
and how to name another.
"""

from __future__ import annotations

from html import escape

from lottery.catalog import Catalog
from lottery.i18n import _, ngettext
from lottery.plays import PlayError
from presentation.formatting import Formatter
from presentation.line_names import line_label
from services.draft import LineOrigins
from services.line_places import ONE_MESSAGE, LinePlaces


def line_list(lines: frozenset[int]) -> str:
    return ", ".join(str(n) for n in sorted(lines))


def origin_notes(origins: LineOrigins, catalog: Catalog, fmt: Formatter,
                 places: LinePlaces = ONE_MESSAGE) -> list[str]:
    """The lines by number, or by message and line there when the order is several messages
    (``places``)."""
    if places.several:
        return _notes_by_message(origins, catalog, fmt, places)
    notes = []
    if origins.borrowed and origins.open_draws:
        where = _open_draws(origins, catalog, fmt)
        count = len(origins.borrowed)
        notes.append(ngettext(
            "ℹ️ Line {lines} names no lottery: it goes with the open ticket ({where}).",
            "ℹ️ Lines {lines} name no lottery: they go with the open ticket ({where}).",
            count,
        ).format(lines=line_list(origins.borrowed), where=escape(where)))
    if origins.remembered and origins.remembered_lottery:
        count = len(origins.remembered)
        notes.append(ngettext(
            "ℹ️ Line {lines} names no lottery: I used your last one, {lottery}.",
            "ℹ️ Lines {lines} name no lottery: I used your last one, {lottery}.",
            count,
        ).format(lines=line_list(origins.remembered),
                 lottery=escape(catalog.lottery(origins.remembered_lottery).name)))
    return notes


def _notes_by_message(origins: LineOrigins, catalog: Catalog, fmt: Formatter,
                      places: LinePlaces) -> list[str]:
    notes = []
    if origins.borrowed and origins.open_draws:
        count = len(origins.borrowed)
        notes.append(ngettext(
            "ℹ️ {where} names no lottery: it goes with the open ticket ({draws}).",
            "ℹ️ {where} name no lottery: they go with the open ticket ({draws}).",
            count,
        ).format(where=line_label(origins.borrowed, places),
                 draws=escape(_open_draws(origins, catalog, fmt))))
    if origins.remembered and origins.remembered_lottery:
        count = len(origins.remembered)
        notes.append(ngettext(
            "ℹ️ {where} names no lottery: I used your last one, {lottery}.",
            "ℹ️ {where} name no lottery: I used your last one, {lottery}.",
            count,
        ).format(where=line_label(origins.remembered, places),
                 lottery=escape(catalog.lottery(origins.remembered_lottery).name)))
    return notes


def _open_draws(origins: LineOrigins, catalog: Catalog, fmt: Formatter) -> str:
    return ", ".join(f"{catalog.lottery(lot).name} {fmt.day_time(at, at.tzinfo)}"
                     for lot, at in origins.open_draws)


def error_note(error: PlayError, origins: LineOrigins, catalog: Catalog) -> str:
    """Said after an error on a line whose lottery was not written on it."""
    if error.line in origins.remembered and origins.remembered_lottery:
        return " " + _(
            "(no lottery on this line: I used your last one, {lottery}; if you meant another, "
            "write it on the line, e.g. «{example}»)"
        ).format(lottery=escape(catalog.lottery(origins.remembered_lottery).name),
                 example=escape(_example(error, origins, catalog)))
    if error.line in origins.borrowed:
        return " " + _(
            "(no lottery on this line: it took the open ticket's; write another on the line "
            "to change it)"
        )
    return ""


def _example(error: PlayError, origins: LineOrigins, catalog: Catalog) -> str:
    """The line with another lottery's name added: one of other games than the remembered one
    (the error is likely that the line is not its game), else any other."""
    remembered = origins.remembered_lottery
    assert remembered is not None
    line = dict(origins.remembered_texts).get(error.line, error.text)
    games = set(catalog.lottery(remembered).games)
    others = [lot for lot in catalog.lotteries if lot.id != remembered]
    other = next((lot for lot in others if not games & set(lot.games)), None) or next(
        iter(others), None)
    name = (other.aliases[0] if other.aliases else other.name) if other else ""
    return f"{line.strip()[:40]} {name}".strip()
