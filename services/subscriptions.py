"""Who wants which lottery's results pushed to them, and what a results broadcast says."""

from __future__ import annotations

from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog, Lottery
from lottery.i18n import gettext
from lottery.labels import format_clock
from lottery.money import format_locale
from services.broadcast import BroadcastKind, audience, enqueue
from services.results import find_lottery, result_text
from storage.repositories import subscriptions as subs_repo


async def set_subscription(
    session: AsyncSession, catalog: Catalog, user_id: int, text: str, *, on: bool, now: datetime
) -> Lottery | None:
    lottery = find_lottery(catalog, text)
    if lottery is None:
        return None
    if on:
        await subs_repo.subscribe(session, user_id, lottery.id, now=now)
    else:
        await subs_repo.unsubscribe(session, user_id, lottery.id)
    return lottery


async def queue_result(
    session: AsyncSession, catalog: Catalog, lottery: Lottery, draw_at: datetime,
    values: dict[str, str], *, revision: int, now: datetime, locale: str,
) -> int | None:
    """One message per subscriber of the lottery, in the bot's default language (a broadcast has
    one text). The key makes entering the same result twice queue it once."""
    chats = await audience(session, lottery.id)
    if not chats:
        return None
    when = format_clock(draw_at, lottery.timezone, format_locale(locale, catalog.locale))
    text = gettext("🎯 <b>{lottery}</b> {time}: {result}", locale).format(
        lottery=escape(lottery.name), time=when, result=escape(result_text(lottery, values)))
    return await enqueue(
        session, kind=BroadcastKind.RESULTS, text=text, chat_ids=chats, now=now,
        key=f"results:{lottery.id}:{draw_at.isoformat()}:{revision}",
        audience_info={"lottery": lottery.id},
    )
