"""The broadcast queue: results to subscribers, admin announcements, winner notifications.

Queue (in the caller's transaction): :func:`enqueue`, :func:`enqueue_personal`,
:func:`audience`, :func:`progress`, :func:`cancel`, :func:`retry_unknown`.
Sending: :class:`BroadcastWorker` (``run_forever`` / ``run_once`` / ``drain``).
Rate limiting for *every* outgoing call: :func:`make_limiter` (in memory, or Redis when
``REDIS_URL`` is set) and :func:`install_rate_limiter` (aiogram session middleware).

The queue stays in SQL even with Redis: the deliveries table is the record of what was sent
(message ids, who blocked the bot) and must change in the same transaction as the subscriptions
and users it affects; ``FOR UPDATE SKIP LOCKED`` already lets many workers claim from it. A Redis
stream redelivers unacknowledged entries (at least once), the opposite of "never twice". What
every worker must share *fast* is the send budget, so that is what lives in Redis.
"""

from __future__ import annotations

from services.broadcast.limiter import LimiterStats, MemoryRateLimiter, RateLimiter
from services.broadcast.limits import Limits
from services.broadcast.middleware import RateLimitMiddleware, install_rate_limiter
from services.broadcast.progress import Progress, progress_text
from services.broadcast.queue import (
    BroadcastTextError,
    audience,
    cancel,
    enqueue,
    enqueue_personal,
    progress,
    retry_unknown,
)
from services.broadcast.worker import BroadcastWorker
from storage.models import BroadcastKind, BroadcastStatus, DeliveryState


def make_limiter(redis_url: str | None, limits: Limits | None = None) -> RateLimiter:
    """The Redis limiter when ``redis_url`` is set (shared by every worker process), else one in
    this process's memory."""
    if redis_url:
        from services.broadcast.redis_limiter import RedisRateLimiter

        return RedisRateLimiter.from_url(redis_url, limits)
    return MemoryRateLimiter(limits)


__all__ = [
    "BroadcastKind",
    "BroadcastStatus",
    "BroadcastTextError",
    "BroadcastWorker",
    "DeliveryState",
    "LimiterStats",
    "Limits",
    "MemoryRateLimiter",
    "Progress",
    "RateLimitMiddleware",
    "RateLimiter",
    "audience",
    "cancel",
    "enqueue",
    "enqueue_personal",
    "install_rate_limiter",
    "make_limiter",
    "progress",
    "progress_text",
    "retry_unknown",
]
