"""/suscribir and /desuscribir (results pushed to you), /difundir (admins: a message to many,
on the admins' router)."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.callbacks import AnnounceAction, AnnounceButton, SubscriptionButton, answer_stale
from handlers.commands import ADMINS, CommandSpec, register
from handlers.filters import buttons, commands_only
from lottery.catalog import Lottery
from lottery.i18n import N_, _, ngettext
from providers.base import Capability
from services.broadcast import BroadcastTextError, audience
from services.publish import announce as announce_to
from services.subscriptions import set_subscription, subscriptions_of
from storage.models import User, UserRole


async def subscribe(message: Message, command: CommandObject, session: AsyncSession,
                    user: User, app: AppContext) -> None:
    await _toggle(message, command, session, user, app, on=True)


SUBSCRIBE = CommandSpec(subscribe, ("suscribir", "subscribe"))


async def unsubscribe(message: Message, command: CommandObject, session: AsyncSession,
                      user: User, app: AppContext) -> None:
    await _toggle(message, command, session, user, app, on=False)


UNSUBSCRIBE = CommandSpec(unsubscribe, ("desuscribir", "unsubscribe"))


async def _toggle(message: Message, command: CommandObject, session: AsyncSession, user: User,
                  app: AppContext, *, on: bool) -> None:
    if not command.args:
        mine = await subscriptions_of(session, user.id)
        names = ", ".join(app.catalog.lottery(i).name for i in mine if app.catalog.get_lottery(i))
        await message.answer(
            _("Usage: /suscribir LOTTERY (e.g. /suscribir zulia); /desuscribir to stop.") + "\n"
            + (_("You get the results of: {names}.").format(names=escape(names)) if names
               else _("You are not subscribed to any lottery.")))
        return
    lottery = await set_subscription(session, app.catalog, user.id, command.args, on=on,
                                     now=app.clock())
    if lottery is None:
        await message.answer(_("I do not know the lottery «{name}».").format(
            name=escape(command.args)))
    elif on:
        await message.answer(_("🔔 You will get the results of {lottery}.").format(
            lottery=escape(lottery.name)))
    else:
        await message.answer(_("🔕 You will no longer get the results of {lottery}.").format(
            lottery=escape(lottery.name)))


async def announce(message: Message, command: CommandObject, state: FSMContext,
                   session: AsyncSession, app: AppContext) -> None:
    """`/difundir TEXT` to everyone, `/difundir @zulia TEXT` to that lottery's subscribers."""
    text = (command.args or "").strip()
    lottery = None
    if text.startswith("@"):
        first, _sep, text = text.partition(" ")
        lottery = app.catalog.get_lottery(first[1:])
        if lottery is None:
            await message.answer(_("I do not know the lottery «{name}».").format(
                name=escape(first[1:])))
            return
    if not text.strip():
        await message.answer(_("Usage: {usage}").format(
            usage="/difundir TEXTO · /difundir @zulia TEXTO"))
        return
    chats = await audience(session, lottery.id if lottery else None)
    n = len(chats)
    who = (ngettext("{count} subscriber of {lottery}", "the {count} subscribers of {lottery}",
                    n).format(count=n, lottery=escape(lottery.name))
           if lottery else ngettext("{count} active user", "all {count} active users",
                                    n).format(count=n))
    await state.update_data(announce={"text": escape(text.strip()),
                                      "lottery": lottery.id if lottery else None})
    await message.answer(
        _("📣 Send this to {who}?").format(who=who) + "\n\n" + escape(text.strip()),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[
            _announce_button(_("📣 Send"), AnnounceAction.SEND),
            _announce_button(_("✖️ Cancel"), AnnounceAction.NO),
        ], [
            _announce_button(_("⚡ Send as paid broadcast (up to 1,000/s, costs Stars)"),
                             AnnounceAction.PAID),
        ]]))


ANNOUNCE = CommandSpec(
    announce, ("difundir", "broadcast"), N_("Send a message to all users"), roles=ADMINS,
    order=260, help=N_("/difundir TEXT sends a message to all users; /difundir @{lottery} TEXT to "
                       "that lottery's subscribers"),
)


def _announce_button(text: str, action: AnnounceAction) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=AnnounceButton(action=action).pack())


async def announce_confirmed(query: CallbackQuery, callback_data: AnnounceButton,
                             state: FSMContext, session: AsyncSession, user: User,
                             app: AppContext) -> None:
    data = (await state.get_data()).pop("announce", None)
    await state.update_data(announce=None)
    if user.role != UserRole.ADMIN or data is None or not isinstance(query.message, Message):
        await query.answer(_("This confirmation is no longer current."))
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    if callback_data.action is AnnounceAction.NO:
        await query.message.answer(_("✖️ Cancelled: nothing was sent."))
        return
    try:
        await announce_to(session, text=data["text"], lottery_id=data["lottery"],
                          paid=callback_data.action is AnnounceAction.PAID, admin=user,
                          progress_chat=query.message.chat.id, now=app.clock(),
                          wake=app.wake_broadcaster)
    except BroadcastTextError:
        await query.message.answer(_("That text is too long for one message."))


async def subscription_buttons(
    session: AsyncSession, user: User, lotteries: list[Lottery]
) -> InlineKeyboardMarkup:
    """🔔 subscribes, 🔕 unsubscribes: one button per lottery, two per row; a lottery whose id
    cannot be callback data (over 64 bytes, or holding ":") gets none: /suscribir still works."""
    mine = set(await subscriptions_of(session, user.id))
    buttons = []
    for lot in lotteries:
        try:
            data = SubscriptionButton(lottery=lot.id).pack()
        except ValueError:
            continue
        buttons.append(InlineKeyboardButton(
            text=f"{'🔕' if lot.id in mine else '🔔'} {lot.name}", callback_data=data))
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    )


def _shown_lottery(button: InlineKeyboardButton) -> str | None:
    """The lottery of one subscription button of a keyboard, None for any other button."""
    try:
        return SubscriptionButton.unpack(button.callback_data or "").lottery
    except (TypeError, ValueError):
        return None


async def toggle_button(
    query: CallbackQuery, callback_data: SubscriptionButton, session: AsyncSession, user: User,
    app: AppContext,
) -> None:
    lottery = app.catalog.get_lottery(callback_data.lottery)
    if lottery is None:  # no longer sold
        await answer_stale(query)
        return
    if not isinstance(query.message, Message):
        await query.answer()
        return
    on = lottery.id not in await subscriptions_of(session, user.id)
    await set_subscription(session, app.catalog, user.id, lottery.id, on=on, now=app.clock())
    done = (
        _("🔔 You will get the results of {lottery}.")
        if on
        else _("🔕 You will no longer get the results of {lottery}.")
    )
    await query.answer(done.format(lottery=lottery.name))
    markup = query.message.reply_markup
    shown = [
        lot
        for row in (markup.inline_keyboard if markup else [])
        for button in row
        if (shown_id := _shown_lottery(button)) and (lot := app.catalog.get_lottery(shown_id))
    ]
    await query.message.edit_reply_markup(
        reply_markup=await subscription_buttons(session, user, shown or [lottery])
    )


COMMANDS = (SUBSCRIBE, UNSUBSCRIBE, ANNOUNCE)


def make_router(offers: frozenset[Capability]) -> Router:
    """/suscribir, /desuscribir and the buttons; /difundir is on the admins' router."""
    router = register(buttons(commands_only(Router(name="broadcast")), "bc:", "sub:"), COMMANDS,
                      offers)
    router.callback_query.register(announce_confirmed, AnnounceButton.filter())
    router.callback_query.register(toggle_button, SubscriptionButton.filter())
    return router
