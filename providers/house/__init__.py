"""The embedded house provider: the bot is the banca, on its own database (after the banca
model)."""

from lottery.ticket_codes import PinHasher
from providers.house.draws_job import ClosedDraw, close_due_draws, ensure_upcoming_draws
from providers.house.provider import HouseProvider
from providers.house.results import EnteredResult, InvalidResult

__all__ = [
    "ClosedDraw",
    "EnteredResult",
    "HouseProvider",
    "InvalidResult",
    "PinHasher",
    "close_due_draws",
    "ensure_upcoming_draws",
]
