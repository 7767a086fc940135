"""Admin commands: /recargar (top up a player), /cupo (seller credit limit), /rol (roles).

Their router is the admins' one (``handlers.admin_only``): anyone else is refused before them."""

from __future__ import annotations

from html import escape

from aiogram.filters import CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import set_chat_commands
from bot.context import AppContext
from handlers.commands import ADMINS, CommandSpec
from handlers.sellers import tell_credited
from lottery.i18n import N_, _
from lottery.money import to_minor
from presentation.sale_text import money_text, role_name
from services import accounts
from services.accounts import AccountChange, AccountError
from storage.models import User


def _who(user: User) -> str:
    name = escape(user.first_name or "")
    return f"{name} (@{escape(user.username)})" if user.username else f"{name} ({user.id})"


def _error(change: AccountChange, usage: str) -> str:
    messages = {
        AccountError.USAGE: _("Usage: {usage}").format(usage=usage),
        AccountError.NO_USER: _(
            "I do not know that user. Use their Telegram id or @username; they must have "
            "written to me at least once."
        ),
        AccountError.BAD_AMOUNT: _(
            "The amount must be a number greater than 0, e.g. 500 or 250,50."
        ),
        AccountError.NOT_A_PLAYER: _(
            "{who} is not a player; top-ups are for players' balance."
        ).format(who=_who(change.target))
        if change.target
        else "",
        AccountError.NOT_A_SELLER: _(
            "{who} is not a seller; make them one first with /rol."
        ).format(who=_who(change.target))
        if change.target
        else "",
        AccountError.BAD_ROLE: _("The role must be jugador, vendedor or admin."),
        AccountError.BAD_ID: _(
            "«{text}» is not a Telegram user id. Use their id (a number like 123456789) or "
            "their @username."
        ).format(text=escape(change.word or "")),
        AccountError.AMOUNT_TOO_BIG: _("«{text}» is too large an amount.").format(
            text=escape(change.word or "")
        ),
        AccountError.CONFIGURED_ADMIN: _(
            "{who} is an admin through the bot's ADMIN_IDS setting, which makes them admin "
            "again at their next message. To change their role, first take them out of "
            "ADMIN_IDS and restart the bot."
        ).format(who=_who(change.target))
        if change.target
        else "",
    }
    assert change.error is not None
    return messages[change.error]


async def top_up(
    message: Message, command: CommandObject, session: AsyncSession, user: User, app: AppContext
) -> None:
    change = await accounts.top_up(session, user, command.args, app.clock())
    if change.error:
        await message.answer(_error(change, "/recargar @usuario 500"))
        return
    assert change.target is not None and change.amount is not None
    await tell_credited(session, app, message, change.target,
                        to_minor(change.amount, change.target.currency))
    await message.answer(
        _("Credited {amount} to {who}. Balance now: {balance}.").format(
            amount=money_text(change.amount, app, user),
            who=_who(change.target),
            balance=money_text(change.target.balance, app, user, minor=True),
        )
    )


TOP_UP = CommandSpec(top_up, ("recargar",), N_("Top up a player's balance"), roles=ADMINS,
                     order=230, help=N_("/recargar @user AMOUNT tops up a player's balance"))


async def credit_limit(
    message: Message, command: CommandObject, session: AsyncSession, user: User, app: AppContext
) -> None:
    change = await accounts.set_credit_limit(session, user, command.args, app.clock())
    if change.error:
        await message.answer(_error(change, "/cupo @vendedor 5000"))
        return
    assert change.target is not None and change.amount is not None
    await message.answer(
        _("Credit limit of {who} set to {amount}.").format(
            who=_who(change.target), amount=money_text(change.amount, app, user)
        )
    )


CREDIT_LIMIT = CommandSpec(credit_limit, ("cupo",), N_("Set a seller's credit limit"),
                           roles=ADMINS, order=240,
                           help=N_("/cupo @user AMOUNT sets a seller's credit limit"))


async def role(
    message: Message, command: CommandObject, session: AsyncSession, user: User, app: AppContext
) -> None:
    change = await accounts.set_role(session, user, command.args, app.clock(),
                                     app.settings.admin_ids)
    if change.error:
        await message.answer(_error(change, "/rol @usuario vendedor"))
        return
    assert change.target is not None
    if message.bot is not None:
        target = change.target
        await set_chat_commands(message.bot, target.id, target.role, target.locale,
                                app.provider.capabilities)
    await message.answer(
        _("{who} is now {role}.").format(
            who=_who(change.target), role=role_name(change.target.role)
        )
    )


ROLE = CommandSpec(role, ("rol",), N_("Make someone a player, seller or admin"), roles=ADMINS,
                   order=250, help=N_("/rol @user vendedor makes someone a jugador, vendedor or "
                                      "admin"))
COMMANDS = (TOP_UP, CREDIT_LIMIT, ROLE)
