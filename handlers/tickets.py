"""/verificar: is this ticket genuine, and what is its state?"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.commands import CommandSpec, register
from handlers.filters import commands_only
from lottery.i18n import N_, _
from lottery.ticket_codes import format_serial
from presentation.labels import state_name
from presentation.sale_text import money_text
from providers.base import Capability
from services.tickets import verify_ticket
from storage.models import User


async def check(
    message: Message, command: CommandObject, session: AsyncSession, user: User, app: AppContext
) -> None:
    text = (command.args or "").strip()
    if not text:
        await message.answer(_("Usage: /verificar SERIAL — or paste the text of the ticket's QR."))
        return
    result = await verify_ticket(session, text, app.ticket_secret)
    if result.ticket is None:
        await message.answer(_("❌ No ticket with that serial exists in this banca."))
        return
    if not result.authentic:
        await message.answer(
            _(
                "❌ The QR signature does not match ticket {serial}: this copy "
                "has been altered. Do not pay it."
            ).format(serial=format_serial(result.ticket.serial))
        )
        return
    ticket = result.ticket
    lines = [
        _("✅ Genuine ticket {serial}").format(serial=format_serial(ticket.serial)),
        _("State: {state}").format(state=state_name(str(ticket.status))),
        _("Total: {total}").format(total=money_text(ticket.total, app, user, minor=True)),
    ]
    if result.signed:
        lines.append(_("The QR signature is valid."))
    await message.answer("\n".join(lines))


VERIFY = CommandSpec(check, ("verificar", "verify"), N_("Verify a ticket"), order=110)
COMMANDS = (VERIFY,)


def make_router(offers: frozenset[Capability]) -> Router:
    return register(commands_only(Router(name="tickets")), COMMANDS, offers)
