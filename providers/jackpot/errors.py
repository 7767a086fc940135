"""A jackpot refusal read from whatever body the operator sends.

Seed 003 lists thirteen "Error response (status=400)" without showing one, and names a single
error text: "Ticket odds changed". So the text is looked for anywhere in the body (``detail`` as
a string, an object or a list, ``error``, ``message``, ``errors``…), case ignored; a
``{"detail": {"code": …}}`` (our simulator's shape) still maps its code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from providers.base import ErrorCode

ODDS_TEXT = "ticket odds changed"
#: ``detail.code`` → our code, when the operator sends codes (an assumption, see ``__init__``)
CODES = {
    "BETCARD_NOT_FOUND": ErrorCode.CLOSED_DRAW, "BETCARD_CLOSED": ErrorCode.CLOSED_DRAW,
    "INVALID_CURRENCY": ErrorCode.INVALID_AMOUNT, "INVALID_PRICE": ErrorCode.INVALID_AMOUNT,
    "INCOMPLETE_BETCARD": ErrorCode.INVALID_NUMBER, "INVALID_BET": ErrorCode.INVALID_NUMBER,
    "ODDS_CHANGED": ErrorCode.ODDS_CHANGED, "PRIZE_CHANGED": ErrorCode.ODDS_CHANGED,
    "INSUFFICIENT_FUNDS": ErrorCode.INSUFFICIENT_FUNDS,
}
#: words of a refusal's text → our code, for operators that send text only
TEXTS = (
    ("odds changed", ErrorCode.ODDS_CHANGED), ("prize changed", ErrorCode.ODDS_CHANGED),
    ("insufficient", ErrorCode.INSUFFICIENT_FUNDS), ("closed", ErrorCode.CLOSED_DRAW),
    ("not found", ErrorCode.CLOSED_DRAW), ("currency", ErrorCode.INVALID_AMOUNT),
    ("price", ErrorCode.INVALID_AMOUNT),
)


def read_refusal(body: Any) -> tuple[ErrorCode, str]:
    """Our code for a 400's body, and its message (the first text found, for the log)."""
    message = _first_text(body)
    detail = body.get("detail") if isinstance(body, Mapping) else None
    if isinstance(detail, Mapping) and str(detail.get("code")) in CODES:
        return CODES[str(detail.get("code"))], str(detail.get("message") or message)
    everything = json.dumps(body, ensure_ascii=False).lower() if body is not None else ""
    if ODDS_TEXT in everything:
        return ErrorCode.ODDS_CHANGED, "Ticket odds changed"
    lowered = message.lower()
    code = next((c for words, c in TEXTS if words in lowered), ErrorCode.LIMIT)
    return code, message


def _first_text(body: Any) -> str:
    if isinstance(body, str):
        return body
    if isinstance(body, Mapping):
        for key in ("message", "detail", "error", "errors", "msg", "description"):
            if key in body and (text := _first_text(body[key])):
                return text
        return ""
    if isinstance(body, list):
        return next((t for item in body if (t := _first_text(item))), "")
    return ""
