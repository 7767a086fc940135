"""/tickets and /ultimo: a person's tickets, each with its actions (reprint, cancel, repeat)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import cast

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.callbacks import CancelAnswer, TicketAction, TicketButton, TicketPage
from handlers.commands import CommandSpec, register
from handlers.filters import buttons, commands_only
from handlers.sales import show_preview
from lottery.catalog import Catalog
from lottery.i18n import N_, _
from lottery.ticket_codes import format_serial
from presentation.formatting import Formatter
from presentation.labels import state_name
from presentation.sale_text import money_text, moved_draws_note, rejection_text
from providers.base import Capability
from services.cancel import CancelRefusal, CancelResult, cancel_ticket, refusal, window_open
from services.long_text import send_text
from services.my_tickets import PAGE, last_ticket, page_of_tickets, ticket_for
from services.repeat import moved_to_later_day, repeated_wagers
from services.sales import preview_wagers
from services.tickets import ticket_png, ticket_text, ticket_view
from storage.models import Ticket, User

log = logging.getLogger(__name__)


def _when(ticket: Ticket, app: AppContext, user: User) -> str:
    return Formatter.for_reader(user.locale, app.catalog).day_time(ticket.created_at)


def _ticket_button(text: str, action: TicketAction, ticket: Ticket) -> InlineKeyboardButton:
    data = TicketButton(action=action, ticket=ticket.id).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def _page_button(text: str, offset: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=TicketPage(offset=offset).pack())


def _list_keyboard(tickets: list[Ticket], offset: int, more: bool) -> InlineKeyboardMarkup:
    rows = [[_ticket_button(f"🎟 {format_serial(t.serial)}", TicketAction.OPEN, t)]
            for t in tickets]
    paging = []
    if offset > 0:
        paging.append(_page_button(_("« Newer"), max(0, offset - PAGE)))
    if more:
        paging.append(_page_button(_("Older »"), offset + PAGE))
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _send_list(
    target: Message, session: AsyncSession, user: User, app: AppContext, offset: int
) -> None:
    page = list(await page_of_tickets(session, user, offset))
    if not page:
        await target.answer(_("You have no tickets yet. Send your plays to buy one."))
        return
    shown, more = page[:PAGE], len(page) > PAGE
    lines = [_("<b>Your tickets</b>")]
    for t in shown:
        lines.append(
            f"<code>{format_serial(t.serial)}</code> · {_when(t, app, user)} · "
            f"{money_text(t.total, app, user, minor=True)} · {state_name(str(t.status))}"
        )
    await target.answer("\n".join(lines), reply_markup=_list_keyboard(shown, offset, more))


async def list_tickets(
    message: Message, session: AsyncSession, user: User, app: AppContext
) -> None:
    await _send_list(message, session, user, app, 0)


TICKETS = CommandSpec(list_tickets, ("tickets", "mistickets"),
                      N_("My tickets: reprint, cancel, repeat"), order=40)


async def list_page(
    query: CallbackQuery, callback_data: TicketPage, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _send_list(query.message, session, user, app, callback_data.offset)


def _actions(ticket: Ticket, catalog: Catalog, now: datetime) -> InlineKeyboardMarkup:
    """Reprint always; cancel while its window is open (a button pressed after it closed
    explains why); repeat when its lotteries are still sold."""
    row = [_ticket_button(_("🖨 Reprint"), TicketAction.REPRINT, ticket)]
    if window_open(ticket, catalog, now):
        row.append(_ticket_button(_("🗑 Cancel"), TicketAction.CANCEL, ticket))
    if all(catalog.get_lottery(w.lottery_id) for w in ticket.wagers):
        row.append(_ticket_button(_("🔁 Repeat"), TicketAction.REPEAT, ticket))
    return InlineKeyboardMarkup(inline_keyboard=[row])


async def _show(
    target: Message, ticket: Ticket, app: AppContext, user: User, *, image: bool
) -> None:
    view = ticket_view(ticket, app.catalog, brand=app.settings.brand_name)
    now = app.clock()
    if not window_open(ticket, app.catalog, now):  # "you can cancel until" only while one can
        view = replace(view, cancel_deadline=None)
    text = ticket_text(view, user)  # a hundred plays outgrow one message
    keyboard = _actions(ticket, app.catalog, now)
    await send_text(cast(Bot, target.bot), target.chat.id, text, keyboard)
    if not image:
        return
    try:
        await target.answer_photo(
            BufferedInputFile(await ticket_png(replace(view, reprint=True), app, user),
                              "ticket.png"),
            caption=_("Reprint · the PIN is only on the original ticket"),
        )
    except Exception:
        log.exception("ticket image could not be sent; the text was")


async def last(message: Message, session: AsyncSession, user: User, app: AppContext) -> None:
    ticket = await last_ticket(session, user)
    if ticket is None:
        await message.answer(_("You have no tickets yet. Send your plays to buy one."))
        return
    await _show(message, ticket, app, user, image=True)


LAST = CommandSpec(last, ("ultimo", "last"), N_("My last ticket"), order=50)


async def _ticket_from(
    query: CallbackQuery, button: TicketButton, session: AsyncSession, user: User
) -> Ticket | None:
    ticket = await ticket_for(session, user, button.ticket)
    if ticket is None:
        await query.answer(_("That ticket is not yours."), show_alert=True)
    return ticket


async def open_ticket(
    query: CallbackQuery, callback_data: TicketButton, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    ticket = await _ticket_from(query, callback_data, session, user)
    if ticket is not None and isinstance(query.message, Message):
        await query.answer()
        await _show(query.message, ticket, app, user, image=False)


async def reprint(
    query: CallbackQuery, callback_data: TicketButton, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    ticket = await _ticket_from(query, callback_data, session, user)
    if ticket is not None and isinstance(query.message, Message):
        await query.answer()
        await _show(query.message, ticket, app, user, image=True)


def cancel_text(result: CancelResult, app: AppContext, user: User) -> str:
    ticket = result.ticket
    serial = format_serial(ticket.serial) if ticket else ""
    fmt = Formatter.for_reader(user.locale, app.catalog)
    when = fmt.clock(result.when) if result.when else ""
    if result.refusal is None:
        assert ticket is not None
        return _("🗑 Ticket {serial} cancelled. {amount} returned.").format(
            serial=serial, amount=fmt.minor(ticket.total)
        )
    return {
        CancelRefusal.NOT_FOUND: _("That ticket does not exist."),
        CancelRefusal.NOT_YOURS: _("Only the buyer or the seller of a ticket can cancel it."),
        CancelRefusal.ALREADY_VOID: _("Ticket {serial} is already cancelled.").format(
            serial=serial
        ),
        CancelRefusal.NOT_SOLD: _("Ticket {serial} cannot be cancelled: it is {state}.").format(
            serial=serial, state=state_name(str(ticket.status)) if ticket else ""
        ),
        CancelRefusal.WINDOW_PASSED: _(
            "Ticket {serial} could be cancelled until {time}; that time has passed."
        ).format(serial=serial, time=when),
        CancelRefusal.DRAW_CLOSED: _(
            "Ticket {serial} cannot be cancelled: its draw closed at {time}."
        ).format(serial=serial, time=when),
        CancelRefusal.PROVIDER: _(
            "The lottery system refused to cancel ticket {serial} ({reason})."
        ).format(
            serial=serial,
            reason=rejection_text(result.provider_code) if result.provider_code else "",
        ),
    }[result.refusal]


def _result_text(result: CancelResult, app: AppContext, user: User) -> str:
    done = result.refusal in (None, CancelRefusal.ALREADY_VOID)  # void, as they wanted
    return ("✅ " if done else "❌ ") + cancel_text(result, app, user)


async def ask_cancel(
    query: CallbackQuery, callback_data: TicketButton, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    """Cancel is asked before it is done (one tap voided a ticket by mistake); a cancel bound
    to be refused is answered at once instead."""
    await query.answer()
    if not isinstance(query.message, Message):
        return
    ticket = await ticket_for(session, user, callback_data.ticket)
    refused = refusal(ticket, user, app.catalog, app.clock()) if ticket else None
    if ticket is None or refused is not None:
        result = refused or CancelResult(None, CancelRefusal.NOT_FOUND)
        await query.message.answer(_result_text(result, app, user))
        return
    answer = (
        (_("✅ Yes, cancel"), "y"),
        (_("↩️ No"), "n"),
    )
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(
            text=text, callback_data=CancelAnswer(answer=code, ticket=ticket.id).pack()
        )
        for text, code in answer
    ]])
    await query.message.answer(
        _("Cancel ticket {serial}?").format(serial=format_serial(ticket.serial)),
        reply_markup=keyboard,
    )


async def _close_question(query: CallbackQuery) -> None:
    """The question's buttons go once answered; cosmetic if it fails (an old message)."""
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except Exception:
            log.debug("cancel question's buttons could not be removed", exc_info=True)


async def cancel(
    query: CallbackQuery, callback_data: CancelAnswer, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    """Yes: the cancel itself."""
    await query.answer()
    await _close_question(query)
    result = await cancel_ticket(
        session,
        provider=app.provider,
        catalog=app.catalog,
        user=user,
        ticket_id=callback_data.ticket,
        now=app.clock(),
    )
    if isinstance(query.message, Message):
        await query.message.answer(_result_text(result, app, user))


async def keep(
    query: CallbackQuery, callback_data: CancelAnswer, session: AsyncSession, user: User,
) -> None:
    """No: nothing changes, and the person is told so."""
    await query.answer()
    await _close_question(query)
    ticket = await ticket_for(session, user, callback_data.ticket)
    if ticket is not None and isinstance(query.message, Message):
        await query.message.answer(
            _("Ticket {serial} was not cancelled: it stays as it was.").format(
                serial=format_serial(ticket.serial)
            )
        )


async def repeat(
    query: CallbackQuery, callback_data: TicketButton, state: FSMContext, session: AsyncSession,
    user: User, app: AppContext,
) -> None:
    ticket = await _ticket_from(query, callback_data, session, user)
    if ticket is None or not isinstance(query.message, Message):
        return
    await query.answer()
    now = app.clock()
    wagers = repeated_wagers(ticket, app.catalog, now)
    preview = await preview_wagers(
        session,
        provider=app.provider,
        catalog=app.catalog,
        user=user,
        wagers=wagers,
        now=now,
        customer=ticket.customer_name,
    )
    moved = moved_to_later_day(wagers, app.catalog, now)
    if moved:  # right before the preview it speaks of
        await query.message.answer(moved_draws_note(moved, app.catalog, user))
    await show_preview(query.message, state, session, preview, app, user)


COMMANDS = (TICKETS, LAST)


def make_router(offers: frozenset[Capability]) -> Router:
    router = register(buttons(commands_only(Router(name="my_tickets")), "tk:"), COMMANDS, offers)
    router.callback_query.register(list_page, TicketPage.filter())
    for handler, action in ((open_ticket, TicketAction.OPEN), (reprint, TicketAction.REPRINT),
                            (ask_cancel, TicketAction.CANCEL), (repeat, TicketAction.REPEAT)):
        router.callback_query.register(handler, TicketButton.filter(F.action == action))
    router.callback_query.register(cancel, CancelAnswer.filter(F.answer == "y"))
    router.callback_query.register(keep, CancelAnswer.filter(F.answer == "n"))
    return router
