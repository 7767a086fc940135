"""A big order's preview in at most three messages: identical reasons said once, with the lines
they concern as ranges, and the plays summed up per draw, game and amount when listing them one
by one would not fit.

Telegram lets a bot send one message a second to a chat, so a 300-play order listed play by play
(and its 200 identical refusals) kept a seller waiting 8 s and scrolling; 900 numbers on one
line, 28 s. The full list is still on each sold ticket, and Corregir gives it back as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from itertools import groupby
from typing import NamedTuple

from lottery.catalog import Catalog
from lottery.i18n import _, ngettext
from lottery.plays import Wager
from lottery.ticket_codes import format_serial
from presentation.formatting import Formatter
from presentation.labels import game_name
from presentation.line_names import DASH, in_messages, ranges
from presentation.telegram_text import MAX_TEXT, split_text
from services.line_places import ONE_MESSAGE, LinePlaces
from services.order_split import SplitPlan

MAX_MESSAGES = 3
#: Characters of markup each list of a summed-up preview may take: three lists and the rest in
#: three messages of 4096, with room for the lines split_text cannot fill.
PLAYS_BUDGET = 3500
REASONS_BUDGET = 3000
#: How much of a compact line its numbers may take: a line stays readable on a phone.
NUMBERS_WIDTH = 400


class Entry(NamedTuple):
    """One reported play or line: ``single`` is how it reads alone; entries with the same
    ``reason`` are said once, as a group."""

    line: int
    reason: str
    single: str


def number_ranges(numbers: Sequence[str], width: int = NUMBERS_WIDTH) -> str:
    """``000–099, 150``: numbers written with the same digits in runs, in the order read; cut
    with ``…`` past ``width`` characters."""
    runs: list[list[str]] = []
    for number in numbers:
        last = runs[-1][1] if runs else None
        if (last is not None and number.isdigit() and last.isdigit()
                and len(number) == len(last) and int(number) == int(last) + 1):
            runs[-1][1] = number
        else:
            runs.append([number, number])
    out: list[str] = []
    size = 0
    for a, b in runs:
        item = a if a == b else f"{a}{DASH}{b}"
        if out and size + len(item) > width:
            out.append("…")
            break
        out.append(item)
        size += len(item) + 2
    return ", ".join(out)


def grouped(entries: Iterable[Entry], places: LinePlaces = ONE_MESSAGE) -> list[str]:
    """Each reason once, in the order first seen: alone as its ``single`` line, else how many
    lines (or plays, when several share a line) and which; by message and line there when the
    order is several messages (``places``)."""
    order: dict[str, list[Entry]] = {}
    for entry in entries:
        order.setdefault(entry.reason, []).append(entry)
    out = []
    for reason, group in order.items():
        if len(group) == 1:
            out.append(group[0].single)
            continue
        lines = {e.line for e in group}
        named = in_messages(lines, places) if places.several else ranges(lines)
        if len(lines) == len(group):
            out.append(ngettext("{count} line ({lines}): {reason}",
                                "{count} lines ({lines}): {reason}", len(group)).format(
                count=len(group), lines=named, reason=reason))
        else:
            where = named if places.several else ngettext(
                "line {lines}", "lines {lines}", len(lines)).format(lines=named)
            out.append(ngettext("{count} play ({where}): {reason}",
                                "{count} plays ({where}): {reason}", len(group)).format(
                count=len(group), where=where, reason=reason))
    return out


def _play(wager: Wager) -> str:
    return f"{wager.number}-{wager.sign}" if wager.sign else wager.number


def compact_wager_lines(wagers: Iterable[Wager], catalog: Catalog, fmt: Formatter) -> list[str]:
    """Per draw, one line per game and amount, its numbers last (where a long list is cut):
    ``Triple · 300 × Bs. 1,00 = Bs. 300,00: 000–299``."""
    lines: list[str] = []
    ordered = sorted(wagers, key=lambda w: (w.draw, w.lottery))
    for (lottery_id, draw), in_draw in groupby(ordered, key=lambda w: (w.lottery, w.draw)):
        name = catalog.lottery(lottery_id).name
        lines.append(f"<b>{escape(name)}</b> · {fmt.day_time(draw, draw.tzinfo)}")
        by_kind: dict[tuple[str, Decimal], list[Wager]] = {}
        for w in in_draw:
            by_kind.setdefault((w.game, w.amount), []).append(w)
        for (game, amount), group in by_kind.items():
            numbers = escape(number_ranges([_play(w) for w in group]))
            subtotal = fmt.money(sum((w.amount for w in group), Decimal("0.00")))
            lines.append(f"  {game_name(game)} · {len(group)} × {fmt.money(amount)} = "
                         f"{subtotal}: {numbers}")
    return lines


def capped(lines: list[str], budget: int) -> list[str]:
    """``lines`` up to ``budget`` characters; the rest counted on one last line."""
    size = 0
    for i, line in enumerate(lines):
        size += len(line) + 1
        if size > budget:
            return [*lines[:i], _("… and {count} more lines").format(count=len(lines) - i)]
    return lines


def fits(html: str, messages: int = MAX_MESSAGES) -> bool:
    if len(html) <= MAX_TEXT * messages:  # the markup is never shorter than what it shows
        return len(split_text(html)) <= messages
    return False


def fit(html: str, messages: int = MAX_MESSAGES) -> str:
    """``html`` cut to ``messages`` messages, the lines that do not fit counted at the end: the
    last guard (the summed-up preview's lists are ``capped`` to fit already)."""
    if fits(html, messages):
        return html
    lines = html.split("\n")
    keep = len(lines)
    while keep > 1:
        keep = keep * 3 // 4
        cut = len(lines) - keep
        text = "\n".join([*lines[:keep], _("… and {count} more lines").format(count=cut)])
        if fits(text, messages):
            return text
    return lines[0]


def split_offer(plan: SplitPlan, first: int, fmt: Formatter) -> list[str]:
    """What the split button would do, or why the order cannot be sold as several tickets;
    ``first``: how many plays Confirm sells (the preview's)."""
    if plan.blocked:
        return [_("The whole order cannot be sold as several tickets either: some of its "
                  "plays cannot be sold (see above).")]
    count = len(plan.drafts)
    offer = ngettext(
        "✂️ The whole order ({plays} plays) fits in {count} ticket of at most {size} plays: "
        "{total} in all.",
        "✂️ The whole order ({plays} plays) fits in {count} tickets of at most {size} plays: "
        "{total} in all.", count,
    ).format(plays=plan.plays, count=count, size=max(len(d.wagers) for d in plan.drafts),
             total=fmt.money(plan.total))
    if plan.shortfall is not None:
        return [offer, _("💰 Selling them all needs {missing} more.").format(
            missing=fmt.money(plan.shortfall))]
    return [offer, ngettext(
        "Press <b>Sell as {count} ticket</b> to sell it all, each ticket with its own serial, "
        "or <b>Confirm</b> to sell only the first {first} plays.",
        "Press <b>Sell as {count} tickets</b> to sell it all, each ticket with its own serial, "
        "or <b>Confirm</b> to sell only the first {first} plays.", count,
    ).format(count=count, first=first)]


def split_button_text(count: int) -> str:
    return ngettext("✂️ Sell as {count} ticket", "✂️ Sell as {count} tickets", count).format(
        count=count)


class SoldTicket(NamedTuple):
    serial: str
    plays: int
    total: Decimal


def split_refusal(number: int, refusal: str) -> str:
    """Why ticket ``number`` of a split was not sold (``refusal``: the sale's own words)."""
    return _("Ticket {number} of the order:").format(number=number) + "\n" + refusal


def split_outcome(sold: Sequence[SoldTicket], other: Sequence[str], fmt: Formatter) -> str:
    """The split's last word: every ticket sold, with its serial, then what was not."""
    total = sum((t.total for t in sold), Decimal("0.00"))
    lines = []
    if sold:
        lines.append(ngettext("✅ {count} ticket sold: {total} in all.",
                              "✅ {count} tickets sold: {total} in all.", len(sold)).format(
            count=len(sold), total=fmt.money(total)))
        lines += [
            ngettext("{serial} · {count} play · {total}", "{serial} · {count} plays · {total}",
                     t.plays).format(serial=format_serial(t.serial), count=t.plays,
                                     total=fmt.money(t.total))
            for t in sold
        ]
    for text in other:
        lines += ["", text]
    return "\n".join(lines).strip("\n")
