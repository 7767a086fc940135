"""/movimientos [@usuario]: a statement with its running balance, ten rows a page, with buttons
to page back and forth (``st:<owner>:<offset>``); rights checked again on every press."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from aiogram import Router
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.callbacks import StatementPage
from handlers.commands import CommandSpec, register
from handlers.filters import buttons, commands_only
from handlers.sellers import who
from handlers.wallet import refusal_text
from lottery.i18n import N_, _
from lottery.ticket_codes import format_serial
from presentation.formatting import Formatter
from providers.base import Capability
from services import statements
from services.money_words import Refusal
from storage.models import Account, Reason, User


def reason_text(reason: Reason) -> str:
    return {
        Reason.OPENING: _("Opening balance"),
        Reason.SALE: _("Ticket"),
        Reason.REFUND: _("Ticket cancelled"),
        Reason.PRIZE: _("Prize"),
        Reason.PRIZE_CASH: _("Prize paid in cash"),
        Reason.TOP_UP: _("Top-up"),
        Reason.TOP_UP_CASH: _("Cash top-up for a player"),
        Reason.WITHDRAW_HOLD: _("Withdrawal (held)"),
        Reason.WITHDRAW_RELEASE: _("Withdrawal rejected"),
        Reason.WITHDRAW_PAID: _("Withdrawal paid"),
        Reason.COLLECTION: _("Cash handed to the banca"),
        Reason.PAYOUT: _("Paid by the banca"),
        Reason.ADJUSTMENT: _("Adjustment"),
    }[reason]


def statement_text(s: statements.Statement, fmt: Formatter, tz: tzinfo) -> str:
    title = (_("<b>Account of {who} with the banca</b>") if s.account is Account.SELLER
             else _("<b>Movements of {who}</b>")).format(who=who(s.owner))
    lines = [title]
    if not s.lines:
        lines.append(_("No movements yet."))
    for line in s.lines:
        when = line.at.astimezone(tz)
        ref = f" · {escape(_reference(line))}" if line.reference else ""
        sign = "+" if line.amount > 0 else "−"
        lines.append(f"{fmt.short_date(when.date())} {when:%H:%M} {reason_text(line.reason)}"
                     f"{ref}: {sign}{fmt.minor(abs(line.amount))} → {fmt.minor(line.balance)}")
    lines.append(_("Balance: {amount}").format(amount=fmt.minor(s.balance)))
    if s.total_rows > statements.PAGE:
        lines.append(_("Rows {first}–{last} of {total}").format(
            first=s.offset + 1, last=s.offset + len(s.lines), total=s.total_rows))
    return "\n".join(lines)


def _reference(line: statements.Line) -> str:
    """A ticket's serial as printed on it (``DSEGH-YKDPR``); other references as written."""
    ref = line.reference or ""
    ticket = line.reason in (Reason.SALE, Reason.REFUND, Reason.PRIZE, Reason.PRIZE_CASH)
    return format_serial(ref) if ticket and ref.isalnum() else ref


def _keyboard(s: statements.Statement) -> InlineKeyboardMarkup | None:
    row = []
    if s.offset > 0:
        row.append(InlineKeyboardButton(text=_("« Newer"), callback_data=StatementPage(
            owner=s.owner.id, offset=max(0, s.offset - statements.PAGE)).pack()))
    if s.has_older:
        row.append(InlineKeyboardButton(text=_("Older »"), callback_data=StatementPage(
            owner=s.owner.id, offset=s.offset + statements.PAGE).pack()))
    return InlineKeyboardMarkup(inline_keyboard=[row]) if row else None


async def show(message: Message, command: CommandObject, session: AsyncSession, user: User,
               app: AppContext) -> None:
    owner = await statements.owner_for(session, user, (command.args or "").strip() or None)
    if isinstance(owner, Refusal):
        await message.answer(_("I do not know that user.") if owner is Refusal.NOT_FOUND
                             else refusal_text(owner, app))
        return
    s = await statements.statement(session, owner)
    fmt = Formatter.for_reader(user.locale, app.catalog)
    await message.answer(statement_text(s, fmt, app.catalog.timezone), reply_markup=_keyboard(s))


STATEMENT = CommandSpec(show, ("movimientos", "estado", "statement"),
                        N_("My movements with their running balance"), order=63,
                        help=N_("/movimientos @user a statement with its running balance"))


async def page(query: CallbackQuery, callback_data: StatementPage, session: AsyncSession,
               user: User, app: AppContext) -> None:
    owner = await statements.owner_for(session, user, callback_data.owner)
    if isinstance(owner, Refusal):
        await query.answer(refusal_text(owner, app) if owner is not Refusal.NOT_FOUND
                           else _("I do not know that user."), show_alert=True)
        return
    s = await statements.statement(session, owner, callback_data.offset)
    fmt = Formatter.for_reader(user.locale, app.catalog)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(statement_text(s, fmt, app.catalog.timezone),
                                      reply_markup=_keyboard(s))


COMMANDS = (STATEMENT,)


def make_router(offers: frozenset[Capability]) -> Router:
    router = register(commands_only(Router(name="statements")), COMMANDS, offers)
    pages = buttons(Router(name="statement_pages"), "st:")
    pages.callback_query.register(page, StatementPage.filter())
    router.include_router(pages)
    return router
