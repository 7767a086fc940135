"""The sales conversation: plays text → preview with buttons → confirm → ticket (text + image).

While a preview is open its ticket is an order being built (``services.order``): a new message
with plays adds to it, an edit of one of its messages reads that message again, and the person
always has one current preview (``handlers.sale_view``). Each change sends a new preview (at the
bottom of the chat, next to the message that changed it, where an edit of a preview far above
would go unseen) and takes the buttons off the previous one, whose reference is then stale.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.callbacks import SaleAction, SaleButton
from handlers.filters import PLAIN_TEXT, buttons
from handlers.order_buttons import (
    answer_stale,
    edited_after_sale,
    offer_after_closed,
    on_correct,
    on_move,
    selling,
    sold_ticket,
)
from handlers.sale_view import (
    Sale,
    answer,
    close_preview,
    current_draft,
    forget_order,
    open_order,
    order_places,
    plays_text,
    show_order,
)
from lottery.i18n import _
from lottery.render import render_wagers
from presentation import order_replies, sale_text
from presentation.telegram_text import MAX_TEXT
from providers.base import BooksInTransaction, Capability, ProviderError
from services.delivery import deliver_ticket
from services.draft import SaleDraft
from services.order import Order, Reading, Source, preview_order
from services.sales import Outcome, Preview, confirm_sale
from services.tickets import ticket_text, ticket_view
from storage.models import User

log = logging.getLogger(__name__)
__all__ = ["Sale", "make_router", "show_preview"]


async def on_plays(
    message: Message, state: FSMContext, session: AsyncSession, user: User, app: AppContext
) -> None:
    text = plays_text(message)
    if len(text) > MAX_TEXT:
        await message.answer(_("That message is too long; send at most 4096 characters."))
        return
    data = await state.get_data()
    order = open_order(data)
    source = Source(message.message_id, text, app.clock(), user.last_lottery_id)
    grown = order.add(source) if order is not None else Order((source,))
    if (read := await _read(message, session, user, app, grown)) is None:
        return
    preview, reading = read
    if order is not None and not order.replace_next and reading.per_source[-1] == (0, 0):
        await message.answer(order_replies.nothing_added())  # "ok", "gracias", an emoji
        return
    await show_order(session, cast(Bot, message.bot), message.chat.id, state, data, preview,
                     grown, app, user)


async def _read(
    message: Message, session: AsyncSession, user: User, app: AppContext, order: Order
) -> tuple[Preview, Reading] | None:
    """The order's preview; None when the lottery system could not be asked (said to them)."""
    try:
        return await preview_order(
            session, provider=app.provider, catalog=app.catalog, user=user, order=order,
            now=app.clock(), market=app.market_catalog,
        )
    except ProviderError as exc:
        await message.answer(sale_text.provider_error(exc.code))
        return None


async def on_edited(
    message: Message, state: FSMContext, session: AsyncSession, user: User, app: AppContext
) -> None:
    """An edit of a message of the open ticket reads it again, as does one of the last message
    nothing of which could be sold; one of a sold ticket is answered with that ticket (a sold
    ticket never changes); any other edit is not about a sale."""
    data = await state.get_data()
    order, text, now = open_order(data), plays_text(message), app.clock()
    bot = cast(Bot, message.bot)
    if order is not None and order.holds(message.message_id):
        edited = order.edit(message.message_id, text, now)
    elif message.message_id in data.get("unread", ()):
        # nothing of it could be sold: its fix is read as a new message would be
        source = Source(message.message_id, text, now, user.last_lottery_id)
        edited = order.add(source) if order is not None else Order((source,))
    else:
        sold = await sold_ticket(session, data, message_id=message.message_id)
        if sold is not None:
            await edited_after_sale(bot, message.chat.id, sold)
        return
    if len(text) > MAX_TEXT:
        await message.answer(_("That message is too long; send at most 4096 characters."))
        return
    if (read := await _read(message, session, user, app, edited)) is None:
        return
    await show_order(session, bot, message.chat.id, state, data, read[0], edited, app, user,
                     note=order_replies.edited_note())


async def plays_not_sold(message: Message) -> None:
    """Free text where the provider sells betcards only."""
    await message.answer(_("Here only jackpot tickets are sold: send /jackpot to buy one."))


async def show_preview(
    message: Message, state: FSMContext, session: AsyncSession, preview: Preview,
    app: AppContext, user: User,
) -> None:
    """A preview of wagers that come from no message (Repetir): an open ticket of its own,
    written as the plays text that reads back to them, so that messages can add to it."""
    data = await state.get_data()
    order = None
    if preview.draft is not None:
        now = app.clock()
        text = render_wagers(preview.draft.wagers, app.catalog, now)
        order = Order((Source(0, text, now, user.last_lottery_id),))
    await show_order(session, cast(Bot, message.bot), message.chat.id, state, data, preview,
                     order, app, user)


async def on_confirm(
    query: CallbackQuery, callback_data: SaleButton, state: FSMContext, session: AsyncSession,
    user: User, app: AppContext,
) -> None:
    data = await state.get_data()
    draft = current_draft(data, callback_data.reference, app)
    if draft is None:
        await answer_stale(query, data, callback_data.reference, session)
        return
    await query.answer()
    await close_preview(query)
    await sell(query, state, session, user, app, data, draft)


async def sell(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, user: User,
    app: AppContext, data: dict[str, Any], draft: SaleDraft,
) -> None:
    """Confirm ``draft``: once, whatever the taps; a draw found closed offers the ways on."""
    if not isinstance(app.provider, BooksInTransaction):  # a remote system: it takes a moment
        await answer(query, _("⏳ Confirming with the provider…"))
    # one confirm per preview, and the order remembered as sold: written with the sale
    await state.set_state(None)
    await state.set_data(selling(data, draft))
    result = await confirm_sale(
        session,
        provider=app.provider,
        catalog=app.catalog,
        user=user,
        draft=draft,
        now=app.clock(),
        pins=app.pins,
        lease=app.outbox_lease,
    )
    if result.outcome is Outcome.REFUSED:
        if not await offer_after_closed(query, state, data, draft, result, app, user):
            await forget_order(state, data)
            await answer(query, sale_text.refusal(result, app.catalog, user,
                                                  order_places(data)))
        return
    assert result.ticket is not None
    if result.outcome is Outcome.PENDING:
        await answer(query, sale_text.pending(result))
        return
    if result.outcome is Outcome.ALREADY_SOLD:
        view = ticket_view(result.ticket, app.catalog, brand=app.settings.brand_name)
        text = ticket_text(view, user)
        await answer(query, sale_text.stale_preview(result.ticket) + "\n\n" + text)
        return
    assert result.delivery is not None
    await deliver_ticket(session, cast(Bot, query.bot), app, row_id=result.delivery,
                         ticket=result.ticket, user=user, pin=result.pin, now=app.clock())


async def on_sell_open(
    query: CallbackQuery, callback_data: SaleButton, state: FSMContext, session: AsyncSession,
    user: User, app: AppContext,
) -> None:
    """Sell the plays a refused confirm found still open (one tap: their total is on it)."""
    data = await state.get_data()
    offer = data.get("offer") or {}
    if current_draft(data, callback_data.reference, app) is None or not offer.get("open"):
        await answer_stale(query, data, callback_data.reference, session)
        return
    await query.answer()
    await close_preview(query)
    await sell(query, state, session, user, app, data,
               SaleDraft.from_data(offer["open"], app.catalog))


async def on_cancel(
    query: CallbackQuery, callback_data: SaleButton, state: FSMContext, app: AppContext
) -> None:
    data = await state.get_data()
    draft = current_draft(data, callback_data.reference, app)
    await query.answer()
    if draft is None:
        return
    await forget_order(state, data)
    await close_preview(query)
    await answer(query, _("✖️ Cancelled: nothing was sold."))


def make_router(offers: frozenset[Capability]) -> Router:
    """Free text is plays where the provider sells them."""
    router = buttons(Router(name="sales"), "sale:")
    for handler, action in ((on_confirm, SaleAction.CONFIRM), (on_correct, SaleAction.CORRECT),
                            (on_cancel, SaleAction.CANCEL), (on_sell_open, SaleAction.SELL_OPEN),
                            (on_move, SaleAction.MOVE)):
        router.callback_query.register(handler, SaleButton.filter(F.action == action))
    if Capability.SELLS_PLAYS in offers:
        router.message.register(on_plays, PLAIN_TEXT)
        router.edited_message.register(on_edited, PLAIN_TEXT)
    else:
        router.message.register(plays_not_sold, PLAIN_TEXT)
    return router
