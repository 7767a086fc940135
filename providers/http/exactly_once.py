"""Selling exactly once over a bad network: remember what was sent, ask before concluding.

A create that got no definite answer is never resent blindly. ``settle_create`` asks the provider
(through the adapter's ``find_ticket``) and concludes:
- found → the sale stands (the answer was only lost);
- not found, and the provider is known to be done with the request (never reached it, or answered
  5xx/garbage) → definite failure, nothing was booked;
- not found while the request may still be in flight, or the lookup itself failed →
  ``OutcomeUnknown``; the caller keeps the ticket pending and the reconciliation job asks
  ``find_ticket`` again later.

Providers without a field for our reference (banklot, jackpot) find a ticket by what it contains;
the ``Journal`` keeps, per reference, that content and when it was sent, and which provider ticket
each reference has claimed so that one provider ticket never answers for two references. The
in-memory journal is enough within one process; pass a persistent one (same protocol) so that the
reconciliation job still finds a ticket after a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from providers.base import OutcomeUnknown, ProviderTicket, ProviderUnavailable
from providers.http.client import CallFailed, Stage


@dataclass(frozen=True)
class SentCreate:
    """A create as sent; ``content`` (JSON-able, adapter-specific) is what identifies the ticket."""

    reference: str
    content: Any
    sent_at: datetime
    provider_id: str | None = None
    extra: dict[str, Any] | None = None


class Journal(Protocol):
    async def record(self, entry: SentCreate) -> None:
        """Remember a create before it is sent (a later record for the same reference wins)."""
        ...

    async def get(self, reference: str) -> SentCreate | None: ...

    async def claim(self, reference: str, provider_id: str, extra: dict[str, Any] | None = None
                    ) -> bool:
        """Bind the provider ticket to the reference; False when another reference holds it."""
        ...


class MemoryJournal:
    """The journal of one process."""

    def __init__(self) -> None:
        self._entries: dict[str, SentCreate] = {}
        self._owner: dict[str, str] = {}

    async def record(self, entry: SentCreate) -> None:
        self._entries[entry.reference] = entry

    async def get(self, reference: str) -> SentCreate | None:
        return self._entries.get(reference)

    async def claim(self, reference: str, provider_id: str, extra: dict[str, Any] | None = None
                    ) -> bool:
        owner = self._owner.setdefault(provider_id, reference)
        if owner != reference:
            return False
        entry = self._entries.get(reference)
        if entry is not None:
            self._entries[reference] = replace(entry, provider_id=provider_id,
                                               extra={**(entry.extra or {}), **(extra or {})})
        return True

    def owner_of(self, provider_id: str) -> str | None:
        return self._owner.get(provider_id)


async def settle_create(
    failure: CallFailed,
    reference: str,
    find: Callable[[str], Awaitable[ProviderTicket | None]],
    log: logging.Logger,
) -> ProviderTicket:
    """Resolve a create that failed without a definite answer, by asking, never by resending."""
    try:
        found = await find(reference)
    except ProviderUnavailable as exc:
        log.warning("create outcome unknown", extra={"reference": reference,
                                                     "detail": failure.detail,
                                                     "lookup": exc.detail})
        raise OutcomeUnknown(f"{failure.detail}; lookup failed ({exc.detail})") from None
    if found is not None:
        log.info("create confirmed by lookup", extra={"reference": reference,
                                                      "detail": failure.detail})
        return found
    if failure.stage is Stage.IN_DOUBT:
        log.warning("create outcome unknown", extra={"reference": reference,
                                                     "detail": failure.detail})
        raise OutcomeUnknown(f"{failure.detail}; not booked yet, may still be")
    log.info("create not booked", extra={"reference": reference, "detail": failure.detail})
    raise ProviderUnavailable(f"{failure.detail}; nothing was booked")
