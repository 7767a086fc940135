"""Tokens of one folded line: numbers, words, times, dashes and markers.

Separators (spaces, ``, ; / | + . :``, emoji, other symbols) make no token, but currency signs
(``₡ $ €``) are words, so that an amount in another currency is never read; each token records
whether it is glued to the one before (nothing between them), because ``123ari`` and ``x5`` mean
something that ``123 ari`` and ``x 5`` mean too, while ``1e9`` or ``x.5`` must not be guessed at.

``tokenize_reference`` states the rules as one regular expression over the line and also gives
positions. ``tokenize`` gives the same tokens without positions (errors ask the reference for
them): it cuts the line at whitespace and reads each chunk (``123``, ``x5``, ``zulia``, ``12:45``)
once per catalog, keeping the result, since the chunks people write are few and repeat endlessly.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain

NUM, WORD, TIME, HOUR, DASH, STAR, BAD = range(7)

#: (kind, text, glued, extra): ``glued`` when nothing separates it from the token before; extra
#: is (hour, minute or None, meridiem "am"/"pm"/"m" or None) for TIME/HOUR, what the word means
#: in the catalog (or None) for WORD, else None.
Token = tuple[int, str, bool, object]

_MER = r"\s*(?:a\.?m|p\.?m|m)(?![a-z])\.?"
_SEP = r"[^\w*\-.:₡$€]*"
_TOKEN = (
    r"bs\.(?=[0-9])"  # bs.5: the dot belongs to the marker
    r"|[a-z]+|[₡$€]"  # currency signs are words: ₡500, 20$ (the catalog says which it sells in)
    r"|[0-9]+(?:[.,][0-9]+)*(?::[0-9]{2}(?![0-9]))?(?:" + _MER + r")?"  # 123, 2,50, 4:45pm, 4 pm
    r"|-+|\*"
    r"|[.:_]"  # a token only in some places (see _lone_mark), else a separator
    r"|[^\W_]+"  # letters and digits of other scripts: never part of the language
)
_PAIRS = re.compile("(" + _SEP + ")(" + _TOKEN + ")")
_CLOCK = re.compile(r"([0-9]{1,2})(?::([0-9]{2}))?\s*(?:(a)\.?m|(p)\.?m|(m))?\.?")
#: a number, then am/pm after spaces: one token across chunks ("4 pm")
_ACROSS = re.compile(r"[0-9]\s+(?:a\.?m|p\.?m|m)(?![a-z])")
_FIRST: dict[str, int] = {c: WORD for c in "abcdefghijklmnopqrstuvwxyz"}
_FIRST.update({c: NUM for c in "0123456789"})
_FIRST.update({"-": DASH, "*": STAR, "₡": WORD, "$": WORD, "€": WORD})
_CHUNK_CACHE_LIMIT = 50_000
_MERIDIEMS = frozenset({"am", "am.", "a.m", "a.m.", "pm", "pm.", "p.m", "p.m.", "m", "m."})
#: separators that may follow am/pm in the same chunk ("4 pm,")
_AFTER_MERIDIEM = ",;!?)\"'/|+"

Positioned = tuple[Token, int, int]


def tokenize_reference(folded: str, words: dict[str, object] | None = None) -> list[Positioned]:
    """The line's tokens, each with its (start, end) in the line: the definition of tokens."""
    found: list[Positioned] = []
    append = found.append
    first = _FIRST
    meaning = (words or {}).get
    pos = 0
    for sep, tok in _PAIRS.findall(folded):
        start = pos + len(sep)
        glued = not sep and bool(found) and found[-1][2] == start
        pos = start + len(tok)
        kind = first.get(tok[0], BAD)
        if kind == WORD:
            if tok == "bs.":
                tok = "bs"
            append(((WORD, tok, glued, meaning(tok)), start, pos))
        elif kind == NUM:
            if ":" in tok or not tok[-1].isdigit():
                append((_clock(tok, glued), start, pos))
            else:
                append(((NUM, tok, glued, None), start, pos))
        elif kind == BAD and len(tok) == 1 and not tok.isalnum():
            if _lone_mark(folded, tok, start):
                append(((BAD, tok, glued, None), start, pos))
        else:
            append(((kind, tok, glued, None), start, pos))
    return found


def tokenize(folded: str, words: dict[str, object], cache: dict[str, tuple[Token, ...]]
             ) -> list[Token]:
    """The line's tokens (as ``tokenize_reference``, without positions), chunk by chunk.

    ``cache`` belongs to the catalog whose ``words`` these are. Only "4 pm" and "12:45 p.m."
    make one token out of two chunks; anything odder there goes to the reference.
    """
    chunks = folded.split()
    toks: list[Token] = []
    get = cache.get
    for chunk in chunks:  # the usual line: every chunk seen before, tokens joined as they come
        part = get(chunk)
        if part is None:
            return _with_new_chunks(folded, words, cache, chunks)
        toks += part  # type: ignore[arg-type]
    if "m" in folded and _ACROSS.search(folded) is not None:
        return _across(folded, words, chunks, list(map(get, chunks)))  # type: ignore[arg-type]
    return toks


def _with_new_chunks(folded: str, words: dict[str, object], cache: dict[str, tuple[Token, ...]],
                     chunks: list[str]) -> list[Token]:
    """``tokenize`` for a line with chunks not read before: reads and keeps them."""
    if len(cache) >= _CHUNK_CACHE_LIMIT:
        cache.clear()
    parts = []
    for chunk in chunks:
        part = cache.get(chunk)
        if part is None:
            part = cache[chunk] = tuple(tok for tok, _, _ in tokenize_reference(chunk, words))
        parts.append(part)
    if "m" in folded and _ACROSS.search(folded) is not None:
        return _across(folded, words, chunks, parts)
    return list(chain.from_iterable(parts))


def _across(folded: str, words: dict[str, object], chunks: list[str],
            parts: list[tuple[Token, ...]]) -> list[Token]:
    """Joins "4" + "pm" (or "12:45" + "p.m.") across spaces, as the reference does."""
    tokens: list[Token] = []
    before = ""  # the previous chunk
    for chunk, found in zip(chunks, parts, strict=True):
        if chunk[0] in "apm" and "0" <= before[-1:] <= "9" and tokens:
            last = tokens[-1]
            text = last[1]
            if "0" <= text[0] <= "9" and "0" <= text[-1] <= "9" and (
                    last[0] != TIME or last[3][2] is None):  # type: ignore[index]
                mer = chunk.rstrip(_AFTER_MERIDIEM)
                if mer not in _MERIDIEMS:
                    return [tok for tok, _, _ in tokenize_reference(folded, words)]
                tokens[-1] = _clock(f"{text} {mer}", last[2])
                before = chunk
                continue
        tokens += found
        before = chunk
    return tokens


def positions(folded: str) -> list[tuple[int, int]]:
    """Where each token of the line starts and ends (for quoting fragments in errors)."""
    if "m" in folded and _ACROSS.search(folded) is not None:
        return [(start, end) for _, start, end in tokenize_reference(folded)]
    found: list[tuple[int, int]] = []
    find = folded.find
    pos = 0
    for chunk in folded.split():  # as tokenize reads it: chunk by chunk
        pos = find(chunk, pos)
        relative = _CHUNK_POSITIONS.get(chunk)
        if relative is None:
            if len(_CHUNK_POSITIONS) >= _CHUNK_CACHE_LIMIT:
                _CHUNK_POSITIONS.clear()
            relative = _CHUNK_POSITIONS[chunk] = tuple(
                (start, end) for _, start, end in tokenize_reference(chunk))
        found.extend((pos + start, pos + end) for start, end in relative)
        pos += len(chunk)
    return found


#: token positions within each chunk (they do not depend on the catalog)
_CHUNK_POSITIONS: dict[str, tuple[tuple[int, int], ...]] = {}


def _lone_mark(folded: str, piece: str, start: int) -> bool:
    """``.`` before a digit (``x.5``) or ``:`` between digits (``4:5``) is a token: an error."""
    if piece == ".":
        return folded[start + 1:start + 2].isdigit()
    if piece == ":":
        return folded[start - 1:start].isdigit() and folded[start + 1:start + 2].isdigit()
    return False


@lru_cache(maxsize=4096)  # "4 pm" is read again on every line that writes it so
def _clock(piece: str, glued: bool) -> Token:
    """A number with ``:MM`` or am/pm: a time, an hour, or (``123pm``, ``2.5pm``) nonsense."""
    m = _CLOCK.fullmatch(piece)
    if m is None:
        return (BAD, piece, glued, None)
    hour, minute = int(m.group(1)), m.group(2)
    mer = "am" if m.group(3) else "pm" if m.group(4) else "m" if m.group(5) else None
    if minute is None:
        if mer is None:
            return (BAD, piece, glued, None)
        return (HOUR, piece, glued, (hour, None, mer))
    return (TIME, piece, glued, (hour, int(minute), mer))
