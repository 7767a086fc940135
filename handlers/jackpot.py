"""/jackpot: betcard → one outcome per event → price → summary → confirm (services/jackpot.py).

The questions edit one message in place (the chat stays short); the summary and the ticket are
messages of their own, like a lottery sale's preview and ticket. Progress lives in FSM data, so a
restart in the middle of a selection loses nothing.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import cast

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.callbacks import (
    JackpotBet,
    JackpotCard,
    JackpotLines,
    JackpotNav,
    JackpotSummaryButton,
)
from handlers.commands import CommandSpec, register
from handlers.filters import PLAIN_TEXT, buttons
from lottery.i18n import N_, _
from presentation import jackpot_text as jt
from presentation import sale_text
from presentation.formatting import Formatter
from providers.base import Capability, ProviderError
from providers.jackpot import Betcard, JackpotProvider
from services import jackpot as jp
from services.delivery import deliver_text
from services.tickets import ticket_by_reference
from storage.models import User

log = logging.getLogger(__name__)

KEY = "jackpot"


class JackpotFlow(StatesGroup):
    picking = State()
    price = State()
    summary = State()


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def _nav_row() -> list[InlineKeyboardButton]:
    return [_button(_("⬅️ Back"), JackpotNav(step="back").pack()),
            _button(_("✖️ Cancel"), JackpotNav(step="quit").pack())]


def _card_data(card: Betcard) -> str | None:
    """The betcard's button data; None when its code cannot be one (over 64 bytes, a ":")."""
    try:
        return JackpotCard(code=card.code).pack()
    except ValueError:
        return None


def _cards_keyboard(cards: list[Betcard], app: AppContext, user: User) -> InlineKeyboardMarkup:
    rows = [[_button(jt.card_button(c, app.catalog, user), data)]
            for c in cards if (data := _card_data(c)) is not None]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _event_keyboard(card: Betcard, picking: jp.Picking, app: AppContext, user: User
                    ) -> InlineKeyboardMarkup:
    event = picking.next_event(card)
    assert event is not None
    buttons = [_button(jt.bet_button(b.name, b.odds, app.catalog, user),
                       JackpotBet(event=event.id, bet=b.id).pack()) for b in event.bets]
    rows = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, _nav_row()])


def _price_keyboard(card: Betcard, provider: JackpotProvider, app: AppContext, user: User
                    ) -> InlineKeyboardMarkup:
    fmt = Formatter.for_reader(user.locale, app.catalog)
    quick = [_button(fmt.money(price, provider.currency),
                     JackpotLines(lines=n).pack()) for n, price in jp.quick_prices(card)]
    return InlineKeyboardMarkup(inline_keyboard=[quick[:2], quick[2:], _nav_row()])


def _summary_keyboard(summary: jp.Summary, user: User) -> InlineKeyboardMarkup:
    """No Confirm button when the buyer cannot pay: it could only be refused."""
    buttons = []
    if jp.can_confirm(user, summary):
        buttons.append(_button(_("✅ Confirm"), JackpotSummaryButton(
            step="ok", reference=summary.reference).pack()))
    buttons.append(_button(_("✖️ Cancel"), JackpotSummaryButton(
        step="no", reference=summary.reference).pack()))
    return InlineKeyboardMarkup(inline_keyboard=[buttons])


async def _show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the question in place; a message that cannot be edited gets a new one instead."""
    if isinstance(query.message, Message):
        try:
            await query.message.edit_text(text, reply_markup=markup)
            return
        except Exception:
            log.info("could not edit the jackpot message; sending a new one", exc_info=True)
    await _send(query, text, markup)


async def _send(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
                ) -> Message:
    if isinstance(query.message, Message):
        return await query.message.answer(text, reply_markup=markup)
    return await query.bot.send_message(  # type: ignore[union-attr]
        query.from_user.id, text, reply_markup=markup)


async def _drop_buttons(query: CallbackQuery) -> None:
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except Exception:
            log.warning("could not remove the jackpot buttons", exc_info=True)


def _provider(app: AppContext) -> JackpotProvider | None:
    return jp.jackpot_of(app.provider)


async def _picking(state: FSMContext) -> jp.Picking | None:
    data = (await state.get_data()).get(KEY) or {}
    return jp.Picking.from_data(data["picking"]) if "picking" in data else None


async def _current(
    query: CallbackQuery, state: FSMContext, app: AppContext, step: State | None
) -> tuple[JackpotProvider, jp.Picking] | None:
    """The selection a button belongs to, when it is still the one in progress (at ``step``,
    if given); otherwise the player is told and None comes back."""
    provider = _provider(app)
    picking = await _picking(state)
    if provider is None or picking is None or (
        step is not None and await state.get_state() != step.state
    ):
        await query.answer(_("This question is no longer current. /jackpot starts again."),
                           show_alert=True)
        return None
    return provider, picking


async def _summary(state: FSMContext, reference: str) -> jp.Summary | None:
    data = (await state.get_data()).get(KEY) or {}
    if "summary" not in data or data["summary"].get("reference") != reference:
        return None
    return jp.Summary.from_data(data["summary"])


async def _open_card(query: CallbackQuery, provider: JackpotProvider, code: str, app: AppContext,
                     state: FSMContext) -> Betcard | None:
    """The betcard while it is on sale; otherwise the player is told and the flow ends."""
    try:
        card = await provider.betcard(code)
    except ProviderError as exc:
        await query.answer(jt.provider_error_text(exc), show_alert=True)
        return None
    if card is None or not jp.is_open(card, app.clock()):
        await state.clear()
        await query.answer()
        await _show(query, _("That jackpot is no longer on sale. /jackpot shows the ones that "
                             "are."), None)
        return None
    return card


# -- handlers ---------------------------------------------------------------------------------


async def not_sold(message: Message) -> None:
    """/jackpot where the provider sells no betcards."""
    await message.answer(jt.not_available())


async def on_jackpot(message: Message, user: User, app: AppContext) -> None:
    provider = _provider(app)
    if provider is None:  # registered where betcards are sold: not_sold answers elsewhere
        await not_sold(message)
        return
    try:
        cards = await jp.open_betcards(provider, app.clock())
    except ProviderError as exc:
        await message.answer(jt.provider_error_text(exc))
        return
    cards = [c for c in cards if _card_data(c) is not None]
    text = jt.betcards_text(cards, app.catalog, user, provider.currency)
    await message.answer(text, reply_markup=_cards_keyboard(cards, app, user) if cards else None)


JACKPOT = CommandSpec(on_jackpot, ("jackpot",), N_("Buy a jackpot ticket"), order=30,
                      needs=Capability.SELLS_BETCARDS, otherwise=not_sold)


async def on_card(query: CallbackQuery, callback_data: JackpotCard, state: FSMContext,
                  user: User, app: AppContext) -> None:
    provider = _provider(app)
    if provider is None:
        await query.answer(jt.not_available(), show_alert=True)
        return
    card = await _open_card(query, provider, callback_data.code, app, state)
    if card is None:
        return
    picking = jp.Picking(card.code)
    await state.set_state(JackpotFlow.picking)
    await state.set_data({KEY: {"picking": picking.to_data()}})
    await query.answer()
    await _show(query, jt.event_text(card, picking, app.catalog, user),
                _event_keyboard(card, picking, app, user))


async def on_bet(query: CallbackQuery, callback_data: JackpotBet, state: FSMContext, user: User,
                 app: AppContext) -> None:
    current = await _current(query, state, app, JackpotFlow.picking)
    if current is None:
        return
    provider, picking = current
    card = await _open_card(query, provider, picking.code, app, state)
    if card is None:
        return
    picked = picking.choose(card, callback_data.event, callback_data.bet)
    if picked is None:
        await query.answer(_("That event was already answered."), show_alert=False)
        return
    await query.answer()
    if picked.complete(card):
        await state.set_state(JackpotFlow.price)
        await state.set_data({KEY: {"picking": picked.to_data()}})
        await _show(query, jt.price_prompt(card, picked, app.catalog, user, provider.currency),
                    _price_keyboard(card, provider, app, user))
        return
    await state.set_data({KEY: {"picking": picked.to_data()}})
    await _show(query, jt.event_text(card, picked, app.catalog, user),
                _event_keyboard(card, picked, app, user))


async def on_back(query: CallbackQuery, state: FSMContext, user: User, app: AppContext) -> None:
    current = await _current(query, state, app, None)
    if current is None:
        return
    provider, picking = current
    card = await _open_card(query, provider, picking.code, app, state)
    if card is None:
        return
    await query.answer()
    if not picking.picks:  # back from the first event: the list of jackpots
        await state.clear()
        cards = await jp.open_betcards(provider, app.clock())
        await _show(query, jt.betcards_text(cards, app.catalog, user, provider.currency),
                    _cards_keyboard(cards, app, user) if cards else None)
        return
    earlier = picking.back()
    await state.set_state(JackpotFlow.picking)
    await state.set_data({KEY: {"picking": earlier.to_data()}})
    await _show(query, jt.event_text(card, earlier, app.catalog, user),
                _event_keyboard(card, earlier, app, user))


async def on_quit(query: CallbackQuery, state: FSMContext) -> None:
    await query.answer()
    if await _picking(state) is not None:
        await state.clear()
    await _show(query, _("✖️ Cancelled: nothing was sold."), None)


async def on_quick_price(query: CallbackQuery, callback_data: JackpotLines, state: FSMContext,
                         user: User, app: AppContext) -> None:
    current = await _current(query, state, app, JackpotFlow.price)
    if current is None:
        return
    provider, picking = current
    card = await _open_card(query, provider, picking.code, app, state)
    if card is None:
        return
    await query.answer()
    await _drop_buttons(query)
    await _offer(query, state, user, app, provider, picking, card.price * callback_data.lines)


async def on_price_text(message: Message, state: FSMContext, user: User, app: AppContext) -> None:
    provider = _provider(app)
    picking = await _picking(state)
    if provider is None or picking is None:
        raise SkipHandler
    try:
        card = await provider.betcard(picking.code)
    except ProviderError as exc:
        await message.answer(jt.provider_error_text(exc))
        return
    if card is None or not jp.is_open(card, app.clock()):
        await state.clear()
        await message.answer(_("That jackpot is no longer on sale. /jackpot shows the ones that "
                               "are."))
        return
    try:
        price = jp.read_price(message.text or "", card, app.catalog, user, provider.currency)
    except jp.JackpotError as exc:
        await message.answer("⚠️ " + str(exc))
        return
    if price is None:  # not an amount: maybe lottery plays, which the sales router reads
        raise SkipHandler
    await _offer(message, state, user, app, provider, picking, price)


async def _reply(target: Message | CallbackQuery, text: str,
                 markup: InlineKeyboardMarkup | None = None) -> None:
    """A new message in the chat of a message or of a pressed button."""
    if isinstance(target, Message):
        await target.answer(text, reply_markup=markup)
    else:
        await _send(target, text, markup)


async def _offer(target: Message | CallbackQuery, state: FSMContext, user: User, app: AppContext,
                 provider: JackpotProvider, picking: jp.Picking, price: Decimal) -> None:
    """Price the picks and show the summary."""
    try:
        summary = await jp.price_selection(provider, picking, price, app.clock())
    except ProviderError as exc:
        await _reply(target, jt.provider_error_text(exc))
        return
    await _present(target, state, summary, user, app)


async def _present(target: Message | CallbackQuery, state: FSMContext, summary: jp.Summary,
                   user: User, app: AppContext, before: jp.Summary | None = None) -> None:
    """The summary with Confirm/Cancel, kept in FSM data until confirmed or cancelled."""
    text = jt.summary_text(summary, app.catalog, user, before=before,
                           short=jp.shortfall(user, summary))
    await _reply(target, text, _summary_keyboard(summary, user))
    await state.set_state(JackpotFlow.summary)
    await state.set_data({KEY: {"summary": summary.to_data()}})


async def on_confirm(
    query: CallbackQuery, callback_data: JackpotSummaryButton, state: FSMContext,
    session: AsyncSession, user: User, app: AppContext,
) -> None:
    reference = callback_data.reference
    summary = await _summary(state, reference)
    provider = _provider(app)
    if summary is None or provider is None:
        sold = await ticket_by_reference(session, reference)
        await query.answer(jt.stale_text(sold), show_alert=True)
        return
    await query.answer(_("⏳ Confirming with the provider…"))
    await _drop_buttons(query)
    sale = await jp.confirm(session, provider=provider, catalog=app.catalog, user=user,
                            summary=summary, now=app.clock(), pins=app.pins)
    if sale.result is jp.Result.ODDS_CHANGED and sale.requote is not None:
        await _present(query, state, sale.requote, user, app, before=summary)
        return
    await state.clear()
    if sale.result is jp.Result.SOLD:
        assert sale.sale is not None and sale.sale.ticket is not None
        assert sale.sale.delivery is not None
        await deliver_text(session, cast(Bot, query.bot), app, row_id=sale.sale.delivery,
                           chat_id=user.id, now=app.clock(),
                           text=jt.ticket_text(sale.sale.ticket, sale.sale.pin, summary,
                                               app.catalog, user))
    elif sale.result is jp.Result.ALREADY_SOLD:
        assert sale.sale is not None and sale.sale.ticket is not None
        await _send(query, jt.stale_text(sale.sale.ticket) + "\n\n"
                    + jt.ticket_text(sale.sale.ticket, None, summary, app.catalog, user))
    elif sale.result is jp.Result.PENDING:
        assert sale.sale is not None
        await _send(query, sale_text.pending(sale.sale))
    elif sale.result is jp.Result.STALE:
        await _send(query, jt.stale_text(None))
    else:
        await _send(query, jt.refusal_text(sale, summary, app.catalog, user))


async def on_cancel(query: CallbackQuery, callback_data: JackpotSummaryButton, state: FSMContext
                    ) -> None:
    await query.answer()
    if await _summary(state, callback_data.reference) is None:
        await _drop_buttons(query)
        return
    await state.clear()
    await _drop_buttons(query)
    await _send(query, _("✖️ Cancelled: nothing was sold."))


COMMANDS = (JACKPOT,)


def make_router(offers: frozenset[Capability]) -> Router:
    router = register(buttons(Router(name="jackpot"), "jp:"), COMMANDS, offers)
    router.callback_query.register(on_card, JackpotCard.filter())
    router.callback_query.register(on_bet, JackpotBet.filter())
    router.callback_query.register(on_back, JackpotNav.filter(F.step == "back"))
    router.callback_query.register(on_quit, JackpotNav.filter(F.step == "quit"))
    router.callback_query.register(on_quick_price, JackpotLines.filter())
    router.callback_query.register(on_confirm, JackpotSummaryButton.filter(F.step == "ok"))
    router.callback_query.register(on_cancel, JackpotSummaryButton.filter(F.step == "no"))
    router.message.register(on_price_text, StateFilter(JackpotFlow.price), PLAIN_TEXT)
    return router
