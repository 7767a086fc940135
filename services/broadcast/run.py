"""What the broadcast worker keeps of one broadcast while it sends it (``worker.py``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.broadcast.middleware import Attempt, AttemptState
from storage.models import Broadcast
from storage.repositories.broadcasts import ClaimedDelivery


@dataclass(frozen=True)
class Job:
    """What the worker needs of a broadcast, read once when it starts on it."""

    id: int
    kind: Any
    text: str | None
    image: bytes | None
    paid: bool
    progress_chat_id: int | None
    progress_locale: str | None

    @classmethod
    def of(cls, b: Broadcast) -> Job:
        return cls(b.id, b.kind, b.text, b.image, b.paid, b.progress_chat_id, b.progress_locale)


@dataclass
class Run:
    """One worker's pass over one broadcast."""

    job: Job
    started: datetime
    image_file_id: str | None
    progress_message_id: int | None
    next_tick: datetime
    in_flight: dict[asyncio.Task[None], tuple[ClaimedDelivery, Attempt]] = field(
        default_factory=dict
    )
    #: Claimed rows whose outcome is not recorded yet, with their send's progress.
    unsettled: dict[int, tuple[ClaimedDelivery, Attempt]] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    sent_here: int = 0
    failure_streak: int = 0
    fatal: BaseException | None = None
    progress_task: asyncio.Task[None] | None = None
    final_edit: bool = False

    @property
    def has_image(self) -> bool:
        return self.job.image is not None or self.image_file_id is not None

    def waiting(self) -> int:
        """Claimed rows whose send has not taken its permit yet."""
        return sum(1 for _, a in self.in_flight.values() if a.state is AttemptState.WAITING)
