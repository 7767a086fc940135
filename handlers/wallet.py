"""Money asked for in chat: /reportar (a player's top-up, maybe a receipt photo), /retiro (a
withdrawal), /pendientes (what waits for this seller or admin), /pagado (an admin paid a
withdrawal), the approve/reject buttons, and a seller's invitation link (/invitar).

Requests are committed before their deciders get the buttons (a tap must find the row); the
player's news is queued in the outbox with the decision, then the senders are woken."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from html import escape

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.callbacks import MoneyAction, TopUpButton, WithdrawalButton
from handlers.commands import ADMINS, STAFF, CommandSpec, register
from handlers.filters import buttons, commands_only
from lottery.i18n import N_, _
from lottery.money import to_minor
from presentation.sale_text import money_text
from providers.base import Capability
from services import alerts, wallet, withdrawals
from services.money_words import Refusal, admins
from services.outbox import queue_texts
from storage.models import RequestState, TopUpRequest, User, UserRole, Withdrawal

log = logging.getLogger(__name__)


def refusal_text(refusal: Refusal, app: AppContext) -> str:
    methods = ", ".join(wallet.methods(app.settings.topup_methods))
    return {
        Refusal.USAGE: "",
        Refusal.BAD_AMOUNT: _("The amount must be a number greater than 0, e.g. 500 or 250,50."),
        Refusal.AMOUNT_TOO_BIG: _("That amount is too large."),
        Refusal.BAD_METHOD: _("I do not know that payment method. Use one of: {methods}.").format(
            methods=methods),
        Refusal.BAD_REFERENCE: _("The reference is too long: at most 64 characters."),
        Refusal.REFERENCE_USED: _(
            "That reference was already approved for this method: each payment counts once."),
        Refusal.NOT_A_PLAYER: _("Only players hold a balance to top up or withdraw."),
        Refusal.NOT_FOUND: _("I cannot find that request."),
        Refusal.NOT_YOURS: _("That player is not yours: you act only on your own players."),
        Refusal.NOT_ALLOWED: _("Only the banca's admins can do that."),
        Refusal.DECIDED: _("That request was already decided."),
        Refusal.NO_CUPO: _("Your credit limit does not cover this top-up."),
        Refusal.SHORT: _("Your balance does not cover that amount."),
        Refusal.BELOW_MINIMUM: _("The least you can withdraw is {amount}."),
        Refusal.CLOSED_HOURS: _("Withdrawals are taken from {start} to {end}."),
    }[refusal]


def _rules(app: AppContext) -> withdrawals.Rules:
    return withdrawals.Rules(
        minimum=to_minor(app.settings.withdraw_min, app.catalog.currency),
        hours=withdrawals.parse_hours(app.settings.withdraw_hours), tz=app.catalog.timezone)


def _who(user: User | None, user_id: int) -> str:
    if user is None:
        return str(user_id)
    name = escape(user.first_name or "")
    return f"{name} (@{escape(user.username)})" if user.username else f"{name} ({user.id})"


def _request_text(request: TopUpRequest, player: User | None, app: AppContext,
                  reader: User) -> str:
    text = _("Top-up request #{id} from {who}: {amount} by {method}, reference {reference}.")
    return text.format(
        id=request.id, who=_who(player, request.user_id),
        amount=money_text(request.amount, app, reader, minor=True),
        method=escape(request.method), reference=escape(request.reference))


def _request_keyboard(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=_("✅ Approve"), callback_data=TopUpButton(
            action=MoneyAction.APPROVE, request=request_id).pack()),
        InlineKeyboardButton(text=_("❌ Reject"), callback_data=TopUpButton(
            action=MoneyAction.REJECT, request=request_id).pack()),
    ]])


async def _show_request(bot: Bot, chat_id: int, request: TopUpRequest, player: User | None,
                        app: AppContext, reader: User) -> None:
    text, keyboard = _request_text(request, player, app, reader), _request_keyboard(request.id)
    if request.photo_file_id:
        await bot.send_photo(chat_id, request.photo_file_id, caption=text, reply_markup=keyboard)
    else:
        await bot.send_message(chat_id, text, reply_markup=keyboard)


async def _tell(chat_ids: list[int] | tuple[int, ...], send: Callable[[int], Awaitable[object]]
                ) -> None:
    """Tell each decider; one who cannot be reached (never wrote to the bot, blocked it) does
    not keep the others from hearing. Whoever missed it sees it in /pendientes."""
    for chat_id in chat_ids:
        try:
            await send(chat_id)
        except TelegramAPIError as exc:
            log.warning("decider %s not told: %s", chat_id, exc)


async def report_payment(
    message: Message, command: CommandObject, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    photo = message.photo[-1].file_id if message.photo else None
    asked = await wallet.ask(session, user, command.args, photo_file_id=photo,
                             offered=wallet.methods(app.settings.topup_methods),
                             admin_ids=app.settings.admin_ids, now=app.clock())
    if asked.refusal is not None:
        usage = _("Usage: /reportar METHOD AMOUNT REFERENCE, e.g. /reportar pagomovil 500 "
                  "012345 (you may send it as the caption of the receipt's photo). Methods: "
                  "{methods}.").format(methods=", ".join(wallet.methods(
                      app.settings.topup_methods)))
        text = refusal_text(asked.refusal, app)
        await message.answer(usage if asked.refusal is Refusal.USAGE else text)
        return
    request = asked.request
    assert request is not None
    await alerts.money_waiting(session, app.catalog, f"topup:{request.id}", _who(user, user.id),
                               request.amount, request.currency, app.clock())
    await session.commit()  # the deciders' buttons must find the request
    await message.answer(_(
        "Request #{id} received: {amount} by {method}, reference {reference}. I will tell you "
        "when it is checked.").format(
        id=request.id, amount=money_text(request.amount, app, user, minor=True),
        method=escape(request.method), reference=escape(request.reference)))
    bot = message.bot
    if bot is not None:
        await _tell(asked.deciders, lambda chat_id: _show_request(bot, chat_id, request, user,
                                                                  app, user))


REPORT = CommandSpec(report_payment, ("reportar", "deposito", "topup"),
                     {UserRole.PLAYER: N_("Report a payment to top up your balance")}, order=61)


async def decide_top_up(
    query: CallbackQuery, callback_data: TopUpButton, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    approve = callback_data.action is MoneyAction.APPROVE
    decided = await wallet.decide(session, user, callback_data.request, approve=approve,
                                  now=app.clock())
    request = decided.request
    if decided.refusal is not None:
        text = refusal_text(decided.refusal, app)
        if decided.refusal is Refusal.DECIDED and request is not None:
            text = (_("Request #{id} was already approved.")
                    if request.state is RequestState.APPROVED
                    else _("Request #{id} was already rejected.")).format(id=request.id)
        await query.answer(text, show_alert=True)
        return
    assert request is not None and decided.player is not None
    player = decided.player
    if approve:
        news = _("Your top-up #{id} of {amount} was approved. Balance: {balance}.")
    else:
        news = _("Your top-up #{id} of {amount} was rejected. Write to your seller or the banca "
                 "if you think it is a mistake.")
    await queue_texts(session, messages={player.id: news.format(
        id=request.id, amount=money_text(request.amount, app, player, minor=True),
        balance=money_text(player.balance, app, player, minor=True))},
        now=app.clock(), key=f"topup:{request.id}")
    await session.commit()  # the decision and the player's news, before they are sent
    app.wake_broadcaster()
    done = _("Approved") if approve else _("Rejected")
    await query.answer(done)
    await _mark_decided(query, _request_text(request, player, app, user) + "\n\n" + _(
        "{done} by {who}.").format(done=done, who=_who(user, user.id)))


async def _mark_decided(query: CallbackQuery, text: str) -> None:
    """The pressed message says what was decided, and its buttons go."""
    message = query.message
    if not isinstance(message, Message):
        return
    try:
        if message.photo:
            await message.edit_caption(caption=text, reply_markup=None)
        else:
            await message.edit_text(text, reply_markup=None)
    except TelegramAPIError as exc:  # too old to edit: the answer above said it already
        log.info("decided message not edited: %s", exc)


async def withdraw(
    message: Message, command: CommandObject, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    rules = _rules(app)
    out = await withdrawals.request_withdrawal(session, user, command.args, rules=rules,
                                               now=app.clock())
    if out.refusal is not None:
        if out.refusal is Refusal.USAGE:
            await message.answer(_("Usage: /retiro AMOUNT WHERE, e.g. /retiro 500 pago móvil "
                                   "0414-1234567 V-12345678."))
            return
        text = refusal_text(out.refusal, app)
        hours = rules.hours
        await message.answer(text.format(
            amount=money_text(rules.minimum, app, user, minor=True),
            start=hours[0].strftime("%H:%M") if hours else "",
            end=hours[1].strftime("%H:%M") if hours else ""))
        return
    w = out.withdrawal
    assert w is not None
    await alerts.money_waiting(session, app.catalog, f"withdrawal:{w.id}", _who(user, user.id),
                               w.amount, w.currency, app.clock(), withdrawal=True)
    await session.commit()  # held for good before the admins hear of it
    await message.answer(_(
        "Withdrawal #{id} of {amount} requested; that amount is held until the banca pays it. "
        "Balance: {balance}.").format(id=w.id, amount=money_text(w.amount, app, user, minor=True),
                                     balance=money_text(user.balance, app, user, minor=True)))
    bot = message.bot
    if bot is not None:
        text, keyboard = _withdrawal_text(w, user, app, user), _withdrawal_keyboard(w.id)
        await _tell(await admins(session, app.settings.admin_ids),
                    lambda chat_id: bot.send_message(chat_id, text, reply_markup=keyboard))


WITHDRAW = CommandSpec(withdraw, ("retiro", "retirar", "withdraw"),
                       {UserRole.PLAYER: N_("Take money out of your balance")}, order=62)


def _withdrawal_text(w: Withdrawal, player: User | None, app: AppContext, reader: User) -> str:
    return _("Withdrawal #{id} for {who}: {amount} to {destination}. Paid? /pagado {id} "
             "REFERENCE").format(id=w.id, who=_who(player, w.user_id),
                                 amount=money_text(w.amount, app, reader, minor=True),
                                 destination=escape(w.destination))


def _withdrawal_keyboard(withdrawal_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=_("❌ Reject"), callback_data=WithdrawalButton(withdrawal=withdrawal_id).pack())]])


async def _withdrawal_decided(
    session: AsyncSession, user: User, app: AppContext, withdrawal_id: int,
    paid_reference: str | None,
) -> tuple[str, bool]:
    """The answer to the admin, and whether it was decided now."""
    out = await withdrawals.decide(session, user, withdrawal_id, paid_reference=paid_reference,
                                   now=app.clock())
    if out.refusal is not None:
        return refusal_text(out.refusal, app), False
    w, player = out.withdrawal, out.player
    assert w is not None and player is not None
    if paid_reference is not None:
        news = _("Your withdrawal #{id} of {amount} was paid, reference {reference}.")
    else:
        news = _("Your withdrawal #{id} of {amount} was rejected; the amount is back in your "
                 "balance: {balance}.")
    await queue_texts(session, messages={player.id: news.format(
        id=w.id, amount=money_text(w.amount, app, player, minor=True),
        reference=escape(paid_reference or ""),
        balance=money_text(player.balance, app, player, minor=True))},
        now=app.clock(), key=f"withdrawal:{w.id}")
    await session.commit()  # the decision and the player's news, before they are sent
    app.wake_broadcaster()
    if paid_reference is not None:
        return _("Withdrawal #{id} marked paid.").format(id=w.id), True
    return _("Withdrawal #{id} rejected; the hold went back.").format(id=w.id), True


async def paid(
    message: Message, command: CommandObject, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    parts = (command.args or "").split(maxsplit=1)
    number = parts[0].lstrip("#W").lstrip("w") if parts else ""
    if len(parts) != 2 or not number.isdigit() or len(parts[1]) > 64:
        await message.answer(_("Usage: /pagado NUMBER REFERENCE, e.g. /pagado 12 0098765."))
        return
    text, _done = await _withdrawal_decided(session, user, app, int(number), parts[1].strip())
    await message.answer(text)


PAID = CommandSpec(paid, ("pagado",), N_("Mark a withdrawal paid"), roles=ADMINS, order=245,
                   help=N_("/pagado NUMBER REFERENCE marks a withdrawal paid"))


async def reject_withdrawal(
    query: CallbackQuery, callback_data: WithdrawalButton, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    text, _done = await _withdrawal_decided(session, user, app, callback_data.withdrawal, None)
    await query.answer(text, show_alert=True)


async def pending(message: Message, session: AsyncSession, user: User, app: AppContext) -> None:
    if user.role == UserRole.PLAYER:
        await message.answer(_("This command is for sellers and the banca's admins. Your own "
                               "requests: /movimientos shows your balance's movements."))
        return
    requests = await wallet.pending_for(session, user)
    held = await withdrawals.pending(session) if user.role == UserRole.ADMIN else []
    if not requests and not held:
        await message.answer(_("Nothing is waiting for you."))
        return
    people = await wallet.people(
        session, [r.user_id for r in requests] + [w.user_id for w in held])
    for request in requests:
        if message.bot is not None:
            await _show_request(message.bot, message.chat.id, request,
                                people.get(request.user_id), app, user)
    for w in held:
        await message.answer(_withdrawal_text(w, people.get(w.user_id), app, user),
                             reply_markup=_withdrawal_keyboard(w.id))


PENDING = CommandSpec(pending, ("pendientes", "pending"),
                      N_("Top-ups and withdrawals waiting for you"), roles=STAFF, order=205,
                      help=N_("/pendientes top-ups and withdrawals waiting for you"))

COMMANDS = (REPORT, WITHDRAW, PENDING, PAID)


def make_router(offers: frozenset[Capability]) -> Router:
    router = register(commands_only(Router(name="wallet")), COMMANDS, offers)
    money_buttons = buttons(Router(name="wallet_buttons"), "tu:", "wd:")
    money_buttons.callback_query.register(decide_top_up, TopUpButton.filter())
    money_buttons.callback_query.register(reject_withdrawal, WithdrawalButton.filter())
    router.include_router(money_buttons)
    return router

