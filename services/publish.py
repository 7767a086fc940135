"""Flows that queue messages for the background senders, commit, then wake them: a result an
admin enters (to its lottery's subscribers and to its winners) and an admin's announcement.

They commit themselves, unlike other handlers' flows (``bot/middlewares/db.py``): a sender woken
before the commit would find nothing queued and sleep until its next poll.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.result_input import ResultEntry
from services.broadcast import BroadcastKind, audience, enqueue
from services.outbox import queue_texts
from services.results import enter_result
from services.settlement import SettledResult
from services.subscriptions import queue_result
from services.winner_notices import winner_notices
from storage.models import User

Wake = Callable[[], None]


async def publish_result(
    session: AsyncSession, catalog: Catalog, admin: User, text: str, *, now: datetime,
    locale: str, wake: Wake,
) -> tuple[ResultEntry, SettledResult]:
    """`/resultado zulia 12:45 123 ACU`: store and settle the result, queue it to the lottery's
    subscribers (each in their own language) and a notice to each winning buyer (the outbox),
    commit, wake the senders. Raises as :func:`services.results.enter_result` does, before
    anything is queued."""
    entry, settled = await enter_result(session, catalog, admin, text, now)
    lottery = catalog.lottery(entry.lottery_id)
    await queue_result(session, catalog, lottery, settled.summary.draw_at, dict(entry.values),
                       revision=settled.revision, now=now, locale=locale)
    notices = dict(await winner_notices(session, catalog, settled.summary))
    if notices:
        await queue_texts(session, messages=notices, now=now,
                          key=f"winners:{settled.draw_id}:{settled.revision}")
    await session.commit()
    wake()  # subscribers hear it through the broadcast queue, winners through the outbox
    return entry, settled


async def announce(
    session: AsyncSession, *, text: str, lottery_id: str | None, paid: bool, admin: User,
    progress_chat: int, now: datetime, wake: Wake,
) -> None:
    """Queue an admin's HTML ``text`` to ``lottery_id``'s subscribers (None: every active
    user), commit, wake the broadcast worker. Raises ``BroadcastTextError`` when the text is
    too long for one message (nothing queued)."""
    chats = await audience(session, lottery_id)
    await enqueue(session, kind=BroadcastKind.ANNOUNCEMENT, text=text, chat_ids=chats, now=now,
                  created_by=admin.id, paid=paid, progress_chat=progress_chat,
                  progress_locale=admin.locale, audience_info={"lottery": lottery_id})
    await session.commit()
    wake()
