"""The database schema, as SQLAlchemy 2.0 declarative models.

Conventions:
- Money is an integer amount of minor units (``BigInteger``, e.g. 550 = 5.50 VES) next to an ISO
  4217 currency code column of the same row (wager amounts use their ticket's currency).
- Timestamps are UTC and time-zone aware (:class:`storage.types.UTCDateTime`).
- Enumerations are stored as short strings with a CHECK constraint (portable, readable in SQL).
- Constraint names come from ``NAMING_CONVENTION`` so Alembic migrations are deterministic.
- Every change here needs a migration in ``storage/migrations/versions``; a test compares both.
"""

from storage.models.base import NAMING_CONVENTION, Base
from storage.models.controls import BancaControl, SellerNumberSales
from storage.models.core import (
    APPEND_ONLY_TABLES,
    ActivityLog,
    Draw,
    DrawResult,
    DrawStatus,
    FsmRecord,
    HouseBooking,
    HouseBookingState,
    NumberSales,
    PaidHow,
    ProcessedUpdate,
    Subscription,
    Ticket,
    TicketStatus,
    User,
    UserRole,
    Wager,
    WagerOutcome,
)
from storage.models.leases import Lease
from storage.models.messaging import (
    Broadcast,
    BroadcastDelivery,
    BroadcastKind,
    BroadcastStatus,
    DeliveryState,
    OutboxMessage,
    OutboxState,
    ProviderJournalEntry,
)
from storage.models.money import (
    Account,
    LedgerEntry,
    Reason,
    RequestState,
    TopUpRequest,
    Withdrawal,
)

__all__ = [
    "APPEND_ONLY_TABLES",
    "NAMING_CONVENTION",
    "Account",
    "ActivityLog",
    "BancaControl",
    "Base",
    "Broadcast",
    "BroadcastDelivery",
    "BroadcastKind",
    "BroadcastStatus",
    "DeliveryState",
    "Draw",
    "DrawResult",
    "DrawStatus",
    "FsmRecord",
    "HouseBooking",
    "HouseBookingState",
    "Lease",
    "LedgerEntry",
    "NumberSales",
    "OutboxMessage",
    "OutboxState",
    "PaidHow",
    "ProcessedUpdate",
    "ProviderJournalEntry",
    "Reason",
    "RequestState",
    "SellerNumberSales",
    "Subscription",
    "Ticket",
    "TicketStatus",
    "TopUpRequest",
    "User",
    "UserRole",
    "Wager",
    "WagerOutcome",
    "Withdrawal",
]
