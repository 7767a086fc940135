"""Wagers back to plays text: what the bot shows in a preview, and what repeats a ticket.

``render_wagers`` writes the shortest canonical text that parses back (at the same ``now``) to the
same wagers: one header per draw (``zulia 12:45``, several draws or lotteries sharing one header
when their plays are the same), then one line per amount (``123 456 x5``), with signs as
``123-ARI TAU``, full permutations as ``p123``, runs as ``100 al 109``, tripletas as
``tripleta 5 10 20`` and reventados as ``25 x1000 r500``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from itertools import permutations

from lottery.catalog import Catalog, Lottery
from lottery.plays.model import Wager
from lottery.plays.vocab import SIGNS
from lottery.schedule import next_open_draw

#: A run of at least this many consecutive numbers is written as a series (``100 al 102``).
MIN_SERIES = 3
_PLAIN_GAMES = ("triple", "terminal", "tiempo")


def render_wager(wager: Wager, catalog: Catalog | None = None) -> str:
    """The play part of one wager, for one line of a preview (``123-ARI``, ``5 (león)``)."""
    game, number = wager.game, wager.number
    if game in ("triple_sign", "terminal_sign"):
        return f"{number}-{wager.sign}"
    if game == "tripleta":
        return "tripleta " + number.replace("-", " ")
    if game == "reventado":
        return f"{number} reventado"
    if game == "animal" and catalog is not None:
        lot = catalog.get_lottery(wager.lottery)
        label = lot.animal_label(number) if lot is not None else number
        return f"{number} ({label})" if label != number else number
    return number


def render_wagers(wagers: Iterable[Wager], catalog: Catalog, now: datetime | None = None) -> str:
    """Plays text that parses back to ``wagers`` (as a multiset, ignoring their line numbers).

    Draw times are always written, except, when ``now`` is given, for a draw on a later day that
    is the lottery's next open draw (a time alone names today's draw); another later day's draw
    gets its day word (``zulia mañana 16:45``). Wagers the plays
    language cannot say (a reventado without its tiempo) are written as close as it gets.
    """
    by_draw: dict[tuple[str, datetime], list[Wager]] = {}
    for wager in wagers:
        by_draw.setdefault((wager.lottery, wager.draw), []).append(wager)
    blocks: dict[tuple[str, datetime], str] = {
        key: _block(group, catalog.get_lottery(key[0])) for key, group in by_draw.items()
    }
    # draws of one lottery with the same plays share a header; so do lotteries with the same
    # times and plays
    per_lottery: dict[tuple[str, str, str], list[str]] = {}
    for (lottery_id, at), block in blocks.items():
        when = _when(catalog, lottery_id, at, now)
        day = _day_word(catalog, lottery_id, at, now) if when else ""
        per_lottery.setdefault((lottery_id, block, day), []).append(when)
    headers: dict[tuple[tuple[str, ...], str, str], list[str]] = {}
    for (lottery_id, block, day), times in per_lottery.items():
        dated = [t for t in times if t]
        key = (tuple(dated), block, day)
        if len(dated) != len(times):  # a later day's next draw: a header without a time
            headers.setdefault(((), block, ""), []).append(_alias(catalog, lottery_id))
        if dated:
            headers.setdefault(key, []).append(_alias(catalog, lottery_id))
    out: list[str] = []
    for (times, block, day), names in headers.items():
        out.append(" ".join([*names, *([day] if day else []), *times]))
        out.append(block)
    return "\n".join(out)


#: How a play names a later day's draw (docs/plays.md: day words), by days from today.
_WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


def _day_word(catalog: Catalog, lottery_id: str, at: datetime, now: datetime | None) -> str:
    """"" for today's draw; else the day word that names ``at``'s day (a time alone is today)."""
    lot = catalog.get_lottery(lottery_id)
    if now is None or lot is None:
        return ""
    days = (at.date() - now.astimezone(lot.timezone).date()).days
    if days <= 0 or days >= 7:  # a weekday names the next 7 days only
        return ""
    return {1: "mañana", 2: "pasado mañana"}.get(days, _WEEKDAYS[at.weekday()])


def amount_text(amount: Decimal) -> str:
    """``5.00`` → ``5``, ``2.50`` → ``2.5``: a number the parser reads back exactly."""
    return format(amount.normalize(), "f")


def _alias(catalog: Catalog, lottery_id: str) -> str:
    """A name the parser reads as this lottery: its id when that is an alias, else the first."""
    lot = catalog.get_lottery(lottery_id)
    if lot is None:
        return lottery_id
    return lottery_id if lottery_id in lot.aliases else lot.aliases[0]


def _when(catalog: Catalog, lottery_id: str, at: datetime, now: datetime | None) -> str:
    """The time that names this draw today, or "" for a later day's next open draw."""
    lot = catalog.get_lottery(lottery_id)
    if now is not None and lot is not None:
        today = now.astimezone(lot.timezone).date()
        if at.date() != today:
            nxt = next_open_draw(catalog, lot, now)
            if nxt is not None and nxt.at == at:
                return ""
    hour, minute = at.hour, at.minute
    if hour == 0:
        return f"0:{minute:02d}"
    if hour < 12:
        return f"{hour}:{minute:02d}am"
    return f"{hour}:{minute:02d}"


def _block(wagers: list[Wager], lot: Lottery | None) -> str:
    """The plays of one draw: one line per amount (and reventado amount)."""
    tiempos: dict[str, list[Wager]] = {}
    for w in wagers:
        if w.game == "tiempo":
            tiempos.setdefault(w.number, []).append(w)
    lines: dict[tuple[Decimal, Decimal | None], list[Wager]] = {}
    loose: list[Wager] = []
    paired: set[int] = set()
    for w in wagers:  # pair each reventado with a tiempo on the same number
        if w.game != "reventado":
            continue
        mates = [t for t in tiempos.get(w.number, []) if id(t) not in paired]
        if not mates:
            loose.append(w)
            continue
        paired.add(id(mates[0]))
        lines.setdefault((mates[0].amount, w.amount), []).append(mates[0])
    for w in wagers:
        if w.game != "reventado" and id(w) not in paired:
            lines.setdefault((w.amount, None), []).append(w)
    out = []
    for (amount, rev), group in _ordered(lines, wagers):
        text = f"{' '.join(_plays(group, lot))} x{amount_text(amount)}"
        out.append(text if rev is None else f"{text} r{amount_text(rev)}")
    out.extend(f"{w.number} r{amount_text(w.amount)}" for w in loose)
    return "\n".join(out)


def _ordered(lines: dict[tuple[Decimal, Decimal | None], list[Wager]], wagers: list[Wager]
             ) -> list[tuple[tuple[Decimal, Decimal | None], list[Wager]]]:
    """Amount lines in the order their first wager was written."""
    first = {id(w): k for k, w in enumerate(wagers)}
    return sorted(lines.items(), key=lambda item: min(first[id(w)] for w in item[1]))


def _plays(group: list[Wager], lot: Lottery | None) -> list[str]:
    """The plays of one amount line, compressed where the language allows."""
    max_series = 100
    plain: dict[str, list[str]] = {}  # game -> numbers
    signs: dict[tuple[str, str], list[str]] = {}  # (game, number) -> signs
    others: list[str] = []
    tripletas: list[str] = []  # last: after a tripleta, a number would read as a fourth animal
    for w in group:
        if w.game in _PLAIN_GAMES:
            plain.setdefault(w.game, []).append(w.number)
        elif w.game in ("triple_sign", "terminal_sign"):
            signs.setdefault((w.game, w.number), []).append(w.sign or "")
        elif w.game == "tripleta":
            tripletas.append(render_wager(w))
        else:
            others.append(render_wager(w))
    words: list[str] = []
    for game, numbers in plain.items():
        width = len(numbers[0])
        can_permute = game != "tiempo" or (lot is not None and lot.digits == width)
        words.extend(_compress(numbers, can_permute, max_series))
    for (_, number), codes in signs.items():
        words.extend(_signed(number, codes))
    return words + others + tripletas


def _signed(number: str, codes: list[str]) -> list[str]:
    """``123-ARI TAU``; the twelve signs at once as ``123 zodiaco``."""
    left = Counter(codes)
    out = []
    while all(left[c] > 0 for c in SIGNS):
        out.append(f"{number} zodiaco")
        left.subtract(SIGNS)
    rest = []
    for code in codes:
        if left[code] > 0:
            rest.append(code)
            left[code] -= 1
    if rest:
        out.append(f"{number}-{' '.join(rest)}")
    return out


def _compress(numbers: list[str], can_permute: bool, max_series: int) -> list[str]:
    """Numbers as series (``100 al 109``), permutations (``p123``) and the rest, as a multiset."""
    left = Counter(numbers)
    out: list[str] = []
    for width in sorted({len(n) for n in numbers}):
        values = sorted(int(n) for n in set(numbers) if len(n) == width)
        run: list[int] = []
        for value in [*values, None]:
            if value is not None and run and value == run[-1] + 1 and len(run) < max_series:
                run.append(value)
                continue
            if len(run) >= MIN_SERIES:
                out.append(f"{run[0]:0{width}d} al {run[-1]:0{width}d}")
                left.subtract(f"{v:0{width}d}" for v in run)
            run = [] if value is None else [value]
    if can_permute:
        for number in sorted(left):
            while left[number] > 0:
                group = sorted({"".join(p) for p in permutations(number)})
                if len(group) < 2 or any(left[g] <= 0 for g in group):
                    break
                out.append(f"p{group[0]}")
                left.subtract(group)
    for number in numbers:
        if left[number] > 0:
            out.append(number)
            left[number] -= 1
    return out
