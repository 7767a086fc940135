"""The split button of a big order's preview: sell the whole order as several tickets.

Each ticket is confirmed on its own reference (``services.order_split``), one after the other, so
a ticket is sold at most once whatever happens: a double tap finds the plan gone (the chat's
updates are handled one at a time), a press again after a restart that cut the sale short sells
only the tickets not sold yet, and the preview's Confirm shares the first ticket's reference.
The plan and the buttons stay until every ticket was tried.

Every sold ticket is delivered as any sale's (its picture and text, through the outbox, which
keeps its PIN until it arrives): each is a separate ticket the customer keeps, forwards or
claims a prize with, by its own serial and PIN. The bot's limiter spaces them at Telegram's one
message a second per chat; a closing message lists them all with the total.
"""

from __future__ import annotations

from typing import Any, cast

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.callbacks import SplitButton
from handlers.filters import buttons
from handlers.order_buttons import selling
from handlers.sale_view import SPLIT_KEY, close_preview, order_places
from presentation import sale_text
from presentation.formatting import Formatter
from presentation.preview_summary import (
    SoldTicket,
    split_outcome,
    split_refusal,
)
from providers.base import Capability
from services.delivery import deliver_ticket
from services.long_text import send_text
from services.order_split import SplitPlan
from services.sales import Outcome, confirm_sale
from services.tickets import ticket_by_reference
from storage.models import User


def _current_plan(data: dict[str, Any], reference: str, app: AppContext) -> SplitPlan | None:
    stored = data.get(SPLIT_KEY)
    if not stored or data.get("draft", {}).get("reference") != reference:
        return None
    return SplitPlan.from_data(stored, app.catalog)


async def on_split(
    query: CallbackQuery, callback_data: SplitButton, state: FSMContext, session: AsyncSession,
    user: User, app: AppContext,
) -> None:
    data = await state.get_data()
    plan = _current_plan(data, callback_data.reference, app)
    if plan is None:
        sold = await ticket_by_reference(session, callback_data.reference)
        await query.answer(sale_text.stale_preview(sold), show_alert=True)
        return
    await query.answer()
    bot = cast(Bot, query.bot)
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    fmt = Formatter.for_reader(user.locale, app.catalog)
    sold: list[SoldTicket] = []
    other: list[str] = []
    places = order_places(data)
    for number, draft in enumerate(plan.drafts, start=1):
        result = await confirm_sale(
            session, provider=app.provider, catalog=app.catalog, user=user, draft=draft,
            now=app.clock(), pins=app.pins, lease=app.outbox_lease,
        )
        if result.outcome is Outcome.REFUSED:
            other.append(split_refusal(number, sale_text.refusal(result, app.catalog, user,
                                                                 places)))
            continue
        if result.outcome is Outcome.PENDING:
            other.append(sale_text.pending(result))
            continue
        assert result.ticket is not None
        sold.append(SoldTicket(result.ticket.serial, len(draft.wagers), draft.total))
        if result.outcome is Outcome.SOLD:
            assert result.delivery is not None
            await deliver_ticket(session, bot, app, row_id=result.delivery,
                                 ticket=result.ticket, user=user, pin=result.pin,
                                 now=app.clock())
    # every ticket tried: the plan is spent; the order is remembered as sold (an edit of one of
    # its messages is answered with its first ticket)
    await state.set_state(None)
    await state.set_data(selling(data, plan.drafts[0]))
    await close_preview(query)
    await send_text(bot, chat_id, split_outcome(sold, other, fmt))


def make_router(offers: frozenset[Capability]) -> Router:
    router = buttons(Router(name="sale_split"), "split:")
    if Capability.SELLS_PLAYS in offers:
        router.callback_query.register(on_split, SplitButton.filter())
    return router
