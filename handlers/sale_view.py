"""The open ticket's preview on screen: its buttons, the one current preview, the FSM data.

FSM data while a preview is open: ``draft`` (what Confirm sells, under its reference), ``order``
(its messages, ``services.order``), ``message_id`` (the current preview), ``split`` (a big
order as several tickets, ``handlers.sale_split``), ``fit`` (the ticket cut to what the topes
leave, sold by its own button), ``offer`` (after a confirm found a draw closed). ``sold`` (the
last orders sold: their messages, ticket and references) outlives the order, so an edit or a
double tap after the sale gets its ticket.
"""

from __future__ import annotations

import logging
import re
from typing import Any, cast

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.callbacks import SaleAction, SaleButton, SplitButton
from lottery.i18n import _
from presentation import order_replies, sale_text
from presentation.formatting import Formatter
from presentation.preview_summary import split_button_text
from services.draft import SaleDraft
from services.fit import fitted_draft
from services.line_places import ONE_MESSAGE, LinePlaces
from services.long_text import send_text
from services.order import Order
from services.order_split import SplitPlan, plan_split
from services.sales import Preview
from storage.models import User

log = logging.getLogger(__name__)

#: what Telegram puts before a message prefilled by a ``switch_inline_query_current_chat``
#: button (Corregir's «Edit here»): every bot's username ends in "bot"
_MENTION = re.compile(r"^\s*@\w*bot\s+", re.IGNORECASE)


SPLIT_KEY = "split"  # beside the preview's "draft": the order as several tickets


class Sale(StatesGroup):
    preview = State()


def button(text: str, action: SaleAction, reference: str) -> InlineKeyboardButton:
    data = SaleButton(action=action, reference=reference).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def _keyboard(preview: Preview, fit: SaleDraft | None, fmt: Formatter) -> InlineKeyboardMarkup:
    """No Confirm button when the buyer cannot pay: it could only be refused. ``fit``: the
    ticket cut to the topes, sold by its own Confirm button."""
    draft = preview.draft
    reference = draft.reference if draft is not None else cast(SaleDraft, fit).reference
    row = []
    if draft is not None and preview.shortfall is None:
        row.append(button(_("✅ Confirm"), SaleAction.CONFIRM, reference))
    if draft is not None:
        row.append(button(_("✏️ Correct"), SaleAction.CORRECT, reference))
    row.append(button(_("✖️ Cancel"), SaleAction.CANCEL, reference))
    rows = [row]
    if fit is not None:
        rows.append([button(sale_text.fit_button_text(fit, fmt), SaleAction.CONFIRM,
                            fit.reference)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _split_row(plan: SplitPlan, reference: str) -> list[InlineKeyboardButton]:
    """The preview's extra row when the split is offered (``reference``: the preview's)."""
    if not plan.offered:
        return []
    data = SplitButton(reference=reference).pack()
    return [InlineKeyboardButton(text=split_button_text(len(plan.drafts)), callback_data=data)]


def plays_text(message: Message) -> str:
    return _MENTION.sub("", message.text or "", count=1)


def open_order(data: dict[str, Any]) -> Order | None:
    return Order.from_data(data["order"]) if "order" in data and "draft" in data else None


def order_places(data: dict[str, Any]) -> LinePlaces:
    """Where the open order's lines are in the person's messages, for replies that name them."""
    order = open_order(data)
    return order.places() if order is not None else ONE_MESSAGE


async def show_order(
    session: AsyncSession, bot: Bot, chat_id: int, state: FSMContext, data: dict[str, Any],
    preview: Preview, order: Order | None, app: AppContext, user: User, note: str | None = None,
) -> None:
    """The current preview: sent anew, the previous one's buttons taken off; its draft, order
    and the offer to split a big order (``handlers.sale_split``) kept in FSM storage until
    confirm or cancel. With nothing to sell the order is closed."""
    split = await plan_split(session, provider=app.provider, catalog=app.catalog, user=user,
                             preview=preview, now=app.clock())
    body = sale_text.render_preview(preview, app.catalog, user, split)
    if order is not None and len(order.sources) > 1 and preview.draft is not None:
        body = order_replies.open_ticket_header(len(order.sources)) + "\n" + body
    if note:
        body = note + "\n\n" + body
    fit = fitted_draft(preview, app.catalog)
    fmt = Formatter.for_reader(user.locale, app.catalog)
    if fit is not None:
        body += "\n\n" + sale_text.fit_offer(fit, app.catalog, fmt)
    await retire_preview(bot, chat_id, data.get("message_id"))
    if preview.draft is None and fit is None:
        await forget_order(state, data, [s.message_id for s in order.sources] if order else None)
        await send_text(bot, chat_id, body)
        return
    keyboard = _keyboard(preview, fit, fmt)
    kept: dict[str, Any] = {}
    if preview.draft is not None:
        kept["draft"] = preview.draft.to_data()
        if split is not None and (row := _split_row(split, preview.draft.reference)):
            keyboard.inline_keyboard.append(row)
            kept[SPLIT_KEY] = split.to_data()
    if fit is not None:
        kept["fit"] = fit.to_data()
    sent = await send_text(bot, chat_id, body, keyboard)
    kept["message_id"] = sent.message_id
    if order is not None:
        kept["order"] = order.to_data()
    if "sold" in data:
        kept["sold"] = data["sold"]
    await state.set_state(Sale.preview)
    await state.set_data(kept)


async def retire_preview(bot: Bot, chat_id: int, message_id: int | None) -> None:
    """Take the buttons off an older preview; cosmetic if it fails (its reference is stale)."""
    if message_id is None:
        return
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id,
                                            reply_markup=None)
    except Exception:
        log.info("could not remove an old preview's buttons", exc_info=True)


async def forget_order(state: FSMContext, data: dict[str, Any],
                       unread: list[int] | None = None) -> None:
    """No open ticket any more; what was sold is still remembered, and ``unread``: messages
    nothing of which could be sold, whose edit is read again (``handlers.sales.on_edited``)."""
    kept: dict[str, Any] = {"sold": data["sold"]} if "sold" in data else {}
    if unread:
        kept["unread"] = unread
    await state.set_state(None)
    await state.set_data(kept)


def current_draft(data: dict[str, Any], reference: str, app: AppContext) -> SaleDraft | None:
    """The preview's draft, or the one cut to the topes, whichever ``reference`` names."""
    for key in ("draft", "fit"):
        if key in data and data[key]["reference"] == reference:
            return SaleDraft.from_data(data[key], app.catalog)
    return None


async def close_preview(query: CallbackQuery) -> None:
    """Remove the buttons so an old preview cannot be pressed again; cosmetic if it fails."""
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_reply_markup(reply_markup=None)
    except Exception:
        log.warning("could not remove the preview buttons", exc_info=True)


async def answer(query: CallbackQuery, text: str,
                 markup: InlineKeyboardMarkup | None = None) -> Message:
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    return await send_text(cast(Bot, query.bot), chat_id, text, markup)
