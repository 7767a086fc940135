"""Who wants which lottery's results pushed to them, and what a results broadcast says."""

from __future__ import annotations

from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog, Lottery
from lottery.i18n import gettext, in_locale
from presentation.formatting import Formatter
from presentation.results_image import render_results_png
from providers.house.results import results_on
from services.broadcast import BroadcastKind, audience, enqueue
from services.results import result_text
from speed import pictures
from storage.repositories import subscriptions as subs_repo
from storage.repositories import users as users_repo


async def subscriptions_of(session: AsyncSession, user_id: int) -> list[str]:
    """The lotteries whose results ``user_id`` receives."""
    return list(await subs_repo.user_subscriptions(session, user_id))


async def set_subscription(
    session: AsyncSession, catalog: Catalog, user_id: int, text: str, *, on: bool, now: datetime
) -> Lottery | None:
    lottery = catalog.get_lottery(text)
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
    """One broadcast per language among the lottery's subscribers, each in its readers'
    language (a broadcast has one text); ``locale`` is for a subscriber without one. The key
    makes entering the same result twice queue it once. Returns the first broadcast's id, None
    when nobody subscribes."""
    chats = await audience(session, lottery.id)
    if not chats:
        return None
    readers = await users_repo.users_by_id(session, chats)
    by_language: dict[str, list[int]] = {}
    for chat in chats:
        reader = readers.get(chat)
        by_language.setdefault((reader.locale if reader else None) or locale, []).append(chat)
    first: int | None = None
    for language, group in sorted(by_language.items()):
        with in_locale(language):  # the drawn sign's name too: «Acuario», «Aquarius»
            when = Formatter.for_reader(language, catalog).clock(draw_at, lottery.timezone)
            text = gettext("🎯 <b>{lottery}</b> {time}: {result}", language).format(
                lottery=escape(lottery.name), time=when,
                result=escape(result_text(lottery, values)))
            image = await day_image(session, catalog, lottery, draw_at, language)
        queued = await enqueue(
            session, kind=BroadcastKind.RESULTS, text=text, chat_ids=group, now=now,
            image=image, key=f"results:{lottery.id}:{draw_at.isoformat()}:{revision}:{language}",
            audience_info={"lottery": lottery.id, "language": language},
        )
        first = queued if first is None else first
    return first


async def day_image(
    session: AsyncSession, catalog: Catalog, lottery: Lottery, draw_at: datetime, locale: str
) -> bytes:
    """The lottery's results so far that day, the new one in bold."""
    fmt = Formatter.for_reader(locale, catalog)
    day = draw_at.astimezone(lottery.timezone).date()
    results = await results_on(session, day, lottery.id)
    rows = [(fmt.clock(r.draw, lottery.timezone), result_text(lottery, r.values))
            for r in results]
    latest = next((i for i, r in enumerate(results) if r.draw == draw_at), None)
    subtitle = fmt.date(day)
    title = gettext("Results of {lottery}", locale).format(lottery=lottery.name)
    return await pictures.draw(render_results_png, title, subtitle, rows, latest=latest)
