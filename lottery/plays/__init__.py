"""The plays language (docs/plays.md): chat text + catalog + now → wagers and per-line errors.

``parse_message`` is the entry point; ``lottery.render`` writes wagers back as plays text.
"""

from lottery.plays.model import ParseResult, PlayError, Wager
from lottery.plays.parser import parse_message

ERROR_CODES = (
    "missing_amount", "missing_lottery", "unknown_token", "invalid_number", "not_sold",
    "closed_draw", "no_such_draw", "ambiguous", "too_many", "total_mismatch", "wrong_currency",
)

__all__ = ["ERROR_CODES", "ParseResult", "PlayError", "Wager", "parse_message"]
