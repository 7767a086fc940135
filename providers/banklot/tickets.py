"""Banklot tickets to ours, refusals to error codes, and the content that identifies a ticket."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from providers.banklot.board import Board, money
from providers.banklot.session import Reply
from providers.base import (
    BookedWager,
    ErrorCode,
    ProviderError,
    ProviderTicket,
    TicketState,
    WagerRejection,
)

_CLOSED = re.compile(r"closed events:\s*\[([\d\s,]*)\]")
_NAMED = re.compile(r":\s*(\S+)\s*$")
#: the start of a refusal's text → our code (texts beyond the seed's are assumptions)
REFUSALS = (
    ("events are not open", ErrorCode.CLOSED_DRAW),
    ("no rows in result set", ErrorCode.CLOSED_DRAW),
    ("invalid wager", ErrorCode.INVALID_NUMBER),
    ("invalid amount", ErrorCode.INVALID_AMOUNT),
    ("quota exceeded", ErrorCode.SOLD_OUT),
    ("too many wagers", ErrorCode.LIMIT),
    ("insufficient", ErrorCode.INSUFFICIENT_FUNDS),
)


def content_of(wire: Sequence[Mapping[str, Any]], *, any_event: bool = False) -> list[list[Any]]:
    """What identifies a ticket: its wagers as (event, game, wager, amount), sorted; a copy's
    events are the provider's choice, so ``any_event`` leaves them out (None)."""
    return sorted(([None if any_event else int(w["event_id"]), int(w["game_id"]),
                    str(w["wager"]), int(w["amount"])] for w in wire),
                  key=lambda row: (row[0] or 0, row[1], row[2], row[3]))


def matches(content: Sequence[Sequence[Any]], view: Mapping[str, Any]) -> bool:
    wagers = view.get("wagers")
    if not isinstance(wagers, list) or len(wagers) != len(content):
        return False
    any_event = bool(content) and content[0][0] is None
    try:
        seen = content_of(wagers, any_event=any_event)
    except (KeyError, TypeError, ValueError):
        return False
    return seen == [list(row) for row in content]


def state_of(statuses: Sequence[str]) -> TicketState:
    if statuses and all(s == "canceled" for s in statuses):
        return TicketState.VOID
    for status, state in (("paid", TicketState.PAID), ("winner", TicketState.WINNER),
                          ("expired", TicketState.EXPIRED)):
        if status in statuses:
            return state
    if statuses and all(s == "loser" for s in statuses):
        return TicketState.LOSER
    return TicketState.SOLD


def ticket_from_view(board: Board, reference: str, view: Mapping[str, Any], *,
                     currency: str, extra: Mapping[str, Any] | None = None,
                     prize: Decimal | None = None) -> ProviderTicket:
    created = datetime.fromtimestamp(int(view.get("created_at", 0)), board.tz)
    items = [w for w in view.get("wagers") or [] if isinstance(w, Mapping)]
    wagers = tuple(BookedWager(w) for item in items if (w := board.wager(item, created)))
    pin = view.get("pin_number")
    return ProviderTicket(
        reference=reference, provider_ticket_id=str(view.get("ticket_number", "")),
        state=state_of([str(w.get("status", "")) for w in items]), wagers=wagers,
        total=money(view.get("amount", 0)), currency=currency, created_at=created,
        pin=None if pin is None else str(pin),
        cancel_deadline=created + timedelta(seconds=board.seconds_to_cancel),
        prize=None if prize is None else money(prize),
        extra={"date": created.date().isoformat(), "ticket_number": view.get("ticket_number"),
               **(extra or {})},
    )


def refusal(reply: Reply, wire: Sequence[Mapping[str, Any]], index: Sequence[int]
            ) -> ProviderError:
    """A definite refusal of a create, with the wagers it names (indexes of the request)."""
    text = (reply.error or "").lower()
    code = next((c for prefix, c in REFUSALS if text.startswith(prefix)), ErrorCode.LIMIT)
    rejections = [WagerRejection(i, code, reply.error or "") for i in offending(reply, wire, index)]
    return ProviderError(code, reply.error or f"banklot status {reply.status}", rejections)


def offending(reply: Reply, wire: Sequence[Mapping[str, Any]], index: Sequence[int]) -> list[int]:
    """Which wagers a refusal names: closed events' wagers, or the wager/amount in the text."""
    text = reply.error or ""
    closed = _CLOSED.search(text)
    if closed:
        ids = {int(x) for x in re.findall(r"\d+", closed[1])}
        return [i for i, w in zip(index, wire, strict=True) if int(w["event_id"]) in ids]
    named = _NAMED.search(text)
    if named and text.lower().startswith(("invalid wager", "quota exceeded")):
        return [i for i, w in zip(index, wire, strict=True) if str(w["wager"]) == named[1]]
    if named and text.lower().startswith("invalid amount"):
        return [i for i, w in zip(index, wire, strict=True) if str(w["amount"]) == named[1]]
    return []

