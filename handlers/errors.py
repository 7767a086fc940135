"""The last word when handling an update fails unexpectedly (a bug, the database gone).

By then the update's unit of work has been rolled back. The person still hears that their
request was not finished and what to do: a buyer is sent to /tickets, because a ticket that
was sold before the failure is there. The failure is logged with its update id. This must not
fail in turn, so it asks nothing of the database it cannot do without.

When the failure is Redis not answering (``REDIS_URL``: the update's lock, its state, the
shared send limiter), every update fails alike until it is back: the person is told the
system is busy and to try again in a minute, the outage is logged once (not once per update),
and the answer is sent around the shared limiter, which lives in that same Redis.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent

from bot.context import AppContext
from lottery.i18n import _, in_locale
from services.broadcast.middleware import local_limiter_only
from services.users import saved_locale
from storage.redis_health import RedisUnavailable, outage_cause, redis_outage

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, bot: Bot, app: AppContext) -> None:
    update = event.update
    outage = outage_cause(event.exception)
    if outage is not None:
        redis_outage.went_down(outage)
    else:
        log.error("update failed", extra={"update_id": update.update_id},
                  exc_info=event.exception)
    query = update.callback_query
    message = update.message or update.edited_message or (query.message if query else None)
    person = query.from_user if query else (message.from_user if message else None)
    if query is not None:  # stop the button's spinner; it may have been answered already
        with suppress(TelegramAPIError):
            await query.answer()
    chat_id = message.chat.id if message is not None else person.id if person else None
    if chat_id is None:
        return
    locale = app.settings.default_locale
    if person is not None:
        try:
            locale = await saved_locale(app.sessionmaker, person.id) or locale
        except Exception:
            log.warning("no language for the apology; the default is used", exc_info=True)
    with in_locale(locale):
        text = _apology(outage)
    try:
        if outage is None and not redis_outage.down:
            await bot.send_message(chat_id, text)
        else:
            with local_limiter_only():
                await bot.send_message(chat_id, text)
    except TelegramAPIError:
        log.warning("the apology could not be sent", extra={"chat_id": chat_id}, exc_info=True)


def _apology(outage: BaseException | None) -> str:
    """What to tell the person, in the current locale: busy when Redis is down (and whether
    anything may have been done), else the generic apology."""
    if isinstance(outage, RedisUnavailable):  # the update was not even started
        return _("⏳ The system is busy, try again in a minute.")
    if outage is not None:
        return _("⏳ The system is busy, try again in a minute. If you were buying, check "
                 "/tickets first: a ticket is never sold twice.")
    return _("⚠️ Something went wrong on our side and this could not be finished. "
             "If you were buying, check /tickets before trying again: a ticket is never "
             "sold twice.")


def make_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
