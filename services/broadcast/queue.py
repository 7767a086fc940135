"""Putting broadcasts in the queue: who gets them, and what they say.

These functions only write rows in the caller's transaction (they never commit): the admin's
confirmation, the results job or the winner notifier commits, then wakes the worker
(``BroadcastWorker.wake()``) or lets it find the broadcast on its next poll.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from presentation.telegram_text import MAX_CAPTION, MAX_TEXT, visible_length
from services.broadcast.progress import Progress
from storage.models import BroadcastKind
from storage.repositories import broadcasts as repo
from storage.repositories import subscriptions as subscriptions_repo


class BroadcastTextError(ValueError):
    """The text cannot be sent: empty, or longer than Telegram takes (``limit``, ``length``)."""

    def __init__(self, length: int, limit: int) -> None:
        what = "empty text" if length == 0 else f"text of {length} characters (limit {limit})"
        super().__init__(what)
        self.length = length
        self.limit = limit


def check_text(html: str | None, *, with_image: bool) -> None:
    """Raise :class:`BroadcastTextError` unless Telegram will take ``html`` (a caption if
    ``with_image``; a photo may go without one)."""
    limit = MAX_CAPTION if with_image else MAX_TEXT
    length = visible_length(html or "")
    if length > limit or (length == 0 and not with_image):
        raise BroadcastTextError(length, limit)


async def audience(session: AsyncSession, lottery_id: str | None) -> list[int]:
    """Chats to reach: the active subscribers of ``lottery_id``, or every active user (None)."""
    if lottery_id is None:
        return list(await repo.active_user_ids(session))
    return list(await subscriptions_repo.subscribers(session, lottery_id))


async def enqueue(
    session: AsyncSession,
    *,
    kind: BroadcastKind,
    text: str,
    chat_ids: Iterable[int],
    now: datetime,
    image: bytes | None = None,
    image_file_id: str | None = None,
    created_by: int | None = None,
    paid: bool = False,
    progress_chat: int | None = None,
    progress_locale: str | None = None,
    audience_info: Mapping[str, Any] | None = None,
    key: str | None = None,
) -> int:
    """Queue one HTML ``text`` (a photo caption if ``image``/``image_file_id``) for every chat.

    Duplicate chat ids are sent once. ``paid`` sends with ``allow_paid_broadcast`` (up to
    1,000/s, billed in Stars). ``progress_chat`` gets a message edited with the counts while it
    runs, in ``progress_locale``. ``audience_info`` describes the audience for people (e.g.
    ``{"lottery_id": "lotto_activo"}``). With a ``key`` already queued nothing is added and
    that broadcast's id is returned. Returns the broadcast id.
    """
    with_image = image is not None or image_file_id is not None
    check_text(text, with_image=with_image)
    chats = list(dict.fromkeys(chat_ids))
    return await _create(
        session,
        kind=kind,
        text=text,
        rows=[(c, None) for c in chats],
        now=now,
        image=image,
        image_file_id=image_file_id,
        created_by=created_by,
        paid=paid,
        progress_chat=progress_chat,
        progress_locale=progress_locale,
        audience_info=audience_info or {"chats": len(chats)},
        key=key,
    )


async def enqueue_personal(
    session: AsyncSession,
    *,
    messages: Mapping[int, str],
    now: datetime,
    kind: BroadcastKind = BroadcastKind.PERSONAL,
    created_by: int | None = None,
    paid: bool = False,
    progress_chat: int | None = None,
    progress_locale: str | None = None,
    audience_info: Mapping[str, Any] | None = None,
    key: str | None = None,
) -> int:
    """Queue a different HTML text per chat (winner notifications): ``{chat_id: text}``.

    One message per chat: a player with several winning tickets gets them in one text.
    """
    for text in messages.values():
        check_text(text, with_image=False)
    return await _create(
        session,
        kind=kind,
        text=None,
        rows=list(messages.items()),
        now=now,
        created_by=created_by,
        paid=paid,
        progress_chat=progress_chat,
        progress_locale=progress_locale,
        audience_info=audience_info or {"chats": len(messages)},
        key=key,
    )


async def _create(
    session: AsyncSession,
    *,
    kind: BroadcastKind,
    text: str | None,
    rows: list[tuple[int, str | None]],
    now: datetime,
    audience_info: Mapping[str, Any],
    image: bytes | None = None,
    image_file_id: str | None = None,
    created_by: int | None = None,
    paid: bool = False,
    progress_chat: int | None = None,
    progress_locale: str | None = None,
    key: str | None = None,
) -> int:
    broadcast_id, created = await repo.create_broadcast(
        session,
        kind=kind,
        text=text,
        audience=dict(audience_info),
        now=now,
        image=image,
        image_file_id=image_file_id,
        paid=paid,
        created_by=created_by,
        progress_chat_id=progress_chat,
        progress_locale=progress_locale,
        key=key,
    )
    if created:
        await repo.add_deliveries(session, broadcast_id, rows)
    return broadcast_id


async def progress(session: AsyncSession, broadcast_id: int) -> Progress:
    """The broadcast's counts now (``LookupError`` if there is no such broadcast)."""
    broadcast = await repo.get_broadcast(session, broadcast_id)
    if broadcast is None:
        raise LookupError(f"no broadcast {broadcast_id}")
    return Progress.of(broadcast, await repo.counts(session, broadcast_id))


async def cancel(session: AsyncSession, broadcast_id: int, *, now: datetime) -> int:
    """Stop a broadcast; returns how many chats will not get it."""
    return await repo.cancel(session, broadcast_id, now)


async def retry_unknown(session: AsyncSession, broadcast_id: int) -> int:
    """Resend the deliveries whose outcome is unknown (an admin's explicit, informed choice:
    some of those chats may already hold the message)."""
    return await repo.retry_unknown(session, broadcast_id)
