"""Lines and their matching form: lower case, no accents, same length as what was written.

Keeping the folded line the same length as the displayed one lets every token point back at the
exact fragment the person wrote, which is what error messages quote.
"""

from __future__ import annotations

import re
import unicodedata

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for start, end in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for cp in range(start, end):
            base = "".join(
                c for c in unicodedata.normalize("NFD", chr(cp)) if unicodedata.category(c) != "Mn"
            ).lower()
            if len(base) == 1 and base.isascii() and base.isalpha():
                table[cp] = base
    for cp in range(0x0300, 0x0370):  # combining marks left over after NFC split nothing
        table[cp] = " "
    table.update({ord(d): "-" for d in _DASHES})
    table[ord("×")] = "*"
    table[ord("✕")] = "*"
    table[ord("✖")] = "*"
    return table


_FOLD = _fold_table()
_CU = re.compile(r"(?<![a-z0-9])c/u(?![a-z0-9])")


def fold_line(line: str) -> tuple[str, str]:
    """``(shown, folded)``: the line as shown in messages and its folded form, equal lengths."""
    if line.isascii():
        folded = line.lower()
    else:
        line = unicodedata.normalize("NFC", line)
        folded = line.translate(_FOLD).lower()
        if len(folded) != len(line):  # a character whose lower case is longer: keep it as is
            folded = "".join(c if len(c.lower()) != 1 else c.lower() for c in line.translate(_FOLD))
    if "c/u" in folded:
        folded = _CU.sub("   ", folded)
    return line, folded
