"""What every handler may need, built once at start-up, passed in aiogram's workflow data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from lottery.catalog import Catalog
from lottery.clock import Clock, system_clock
from lottery.controls import LiveControls
from lottery.ticket_codes import PinHasher
from providers.base import Provider
from services.broadcast import BroadcastWorker, RateLimiter

if TYPE_CHECKING:
    from services.delivery import Deliverer

@dataclass
class AppContext:
    settings: Settings
    catalog: Catalog
    sessionmaker: async_sessionmaker[AsyncSession]
    provider: Provider
    ticket_secret: bytes
    limiter: RateLimiter
    clock: Clock = field(default=system_clock)
    #: The bundled market catalog. With a remote provider ``catalog`` is the provider's, and
    #: this one still names the lotteries people know that the provider does not sell.
    market_catalog: Catalog | None = None
    #: Started with the bot (it needs one to send); None in code that runs without a bot.
    broadcaster: BroadcastWorker | None = None
    #: Sends the outbox (tickets with their PIN, money news); started with the bot, like it.
    deliverer: Deliverer | None = None
    #: When ``catalog`` last came from a remote provider; None while it is the bundled base one
    #: (house mode, or the provider has not answered yet). See ``jobs.loop``.
    catalog_loaded_at: datetime | None = None
    #: The banca's controls (house mode): refreshed per update by the controls middleware;
    #: in house mode ``catalog`` is their catalog (the bundled one with the overrides).
    controls: LiveControls | None = None

    def wake_broadcaster(self) -> None:
        """After committing to the broadcast queue or the outbox: send now rather than at the
        next poll."""
        if self.broadcaster is not None:
            self.broadcaster.wake()
        if self.deliverer is not None:
            self.deliverer.wake()

    @property
    def outbox_lease(self) -> timedelta:
        return timedelta(seconds=self.settings.outbox_lease)

    @property
    def pins(self) -> PinHasher:
        return PinHasher(self.ticket_secret)
