"""Switchable faults shared by the provider simulators, and the clock they share with the adapters.

A test arms a fault for the next call(s) of one operation (or any)::

    sim.faults.set(Fault.LOST, op="create")          # book, then drop the connection
    sim.faults.set(Fault.SLOW, op="create", delay=0.05)
    sim.faults.set(Fault.LATE, op="create")          # booked only after the client gave up

| fault          | what the simulator does                                             | booked? |
|----------------|---------------------------------------------------------------------|---------|
| TIMEOUT        | holds the request until the client gives up, then closes it         | no      |
| LOST           | handles the request, then drops the connection without an answer    | yes     |
| ERROR_500      | answers 500 before handling                                         | no      |
| MALFORMED      | handles the request, then answers 200 with a cut-off JSON body      | yes     |
| SLOW           | waits ``delay`` s, then handles and answers (even if the client left) | yes   |
| LATE           | holds the request until the client gives up; books it at ``idle()`` | later |
| EXPIRED_TOKEN  | the credentials of this call are no longer valid (per simulator)    | no      |

LATE is "slow beyond the client's timeout" without a race: a SLOW delay only slightly longer than
the timeout books while the adapter's lookup may still be on its way when the machine is loaded,
so the sale comes out sold instead of pending. LATE books strictly after the adapter has given up
and asked, whatever the machine's speed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

CARACAS = ZoneInfo("America/Caracas")


class Fault(enum.StrEnum):
    TIMEOUT = "timeout"
    LOST = "lost"
    ERROR_500 = "500"
    MALFORMED = "malformed"
    SLOW = "slow"
    LATE = "late"
    EXPIRED_TOKEN = "expired_token"
    #: the provider's own refusal in its document's shape (soportex: a top-level respuesta;
    #: banklot: a business 401; jackpot: a ticket answered approved: false)
    BUSINESS = "business"


@dataclass
class ArmedFault:
    kind: Fault
    op: str | None
    times: int
    delay: float


class FaultPlan:
    """Faults armed per operation, consumed in the order they were set."""

    def __init__(self) -> None:
        self._armed: list[ArmedFault] = []
        self.fired: list[tuple[str, Fault]] = []

    def set(self, kind: Fault | str, *, op: str | None = None, times: int = 1,
            delay: float = 0.0) -> None:
        """Arm ``kind`` for the next ``times`` calls of ``op`` (any operation when None)."""
        if times < 1:
            raise ValueError("times must be at least 1")
        self._armed.append(ArmedFault(Fault(kind), op, times, delay))

    def clear(self) -> None:
        self._armed.clear()

    def take(self, op: str) -> ArmedFault | None:
        for fault in self._armed:
            if fault.op in (None, op):
                fault.times -= 1
                if fault.times <= 0:
                    self._armed.remove(fault)
                self.fired.append((op, fault.kind))
                return fault
        return None


class FakeClock:
    """'Now' for a simulator and the adapter under test; tests move it, nothing sleeps."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2024, 10, 22, 10, 0, tzinfo=CARACAS)
        if self._now.tzinfo is None:
            raise ValueError("the fake clock needs an aware datetime")

    def now(self) -> datetime:
        return self._now

    __call__ = now

    def set(self, when: datetime) -> None:
        self._now = when

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now = self._now + (delta or timedelta(**kwargs))
        return self._now
