"""The open ticket's other ways on: Corregir, a confirm that found a draw closed (sell the plays
still open, or move the closed ones), and an edit of a message already sold."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, cast

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.callbacks import SaleAction, SaleButton, TicketAction, TicketButton
from handlers.sale_view import (
    Sale,
    answer,
    button,
    close_preview,
    current_draft,
    open_order,
    order_places,
    show_order,
)
from lottery.i18n import _
from lottery.render import render_wagers
from lottery.ticket_codes import format_serial
from presentation import order_replies, sale_text
from providers.base import ErrorCode, ProviderError
from services.correction import correction_text
from services.draft import SaleDraft, new_reference
from services.long_text import send_text
from services.order import SOLD_KEPT, preview_order, read_order
from services.sales import SaleResult
from services.tickets import ticket_by_reference
from storage.models import Ticket, User

log = logging.getLogger(__name__)

#: Telegram's limit on a ``switch_inline_query_current_chat`` query
INLINE_QUERY_MAX = 256


async def on_correct(
    query: CallbackQuery, callback_data: SaleButton, state: FSMContext, user: User,
    app: AppContext,
) -> None:
    """Every line of the order back, to copy and fix; the next message replaces the order."""
    data = await state.get_data()
    draft = current_draft(data, callback_data.reference, app)
    await query.answer()
    if draft is None:
        return
    order = open_order(data)
    now = app.clock()
    if order is None:  # a repeated ticket: no message of the person's behind it
        text, errors = render_wagers(draft.wagers, app.catalog, now), ()
    else:
        reading = read_order(order, app.catalog, user, app.market_catalog)
        text = correction_text(reading, app.catalog, now)
        errors = tuple((reading.lines[e.line - 1].strip() if 0 < e.line <= len(reading.lines)
                        else e.text, e) for e in reading.errors)
        await state.set_data({**data, "order": {**data["order"], "replace_next": True}})
    if 0 < len(text) <= INLINE_QUERY_MAX:
        markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=order_replies.edit_here_button(), switch_inline_query_current_chat=text)]])
        try:
            await answer(query, order_replies.correction(text, errors, True), markup)
            return
        except TelegramBadRequest:  # a bot whose inline mode is off may not send that button
            log.info("Corregir's «Edit here» button was refused", exc_info=True)
    await answer(query, order_replies.correction(text, errors, False))


async def offer_after_closed(
    query: CallbackQuery, state: FSMContext, data: dict[str, Any], draft: SaleDraft,
    result: SaleResult, app: AppContext, user: User,
) -> bool:
    """A confirm refused because draws closed sold nothing; offer, each behind one button, to
    sell the plays still open or to move the closed ones to their lottery's next draw (whose
    preview comes first). False when no draw was closed (the usual refusal is said)."""
    closed = sorted({(w.lottery, w.draw) for w, r in result.rejected
                     if r.code is ErrorCode.CLOSED_DRAW})
    if not closed:
        return False
    refused = {r.index for _w, r in result.rejected}
    still_open = tuple(w for i, w in enumerate(draft.wagers) if i not in refused)
    open_draft = SaleDraft(new_reference(), still_open, draft.currency,
                           draft.customer_name) if still_open else None
    rows = []
    if open_draft is not None:
        label = order_replies.sell_open_button(open_draft.total, app.catalog, user)
        rows.append([button(label, SaleAction.SELL_OPEN, draft.reference)])
    if "order" in data:
        rows.append([button(order_replies.move_button(), SaleAction.MOVE, draft.reference)])
    rows.append([button(_("✖️ Cancel"), SaleAction.CANCEL, draft.reference)])
    text = order_replies.closed_at_confirm(
        result.rejected, open_draft.total if open_draft else None, app.catalog, user,
        order_places(data))
    sent = await answer(query, text, InlineKeyboardMarkup(inline_keyboard=rows))
    offer = {"open": open_draft.to_data() if open_draft else None,
             "closed": [[lot, at.isoformat()] for lot, at in closed]}
    await state.set_state(Sale.preview)
    await state.set_data({**data, "message_id": sent.message_id, "offer": offer})
    return True


async def on_move(
    query: CallbackQuery, callback_data: SaleButton, state: FSMContext, session: AsyncSession,
    user: User, app: AppContext,
) -> None:
    """The closed draws' plays on their lottery's next draw: a new preview, not a sale."""
    data = await state.get_data()
    offer, order = data.get("offer") or {}, open_order(data)
    if (current_draft(data, callback_data.reference, app) is None or order is None
            or not offer.get("closed")):
        await answer_stale(query, data, callback_data.reference, session)
        return
    await query.answer()
    await close_preview(query)
    now = app.clock()
    closed = [(lot, datetime.fromisoformat(at)) for lot, at in offer["closed"]]
    moved, done = order.moved(closed, app.catalog, now)
    if not done:
        await answer(query, order_replies.nothing_to_move())
        return
    try:
        preview, _reading = await preview_order(
            session, provider=app.provider, catalog=app.catalog, user=user, order=moved,
            now=now, market=app.market_catalog)
    except ProviderError as exc:
        await answer(query, sale_text.provider_error(exc.code))
        return
    rest = {k: v for k, v in data.items() if k not in ("offer", "message_id")}
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    await show_order(session, cast(Bot, query.bot), chat_id, state, rest, preview, moved, app,
                     user, note=order_replies.moved_note(done, app.catalog, user))


async def sold_ticket(session: AsyncSession, data: dict[str, Any], *,
                      message_id: int | None = None, reference: str | None = None
                      ) -> Ticket | None:
    """The ticket sold from the order that held that message, or that was sold (or offered)
    under that reference."""
    for entry in data.get("sold", ()):
        if message_id in entry["messages"] or reference in entry["refs"]:
            return await ticket_by_reference(session, entry["refs"][0])
    return await ticket_by_reference(session, reference) if reference else None


def selling(data: dict[str, Any], draft: SaleDraft) -> dict[str, Any]:
    """The FSM data while ``draft`` is confirmed: no open ticket, and this order among the sold
    ones (its messages and references; the ticket is found by reference, so a refused confirm
    leaves nothing wrong), written with the sale's own commit rather than by one more."""
    order = data.get("order") or {}
    refs = [draft.reference, data.get("draft", {}).get("reference", "")]
    entry = {"messages": [s[0] for s in order.get("sources", ())],
             "refs": [r for r in dict.fromkeys(refs) if r]}
    return {"sold": [entry, *data.get("sold", ())][:SOLD_KEPT]}


async def answer_stale(query: CallbackQuery, data: dict[str, Any], reference: str,
                       session: AsyncSession) -> None:
    """A button of a preview that is not the current one: sold, grown past, or gone."""
    sold = await sold_ticket(session, data, reference=reference)
    if sold is None and "draft" in data:
        await query.answer(order_replies.changed_preview(), show_alert=True)
        return
    await query.answer(sale_text.stale_preview(sold), show_alert=True)


async def edited_after_sale(bot: Bot, chat_id: int, ticket: Ticket) -> None:
    serial = format_serial(ticket.serial)
    cancel = TicketButton(action=TicketAction.CANCEL, ticket=ticket.id).pack()
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=order_replies.cancel_ticket_button(serial), callback_data=cancel)]])
    await send_text(bot, chat_id, order_replies.edited_after_sale(serial), markup)
