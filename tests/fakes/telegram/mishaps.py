"""What a test can make go wrong on Telegram's side: flood control, a user who blocked the
bot, calls that fail (an error status, a hang, a dropped connection, a lost answer).

A mixin of ``FakeTelegram``, which owns the limiter and the armed faults.
"""

from __future__ import annotations

from .faults import Faults
from .methods import BotAPI
from .ratelimit import RateLimit, RateLimiter
from .state import World


class Mishaps:
    world: World
    api: BotAPI
    _limiter: RateLimiter
    _faults: Faults

    @property
    def rate_limit(self) -> RateLimit:
        return self._limiter.limit

    def set_rate_limit(self, limit: RateLimit | None) -> None:
        """Change (or with None, turn off) flood control while running."""
        self._limiter.configure(limit)

    def set_blocked(self, chat_id: int, blocked: bool = True) -> None:
        """Sends/edits to the chat answer 403 ``Forbidden: bot was blocked by the user``."""
        if chat_id not in self.world.chats and chat_id > 0:
            self.world.upsert_user(chat_id)
        self.world.ensure_chat(chat_id).blocked = blocked

    def fail_next(
        self,
        method: str,
        status: int | str = 500,
        *,
        times: int = 1,
        description: str | None = None,
        retry_after: int | None = None,
        executed: bool = False,
        matching: str | None = None,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        ``status``: an HTTP error code answered Telegram-style (429 gets ``retry_after``),
        ``"timeout"`` (hold the request without answering until the client gives up: give
        the bot a short request timeout) or ``"drop"`` (close the connection unanswered).
        ``executed=True`` runs the method first, so the message *is* sent but the bot never
        learns it (a lost answer). ``matching``: only calls whose text or caption this
        regex finds (a ticket's PIN, not the preview before it); others go through.
        """
        self._faults.arm(
            self.api.canonical(method),
            status,
            times=times,
            description=description,
            retry_after=retry_after,
            executed=executed,
            matching=matching,
        )

    def clear_faults(self) -> None:
        """Disarm every fault ``fail_next`` armed and no call has consumed yet."""
        self._faults.clear()
