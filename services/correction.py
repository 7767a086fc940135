"""Corregir: the whole order back as plays text, to copy, fix and send again.

Every line comes back, in the order written: the lines that were read in their normal form
(``lottery.render``: ``555 x5,5`` → ``555 x5.5``, a remembered lottery written out), the lines
that failed exactly as the person wrote them (their reasons go beside the text, not in it), and
a header a failed line may need (``zulia 4:45pm`` above ``444 5k``). Read lines that follow one
another are written together, so a header shared by many lines is written once.
"""

from __future__ import annotations

from datetime import datetime

from lottery.catalog import Catalog
from lottery.plays import PlayError, Wager
from lottery.render import render_wagers
from services.order import Reading
from services.sales import split_customer


def correction_text(reading: Reading, catalog: Catalog, now: datetime) -> str:
    by_line: dict[int, list[Wager]] = {}
    for wager in reading.wagers:
        by_line.setdefault(wager.line, []).append(wager)
    failed: dict[int, PlayError] = {e.line: e for e in reading.errors}
    out: list[str] = []
    header: str | None = None  # the last header written, as written
    pending: str | None = None  # the last line that was neither plays nor an error
    run: list[Wager] = []  # read lines not written yet

    def flush() -> None:
        nonlocal header
        if not run:
            return
        rendered = render_wagers(run, catalog, now).split("\n")
        if rendered and rendered[0] == header:
            rendered = rendered[1:]
        for line in rendered:
            if _is_header(line, catalog):
                header = line
        out.extend(rendered)
        run.clear()

    for number, text in enumerate(reading.lines, start=1):
        if number in by_line:
            run.extend(by_line[number])
            continue
        if number in failed:
            flush()
            if pending is not None and pending != header:
                out.append(pending)
                header = pending
            out.append(text.strip())
            continue
        if not text.strip():
            continue
        if split_customer(text)[1] is not None:
            flush()
            out.append(text.strip())
            continue
        pending = text.strip()
    flush()
    return "\n".join(out)


def _is_header(line: str, catalog: Catalog) -> bool:
    """A line ``render_wagers`` wrote that names draws: it starts with a lottery's name."""
    start = line.lower() + " "
    return any(start.startswith(name + " ") for lot in catalog.lotteries
               for name in (lot.id, *lot.aliases))
