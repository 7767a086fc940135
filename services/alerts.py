"""Alerts to the banca, in the chat it chose (/alertas aquí): a ticket above an amount, a number
past a share of its tope on a draw, a corrected result, a cancel in the last minute before a
draw closes, a lottery system down for minutes, a top-up waiting for a decision.

Each goes through the broadcast queue (Telegram's limits, retries, a restart resumes it) as one
personal text to that chat, queued in the transaction that decided it, under a key per kind and
draw and number: the queue's key makes a second alert of the same kind on the same draw and
number a no-op, so the chat never gets one twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog, Lottery
from lottery.controls import Controls, Kind, LiveControls
from lottery.i18n import N_
from lottery.plays import Wager as Play
from lottery.plays import messages as M
from presentation.formatting import Formatter
from providers.house.controls_check import layered_cap
from providers.house.rules import cap_minor
from services.broadcast.queue import enqueue_personal
from services.results import result_text
from storage.models import BroadcastKind, Ticket
from storage.repositories.controls import refresh
from storage.repositories.draw_rows import sold_totals

BIG_TICKET = N_("🔔 Ticket {serial}: {amount} ({wagers} plays), above the {limit} alert.")
HOT_NUMBER = N_("🔔 {number} ({game}) on {lottery} {time} has sold {sold}, {share} of its tope "
                "of {cap}.")
CORRECTED = N_("🔔 The result of {lottery} {time} was corrected: {before} → {after}.")
LATE_CANCEL = N_("🔔 Ticket {serial} ({amount}) was cancelled at {at}, in the last "
                 "minute before {lottery} {time} closed.")
PROVIDER_DOWN = N_("🔔 The lottery system {name} has not answered since {since}.")
PROVIDER_BACK = N_("✅ The lottery system {name} answers again (it had not answered since "
                   "{since}).")
TOPUP_WAITING = N_("🔔 A top-up of {amount} from {who} waits for a decision.")
WITHDRAWAL_WAITING = N_("🔔 A withdrawal of {amount} by {who} waits to be paid.")

LATE = timedelta(minutes=1)


def _money(catalog: Catalog, minor: int, currency: str) -> str:
    """Amounts as everywhere else in the chat (the one money formatter), in the banca's
    language: an alert goes to a chat, not to one reader."""
    return Formatter.for_reader(_language(catalog), catalog).minor(minor, currency)


def _language(catalog: Catalog) -> str:
    return catalog.locale.split("_")[0]


async def send(session: AsyncSession, controls: Controls, catalog: Catalog, key: str,
               msgid: str, params: Mapping[str, Any], now: datetime) -> bool:
    """Queue one alert to the banca's chat; False when it has none (or this key went out)."""
    chat = controls.setting(Kind.ALERT_CHAT)
    if chat is None:
        return False
    text = M.render_message(msgid, params, _language(catalog))
    await enqueue_personal(session, messages={chat: text}, now=now, kind=BroadcastKind.PERSONAL,
                           key=f"alert:{key}"[:128], audience_info={"alert": key})
    return True


async def after_sale(session: AsyncSession, live: LiveControls | None, ticket: Ticket,
                     now: datetime) -> None:
    """A big ticket, and the numbers it took past the alert's share of their tope (the
    controls were read in this transaction: no query unless an alert is set)."""
    if live is None:
        return
    controls, catalog = live.controls, live.catalog
    if controls.setting(Kind.ALERT_CHAT) is None:
        return
    limit = controls.setting(Kind.ALERT_TICKET)
    if limit is not None and ticket.total > limit:
        await send(session, controls, catalog, f"ticket:{ticket.serial}", BIG_TICKET, {
            "serial": ticket.serial, "amount": _money(catalog, ticket.total, ticket.currency),
            "wagers": str(len(ticket.wagers)),
            "limit": _money(catalog, limit, ticket.currency)}, now)
    share = controls.setting(Kind.ALERT_EXPOSURE)
    if share is not None:
        await _hot_numbers(session, controls, catalog, ticket, share, now)


async def _hot_numbers(session: AsyncSession, controls: Controls, catalog: Catalog,
                       ticket: Ticket, share: int, now: datetime) -> None:
    draw_ids = {(w.lottery_id, w.draw.draw_at): w.draw_id for w in ticket.wagers}
    totals = await sold_totals(session, draw_ids, {w.number for w in ticket.wagers})
    for w in ticket.wagers:
        lottery = catalog.get_lottery(w.lottery_id)
        if lottery is None:
            continue
        at = w.draw.draw_at.astimezone(lottery.timezone)
        sold = totals.get((w.lottery_id, w.draw.draw_at, w.game, w.number, w.sign or ""), 0)
        play = Play(w.lottery_id, at, w.game, w.number, w.sign, Decimal(0))
        cap = layered_cap(catalog, controls, play, cap_minor(catalog, lottery, w.game))
        if cap <= 0 or sold * 100 < share * cap:
            continue
        await send(session, controls, catalog,
                   f"hot:{w.draw_id}:{w.game}:{w.number}:{w.sign or ''}", HOT_NUMBER, {
                       "number": w.number, "game": M.Game(w.game), "lottery": lottery.name,
                       "time": M.When(at, at.date()),
                       "sold": _money(catalog, sold, ticket.currency),
                       "share": f"{sold * 100 // cap} %",
                       "cap": _money(catalog, cap, ticket.currency)}, now)


async def _controls(session: AsyncSession, catalog: Catalog) -> Controls:
    """For the rare events (a correction, a cancel): read from the database."""
    return await refresh(session, LiveControls(catalog), force=True)


async def result_corrected(session: AsyncSession, catalog: Catalog, draw_id: int,
                           lottery: Lottery, when: datetime, before: Mapping[str, str],
                           after: Mapping[str, str], now: datetime) -> None:
    """At most one alert per draw, however many times it is corrected."""
    await send(session, await _controls(session, catalog), catalog, f"corrected:{draw_id}",
               CORRECTED, {"lottery": lottery.name, "time": M.When(when, when.date()),
                           "before": result_text(lottery, before),
                           "after": result_text(lottery, after)}, now)


async def cancelled(session: AsyncSession, catalog: Catalog, ticket: Ticket, closes: datetime,
                    now: datetime) -> None:
    """A cancel in the last minute before the ticket's first draw closes."""
    if not closes - LATE <= now < closes:
        return
    first = min(ticket.wagers, key=lambda w: w.draw.draw_at)
    lottery = catalog.get_lottery(first.lottery_id)
    zone = lottery.timezone if lottery else catalog.timezone
    at = first.draw.draw_at.astimezone(zone)
    await send(session, await _controls(session, catalog), catalog,
               f"late_cancel:{ticket.serial}", LATE_CANCEL, {
                   "serial": ticket.serial,
                   "amount": _money(catalog, ticket.total, ticket.currency),
                   "at": now.astimezone(zone),
                   "lottery": lottery.name if lottery else first.lottery_id,
                   "time": M.When(at, at.date())}, now)


async def provider_down(session: AsyncSession, catalog: Catalog, name: str, since: datetime,
                        now: datetime) -> bool:
    """A lottery system that stopped answering at ``since`` (``services.provider_watch``): the
    key holds ``since``, so one alert per outage."""
    return await send(session, await _controls(session, catalog), catalog,
                      f"down:{name}:{since.isoformat()}", PROVIDER_DOWN,
                      {"name": name, "since": since.astimezone(catalog.timezone)}, now)


async def provider_back(session: AsyncSession, catalog: Catalog, name: str, since: datetime,
                        now: datetime) -> bool:
    """The same lottery system answers again (once per outage)."""
    return await send(session, await _controls(session, catalog), catalog,
                      f"up:{name}:{since.isoformat()}", PROVIDER_BACK,
                      {"name": name, "since": since.astimezone(catalog.timezone)}, now)


async def money_waiting(session: AsyncSession, catalog: Catalog, key: str, who: str,
                        amount: int, currency: str, now: datetime, *,
                        withdrawal: bool = False) -> None:
    """A top-up request (or with ``withdrawal``, a withdrawal) waiting for the banca; ``key``
    names the request, so it is alerted once."""
    await send(session, await _controls(session, catalog), catalog, f"money:{key}",
               WITHDRAWAL_WAITING if withdrawal else TOPUP_WAITING,
               {"amount": _money(catalog, amount, currency), "who": who}, now)
