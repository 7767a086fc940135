"""Hour phrases (docs/plays.md): ``4 de la tarde``, ``10:30 de la mañana``.

People say the part of the day instead of am/pm. Before a line is read, each ``N de la tarde``
becomes one time token (``4pm``) whose phrase spans the four tokens, so that errors quote it
whole; ``mañana`` inside such a phrase is the morning, never tomorrow. A part of the day with no
hour before it (``en la mañana``, ``por la tarde``) names no draw: it is marked so that the
reader reports it instead of reading ``mañana`` as tomorrow.
"""

from __future__ import annotations

from lottery.plays.lexer import HOUR, NUM, TIME, WORD, Token
from lottery.plays.vocab import W

_PARTS = {"manana": "am", "tarde": "pm", "noche": "pm"}
#: Meridiems that say no draw hour: around midnight (``12 de la noche``, ``2 de la noche``),
#: or a part of the day that contradicts the written am/pm (``4am de la tarde``).
NIGHT, CLASH = "night", "clash"


def may_have_phrases(folded: str) -> bool:
    """A cheap look at a line holding "la": could it hold a part of the day at all?"""
    return "tarde" in folded or "noche" in folded or "manana" in folded


def read_hour_phrases(toks: list[Token]) -> dict[int, int] | None:
    """Turns ``N de la <part>`` into a time token at N; returns {N's index: index after}.

    ``toks`` is changed in place and keeps its length (token positions still quote the line).
    """
    spans: dict[int, int] | None = None
    n = len(toks)
    for k in range(n - 1):
        part = toks[k + 1]
        if toks[k][1] != "la" or part[0] != WORD or part[1] not in _PARTS:
            continue
        at = k - 2
        if (at >= 0 and toks[k - 1][1] == "de" and not (toks[k - 1][2] or toks[k][2] or part[2])
                and (clock := _clock_of(toks[at])) is not None):
            hour, minute, mer = clock
            said = _PARTS[part[1]]
            if mer is None and hour <= 12:
                mer = said
                if part[1] != "tarde" and (hour == 12 or (said == "pm" and 1 <= hour <= 5)):
                    mer = NIGHT
            elif mer != said and not (mer is None and said == "pm"):  # 16:45 de la tarde
                mer = CLASH
            kind = HOUR if minute is None else TIME
            toks[at] = (kind, toks[at][1], toks[at][2], (hour, minute, mer))
            if spans is None:
                spans = {}
            spans[at] = k + 2
        else:  # "en la mañana", "por la tarde": which hour?
            toks[k + 1] = (WORD, part[1], part[2], (W.DAYPART, None))
    return spans


def _clock_of(tok: Token) -> tuple[int, int | None, str | None] | None:
    """The time a token writes before ``de la …``: a bare hour (``4``) or a time (``4:45``)."""
    if tok[0] == NUM:
        text = tok[1]
        return (int(text), None, None) if text.isdigit() and len(text) <= 2 else None
    if tok[0] in (TIME, HOUR):
        return tok[3]  # type: ignore[return-value]
    return None
