"""/premio (what a ticket won, until when) and /pagar · /cobrar (collect a prize with the PIN)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.commands import CommandSpec, register
from handlers.filters import commands_only
from lottery.i18n import N_, _, ngettext
from lottery.money import Money
from lottery.ticket_codes import format_serial
from presentation.formatting import Formatter
from presentation.labels import state_name
from presentation.sale_text import rejection_text
from providers.base import Capability, ErrorCode
from services.payments import (
    PIN_LOCK,
    Payment,
    Refusal,
    TicketCheck,
    check_ticket,
    deadline_text,
    pay_ticket,
)
from storage.models import PaidHow, Ticket, TicketStatus, User


def _money(money: Money | None, fmt: Formatter) -> str:
    return fmt.money(money) if money is not None else ""


def _paid_on(ticket: Ticket, fmt: Formatter) -> str:
    return fmt.day_time(ticket.paid_at, year=True) if ticket.paid_at is not None else "?"


def _not_found() -> str:
    return _("❌ No ticket with that serial exists in this banca.")


# --- /premio ------------------------------------------------------------------------------------


def _check_text(check: TicketCheck, fmt: Formatter) -> str:
    ticket = check.ticket
    assert ticket is not None
    serial = format_serial(ticket.serial)
    until = deadline_text(check.deadline, fmt)
    lines = [_("🎟 Ticket {serial}").format(serial=f"<code>{serial}</code>"),
             _("State: {state}").format(state=f"<b>{state_name(str(ticket.status))}</b>")]
    if check.prize is not None:
        lines.append("🏆 " + _("Prize: {amount}").format(
            amount=f"<b>{_money(check.prize, fmt)}</b>"))
    status = ticket.status
    if status is TicketStatus.WINNER:
        lines.append(_("Collect it by {date} (until the end of that day).").format(date=until))
        lines.append(_("To collect: {command}, with the PIN printed on the ticket.").format(
            command=f"<code>/pagar {serial} PIN</code>"))
    elif status is TicketStatus.PAID:
        lines.append(_("Paid on {when}.").format(when=_paid_on(ticket, fmt)))
    elif status is TicketStatus.EXPIRED:
        lines.append(_("The prize was not collected in time: it could be collected until "
                       "{date}.").format(date=until))
    elif status is TicketStatus.SOLD:
        lines.append(_("⏳ Still waiting for the results of its draws."))
    elif status is TicketStatus.PENDING:
        lines.append(_("⏳ The lottery system has not confirmed this sale yet."))
    elif status is TicketStatus.LOSER:
        lines.append(_("This ticket did not win."))
    elif status is TicketStatus.VOID:
        lines.append(_("This ticket was cancelled: it plays no draw."))
    elif status is TicketStatus.REJECTED:
        lines.append(_("This ticket was never sold: the lottery system refused it."))
    return "\n".join(lines)


async def check(message: Message, command: CommandObject, session: AsyncSession, user: User,
                app: AppContext, fmt: Formatter) -> None:
    serial = (command.args or "").strip()
    if not serial:
        await message.answer(_("Usage: /premio SERIAL — tells what a ticket won and until when "
                               "it can be collected."))
        return
    result = await check_ticket(session, app.catalog, serial, now=app.clock(), actor_id=user.id)
    if result.ticket is None:
        await message.answer(_not_found())
        return
    await message.answer(_check_text(result, fmt))


PRIZE = CommandSpec(check, ("premio", "prize"), N_("Check a ticket's prize"), order=90)


# --- /pagar -------------------------------------------------------------------------------------


def split_serial_and_pin(args: str | None) -> tuple[str, str] | None:
    """``7K3M9-Q2PXD 12345678`` (the serial may be typed with spaces): the last word is the PIN."""
    words = (args or "").split()
    if len(words) < 2 or not words[-1].isdigit():
        return None
    return "".join(words[:-1]), words[-1]


def _provider_refusal(code: ErrorCode | None) -> str:
    if code is ErrorCode.UNAVAILABLE:
        return _("The lottery system is not answering right now. Nothing was paid; try again "
                 "in a moment.")
    reason = {
        ErrorCode.NOT_A_WINNER: _("it is not a winner there"),
        ErrorCode.ALREADY_PAID: _("it was already paid"),
        ErrorCode.WRONG_PIN: _("wrong PIN"),
        ErrorCode.EXPIRED: _("the prize expired"),
        ErrorCode.NOT_FOUND: _("it does not know the ticket"),
        ErrorCode.NOT_SUPPORTED: _("it cannot pay tickets"),
    }.get(code) if code is not None else None
    return "❌ " + _("The lottery system refused the payment ({reason}). Nothing was "
                    "paid.").format(reason=reason or rejection_text(code or ErrorCode.UNAVAILABLE))


def _locked(payment: Payment, fmt: Formatter) -> str:
    assert payment.locked_until is not None
    return _("🔒 Too many wrong PINs: payment of this ticket is locked until {time}.").format(
        time=fmt.clock(payment.locked_until))


def _refusal_text(payment: Payment, fmt: Formatter) -> str:
    refusal = payment.refusal
    if refusal is Refusal.NOT_FOUND:
        return _not_found()
    if refusal is Refusal.WRONG_PIN:
        if payment.locked_until is not None:
            return "❌ " + _("Wrong PIN.") + "\n" + _locked(payment, fmt)
        left = payment.attempts_left or 0
        return "❌ " + _("Wrong PIN.") + " " + ngettext(
            "{count} attempt left before payment is locked for {minutes} minutes.",
            "{count} attempts left before payment is locked for {minutes} minutes.",
            left).format(count=left, minutes=int(PIN_LOCK.total_seconds() // 60))
    if refusal is Refusal.LOCKED:
        return _locked(payment, fmt)
    if refusal is Refusal.PROVIDER:
        return _provider_refusal(payment.provider_code)
    if refusal is Refusal.ALREADY_PAID:
        assert payment.ticket is not None
        return "❌ " + _("This ticket was already paid on {when}.").format(
            when=_paid_on(payment.ticket, fmt))
    if refusal is Refusal.EXPIRED:
        return "❌ " + _("The prize of this ticket expired: it could be collected until "
                        "{date}.").format(date=deadline_text(payment.deadline, fmt))
    texts = {
        Refusal.NOT_YOURS: _("❌ This ticket is not yours. Whoever holds it collects it from a "
                             "seller, with the serial and the PIN."),
        Refusal.OTHER_SELLER: _("❌ This ticket was sold by another seller: it is paid there or "
                                "by the banca."),
        Refusal.UNCONFIRMED: _("⏳ The lottery system has not confirmed this sale yet; there is "
                               "nothing to pay."),
        Refusal.NOT_SOLD: _("❌ This ticket was never sold: the lottery system refused it."),
        Refusal.VOID: _("❌ This ticket was cancelled: it has no prize."),
        Refusal.WAITING: _("⏳ This ticket is still waiting for the results of its draws."),
        Refusal.LOSER: _("❌ This ticket did not win: there is no prize to pay."),
    }
    assert refusal is not None
    return texts[refusal]


def _paid_text(payment: Payment, fmt: Formatter) -> str:
    assert payment.ticket is not None
    serial = f"<code>{format_serial(payment.ticket.serial)}</code>"
    prize = f"<b>{_money(payment.prize, fmt)}</b>"
    if payment.how is PaidHow.BALANCE:
        return _("✅ Ticket {serial} paid: {prize} credited to your balance.\nBalance now: "
                 "{balance}.").format(serial=serial, prize=prize,
                                      balance=_money(payment.balance, fmt))
    return _("✅ Ticket {serial} paid: hand {prize} in cash to the customer.\nRecorded as paid "
             "in cash by you.").format(serial=serial, prize=prize)


async def pay(message: Message, command: CommandObject, session: AsyncSession, user: User,
              app: AppContext, fmt: Formatter) -> None:
    parts = split_serial_and_pin(command.args)
    if parts is None:
        await message.answer(_("Usage: /pagar SERIAL PIN — the serial and the PIN printed on "
                               "the ticket."))
        return
    serial, pin = parts
    payment = await pay_ticket(session, catalog=app.catalog, provider=app.provider,
                               pins=app.pins, user=user, serial=serial, pin=pin, now=app.clock())
    if payment.paid:
        await message.answer(_paid_text(payment, fmt))
    else:
        await message.answer(_refusal_text(payment, fmt))


PAY = CommandSpec(pay, ("pagar", "cobrar", "pay"), N_("Collect a prize with serial and PIN"),
                  order=100)
COMMANDS = (PRIZE, PAY)


def make_router(offers: frozenset[Capability]) -> Router:
    return register(commands_only(Router(name="payments")), COMMANDS, offers)

