"""Failures a test arms with ``fail_next``: an error status, a hang, or a dropped connection.

They let a test check that the bot goes on when one outgoing call fails (an image upload,
setMyCommands, even getUpdates), and, with ``executed=True``, what happens when Telegram did
the work but the answer never arrived.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from .errors import DEFAULT_DESCRIPTIONS, BotAPIError, too_many_requests
from .records import Call, Fault


class DropConnection(Exception):
    """Close the HTTP connection without answering."""


class Faults:
    """Armed faults per method (case-insensitive), consumed in order."""

    def __init__(self) -> None:
        self._armed: dict[str, list[Fault]] = {}

    def arm(
        self,
        method: str,
        status: int | str,
        *,
        times: int,
        description: str | None,
        retry_after: int | None,
        executed: bool,
        matching: str | None = None,
    ) -> None:
        if isinstance(status, str) and status not in ("timeout", "drop"):
            raise ValueError(f"unknown fault {status!r}: use an HTTP status, 'timeout' or 'drop'")
        if times < 1:
            raise ValueError("times must be at least 1")
        fault = Fault(
            kind=status if isinstance(status, str) else "status",
            status=status if isinstance(status, int) else 0,
            description=description,
            retry_after=retry_after,
            times=times,
            executed=executed,
            matching=matching,
        )
        self._armed.setdefault(method.lower(), []).append(fault)

    def take(self, method: str, params: dict[str, Any] | None = None) -> Fault | None:
        """The first fault armed for ``method`` that applies to this call, consumed once."""
        armed = self._armed.get(method.lower())
        if not armed:
            return None
        text = " ".join(str((params or {}).get(key) or "") for key in ("text", "caption"))
        for index, fault in enumerate(armed):
            if fault.matching is not None and not re.search(fault.matching, text):
                continue
            fault.times -= 1
            if fault.times <= 0:
                armed.pop(index)
            return fault
        return None

    def clear(self) -> None:
        self._armed.clear()


async def trigger(fault: Fault, call: Call, closed: asyncio.Event) -> None:
    """Fail ``call`` as ``fault`` says: raise the error, or hang/drop (DropConnection)."""
    call.fault = str(fault.status) if fault.kind == "status" else fault.kind
    if fault.kind == "status":
        if fault.status == 429:
            raise too_many_requests(fault.retry_after or 1)
        description = fault.description or DEFAULT_DESCRIPTIONS.get(
            fault.status, "Internal Server Error"
        )
        raise BotAPIError(fault.status, description, retry_after=fault.retry_after)
    if fault.kind == "timeout":
        call.description = "no answer (held until the client gave up)"
        await closed.wait()  # the handler is cancelled as soon as the client disconnects
    else:
        call.description = "no answer (connection dropped)"
    raise DropConnection
