"""The sales conversation: plays text → preview with buttons → confirm → ticket (text + image)."""

from __future__ import annotations

import logging
from typing import cast

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.callbacks import SaleAction, SaleButton
from handlers.filters import PLAIN_TEXT, buttons
from lottery.i18n import _
from lottery.render import render_wagers
from presentation import sale_text
from presentation.formatting import Formatter
from presentation.telegram_text import MAX_TEXT
from providers.base import BooksInTransaction, Capability, ProviderError
from services.delivery import deliver_ticket
from services.draft import SaleDraft
from services.fit import fitted_draft
from services.long_text import send_text
from services.sales import Outcome, Preview, confirm_sale, prepare_sale
from services.tickets import ticket_by_reference, ticket_text, ticket_view
from storage.models import User

log = logging.getLogger(__name__)


class Sale(StatesGroup):
    preview = State()


def _button(text: str, action: SaleAction, reference: str) -> InlineKeyboardButton:
    data = SaleButton(action=action, reference=reference).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def _keyboard(preview: Preview, fit: SaleDraft | None, fit_text: str) -> InlineKeyboardMarkup:
    """No Confirm button when the buyer cannot pay: it could only be refused. ``fit``: the
    ticket cut to the topes, sold by its own Confirm button."""
    rows = []
    draft = preview.draft
    reference = draft.reference if draft is not None else cast(SaleDraft, fit).reference
    buttons = []
    if draft is not None and preview.shortfall is None:
        buttons.append(_button(_("✅ Confirm"), SaleAction.CONFIRM, reference))
    if draft is not None:
        buttons.append(_button(_("✏️ Correct"), SaleAction.CORRECT, reference))
    buttons.append(_button(_("✖️ Cancel"), SaleAction.CANCEL, reference))
    if fit is not None:
        rows.append([_button(fit_text, SaleAction.CONFIRM, fit.reference)])
    return InlineKeyboardMarkup(inline_keyboard=[buttons, *rows])


async def on_plays(
    message: Message, state: FSMContext, session: AsyncSession, user: User, app: AppContext
) -> None:
    text = message.text or ""
    if len(text) > MAX_TEXT:
        await message.answer(_("That message is too long; send at most 4096 characters."))
        return
    try:
        preview = await prepare_sale(
            session,
            provider=app.provider,
            catalog=app.catalog,
            user=user,
            text=text,
            now=app.clock(),
            market=app.market_catalog,
        )
    except ProviderError as exc:
        await message.answer(sale_text.provider_error(exc.code))
        return
    await show_preview(message, state, preview, app, user)


async def plays_not_sold(message: Message) -> None:
    """Free text where the provider sells betcards only."""
    await message.answer(_("Here only jackpot tickets are sold: send /jackpot to buy one."))


async def show_preview(
    message: Message, state: FSMContext, preview: Preview, app: AppContext, user: User
) -> None:
    """Answers with the preview and keeps its draft in FSM storage until confirm or cancel."""
    body = sale_text.render_preview(preview, app.catalog, user)
    bot, chat_id = cast(Bot, message.bot), message.chat.id
    fit = fitted_draft(preview, app.catalog)
    if preview.draft is None and fit is None:
        await state.clear()
        await send_text(bot, chat_id, body)
        return
    fit_text = ""
    if fit is not None:
        fmt = Formatter.for_reader(user.locale, app.catalog)
        body += "\n\n" + sale_text.fit_offer(fit, app.catalog, fmt)
        fit_text = sale_text.fit_button_text(fit, fmt)
    sent = await send_text(bot, chat_id, body, _keyboard(preview, fit, fit_text))
    await state.set_state(Sale.preview)
    data: dict[str, object] = {"message_id": sent.message_id}
    if preview.draft is not None:
        data["draft"] = preview.draft.to_data()
    if fit is not None:
        data["fit"] = fit.to_data()
    await state.set_data(data)


async def _current_draft(state: FSMContext, reference: str, app: AppContext) -> SaleDraft | None:
    """The preview's draft, or the one cut to the topes, whichever ``reference`` names."""
    data = await state.get_data()
    for key in ("draft", "fit"):
        if key in data and data[key]["reference"] == reference:
            return SaleDraft.from_data(data[key], app.catalog)
    return None


async def on_confirm(
    query: CallbackQuery, callback_data: SaleButton, state: FSMContext, session: AsyncSession,
    user: User, app: AppContext,
) -> None:
    reference = callback_data.reference
    draft = await _current_draft(state, reference, app)
    if draft is None:
        sold = await ticket_by_reference(session, reference)
        await query.answer(sale_text.stale_preview(sold), show_alert=True)
        return
    await query.answer()
    await _close_preview(query)
    if not isinstance(app.provider, BooksInTransaction):  # a remote system: it takes a moment
        await _answer(query, _("⏳ Confirming with the provider…"))
    await state.clear()  # one confirm per preview; written with the sale, kept if it is refused
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
        await _answer(query, sale_text.refusal(result, app.catalog, user))
        return
    if result.outcome is Outcome.PENDING:
        await _answer(query, sale_text.pending(result))
        return
    assert result.ticket is not None
    if result.outcome is Outcome.ALREADY_SOLD:
        view = ticket_view(result.ticket, app.catalog, brand=app.settings.brand_name)
        text = ticket_text(view, user)
        await _answer(query, sale_text.stale_preview(result.ticket) + "\n\n" + text)
        return
    assert result.delivery is not None
    await deliver_ticket(session, cast(Bot, query.bot), app, row_id=result.delivery,
                         ticket=result.ticket, user=user, pin=result.pin, now=app.clock())


async def _close_preview(query: CallbackQuery) -> None:
    """Remove the buttons so an old preview cannot be pressed again; cosmetic if it fails."""
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_reply_markup(reply_markup=None)
    except Exception:
        log.warning("could not remove the preview buttons", exc_info=True)


async def _answer(query: CallbackQuery, text: str) -> None:
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    await send_text(cast(Bot, query.bot), chat_id, text)


async def on_correct(
    query: CallbackQuery, callback_data: SaleButton, state: FSMContext, app: AppContext
) -> None:
    draft = await _current_draft(state, callback_data.reference, app)
    await query.answer()
    if draft is None:
        return
    await _answer(
        query, sale_text.correction_hint(render_wagers(draft.wagers, app.catalog, app.clock()))
    )


async def on_cancel(
    query: CallbackQuery, callback_data: SaleButton, state: FSMContext, app: AppContext
) -> None:
    draft = await _current_draft(state, callback_data.reference, app)
    await query.answer()
    if draft is None:
        return
    await state.clear()
    await _close_preview(query)
    await _answer(query, _("✖️ Cancelled: nothing was sold."))


def make_router(offers: frozenset[Capability]) -> Router:
    """Free text is plays where the provider sells them."""
    router = buttons(Router(name="sales"), "sale:")
    for handler, action in ((on_confirm, SaleAction.CONFIRM), (on_correct, SaleAction.CORRECT),
                            (on_cancel, SaleAction.CANCEL)):
        router.callback_query.register(handler, SaleButton.filter(F.action == action))
    router.message.register(
        on_plays if Capability.SELLS_PLAYS in offers else plays_not_sold, PLAIN_TEXT)
    return router
