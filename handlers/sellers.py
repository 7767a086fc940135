"""A seller's players: /invitar (the seller's invitation link), /jugadores (theirs; an admin's:
everyone), /abonar (a seller tops up their own player from their cupo), /mover (an admin gives
a player another seller). The link is opened as ``/start v<seller id>`` (``handlers.start``)."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import CommandObject
from aiogram.types import Message
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.commands import ADMINS, CommandSpec, register
from handlers.filters import commands_only
from handlers.wallet import refusal_text
from lottery.i18n import N_, _
from presentation.sale_text import money_text
from providers.base import Capability
from services import sellers
from services.money_words import Refusal
from services.outbox import queue_texts
from storage.models import User, UserRole

SELLERS = frozenset({UserRole.SELLER})


def who(user: User) -> str:
    name = escape(user.first_name or "")
    return f"{name} (@{escape(user.username)})" if user.username else f"{name} ({user.id})"


async def tell_credited(session: AsyncSession, app: AppContext, message: Message, player: User,
                        amount: int) -> None:
    """The player hears of the money through the outbox, committed with the credit by the unit
    of work (so a credit rolled back is never announced), once per update (a redelivered one
    makes the same key); the senders are woken once that commit is made."""
    news = _("{amount} were credited to your balance. Balance: {balance}.").format(
        amount=money_text(amount, app, player, minor=True),
        balance=money_text(player.balance, app, player, minor=True))
    await queue_texts(session, messages={player.id: news}, now=app.clock(),
                      key=f"credit:{message.chat.id}:{message.message_id}")
    event.listen(session.sync_session, "after_commit", lambda _s: app.wake_broadcaster(),
                 once=True)


def _for_sellers(user: User, *, admins_too: bool = False) -> str | None:
    """The refusal for a role the command is not for, else None."""
    if user.role == UserRole.SELLER or (admins_too and user.role == UserRole.ADMIN):
        return None
    return _("This command is for sellers.")


async def invite(message: Message, user: User) -> None:
    refused = _for_sellers(user)
    if refused or message.bot is None:
        await message.answer(refused or "")
        return
    me = await message.bot.me()
    link = f"https://t.me/{me.username}?start={sellers.invite_payload(user)}"
    await message.answer(_(
        "Send this link to your players: whoever opens it becomes your player, and their "
        "top-up requests come to you.\n{link}").format(link=escape(link)))


INVITE = CommandSpec(invite, ("invitar", "invite"), N_("Your link to invite players"),
                     roles=SELLERS, order=206,
                     help=N_("/invitar gives your link to invite players"))


async def list_players(message: Message, session: AsyncSession, user: User,
                       app: AppContext) -> None:
    refused = _for_sellers(user, admins_too=True)
    if refused:
        await message.answer(refused)
        return
    people = await sellers.players(session, user)
    if not people:
        await message.answer(_("You have no players yet. /invitar gives your link."))
        return
    lines = [_("<b>Players</b>")]
    for p in people:
        line = f"{who(p)} · {money_text(p.balance, app, user, minor=True)}"
        if user.role == UserRole.ADMIN and p.seller_id is not None:
            line += " · " + _("seller {id}").format(id=p.seller_id)
        lines.append(line)
    await message.answer("\n".join(lines))


PLAYERS = CommandSpec(list_players, ("jugadores", "players"), N_("Your players and balances"),
                      roles=frozenset({UserRole.SELLER, UserRole.ADMIN}), order=207,
                      help=N_("/jugadores your players and their balances"))


def _refused(refusal: Refusal, app: AppContext, *, usage: str, unknown: str) -> str:
    """A refused seller's command: its own usage line, who was not found, or the shared reason."""
    if refusal is Refusal.USAGE:
        return usage
    if refusal is Refusal.NOT_FOUND:
        return unknown
    return refusal_text(refusal, app)


async def credit_player(message: Message, command: CommandObject, session: AsyncSession,
                        user: User, app: AppContext) -> None:
    refused = _for_sellers(user)
    if refused:
        await message.answer(refused)
        return
    change = await sellers.top_up_player(session, user, command.args, app.clock())
    if change.refusal is not None:
        await message.answer(_refused(
            change.refusal, app, usage=_("Usage: /abonar @player AMOUNT, e.g. /abonar @ana 500."),
            unknown=_("I do not know that player.")))
        return
    assert change.player is not None and change.amount is not None
    await tell_credited(session, app, message, change.player, change.amount)
    await message.answer(_("Credited {amount} to {who}; it goes on your account with the banca. "
                           "Balance now: {balance}.").format(
        amount=money_text(change.amount, app, user, minor=True), who=who(change.player),
        balance=money_text(change.player.balance, app, user, minor=True)))


CREDIT = CommandSpec(credit_player, ("abonar",), N_("Top up one of your players in cash"),
                     roles=SELLERS, order=208,
                     help=N_("/abonar @player AMOUNT tops up your player with cash you took"))


async def move_player(message: Message, command: CommandObject, session: AsyncSession,
                      user: User, app: AppContext) -> None:
    change = await sellers.move(session, user, command.args, app.clock())
    if change.refusal is not None:
        await message.answer(_refused(
            change.refusal, app, usage=_("Usage: /mover @player @seller (or ninguno)."),
            unknown=_("I do not know that player or seller.")))
        return
    assert change.player is not None
    if change.seller is None:
        await message.answer(_("{who} has no seller now.").format(who=who(change.player)))
    else:
        await message.answer(_("{who} is now a player of {seller}.").format(
            who=who(change.player), seller=who(change.seller)))


MOVE = CommandSpec(move_player, ("mover",), N_("Give a player another seller"), roles=ADMINS,
                   order=255, help=N_("/mover @player @seller moves a player to a seller"))

COMMANDS = (INVITE, PLAYERS, CREDIT, MOVE)


def make_router(offers: frozenset[Capability]) -> Router:
    return register(commands_only(Router(name="sellers")), COMMANDS, offers)
