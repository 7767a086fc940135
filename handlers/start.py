"""/start and /help: who the bot is for this person, and how to write plays."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import set_chat_commands
from bot.context import AppContext
from handlers.callbacks import answer_stale
from handlers.commands import CommandSpec, declared, register, role_help
from handlers.filters import COMMAND_TEXT, PRIVATE_NOT_TEXT, commands_only
from lottery.catalog import Catalog
from lottery.i18n import N_, _
from providers.base import Capability
from services import sellers
from services.help import admin_examples, amount_examples, examples_for, provider_help
from storage.models import User, UserRole


def _role_intro(user: User) -> str:
    if user.role == UserRole.ADMIN:
        return _(
            "You are an <b>admin</b> of this banca: you manage users and roles, lotteries and "
            "draws, enter results, broadcast them and see the reports."
        )
    if user.role == UserRole.SELLER:
        return _(
            "You are a <b>seller</b>: you sell to your customers against your credit limit and "
            "earn a commission on every sale."
        )
    return _(
        "Here you buy your lottery plays with your balance. Write them as you always do and "
        "I will show you the total before selling."
    )


def _role_help(user: User, offers: frozenset[Capability], catalog: Catalog) -> list[str]:
    """What a seller or an admin can do besides buying (their commands' help lines): a player's
    /help says nothing of it."""
    if user.role == UserRole.PLAYER:
        return []
    lines = [
        "",
        _("<b>For sellers</b>") if user.role == UserRole.SELLER else _("<b>For admins</b>"),
    ]
    if Capability.SELLS_PLAYS in offers:  # betcards carry no customer's name
        lines.append(
            _("• A line <code>cliente: Juan</code> puts your customer's name on the ticket."))
    examples = {k: escape(v) for k, v in admin_examples(catalog).items()}
    return lines + role_help(declared(), offers, user.role, examples)


async def start(message: Message, command: CommandObject, session: AsyncSession, user: User,
                app: AppContext) -> None:
    joined = await sellers.join(session, user, command.args, app.clock())
    seller_line = ""
    if joined.new and joined.seller is not None:
        seller_line = "\n\n" + _("You are now a player of {seller}: your top-up requests go "
                                   "to them.").format(seller=escape(joined.seller.first_name or ""))
    if user.role != UserRole.PLAYER and message.bot is not None:
        await set_chat_commands(message.bot, user.id, user.role, user.locale,
                                app.provider.capabilities)
    name = escape(user.first_name or "")
    examples = "\n".join(f"<code>{escape(e)}</code>" for e in examples_for(app.catalog)[:2])
    await message.answer(
        _("Hello, {name}! I am {brand}, your lottery ticket booth.").format(
            name=name, brand=escape(app.settings.brand_name)
        )
        + "\n\n"
        + _role_intro(user)
        + seller_line
        + "\n\n"
        + _("For example:")
        + "\n"
        + examples
        + "\n\n"
        + _("/help shows how to write plays; /idioma changes the language.")
    )


START = CommandSpec(start, ("start",), N_("Start and see what I can do for you"), order=10)


async def help_(message: Message, user: User, app: AppContext) -> None:
    offers = app.provider.capabilities
    if Capability.SELLS_PLAYS not in offers:
        lines = [*provider_help(offers), "", _(
            "/tickets your tickets (reprint, cancel, repeat) · /resultados results · "
            "/premio SERIAL checks a prize · /pagar SERIAL PIN collects it · /saldo your balance"
        ), *_role_help(user, offers, app.catalog)]
        await message.answer("\n".join(lines))
        return
    lines = [
        _("<b>How to write plays</b>"),
        _("Write the number, the amount and the lottery with its draw time, one play per line:"),
        "",
        *(f"<code>{escape(e)}</code>" for e in examples_for(app.catalog)),
        "",
        _("• The amount goes after the plays: {forms}.").format(
            forms=", ".join(f"<code>{escape(f)}</code>" for f in amount_examples(app.catalog))
        ),
        _("• Without a time, the next open draw is used."),
        _("• A lottery alone on the first line applies to the lines below it."),
        _(
            "• Before selling I show you the ticket and its total; "
            "nothing is sold until you confirm."
        ),
        "",
        _("/sorteos the open draws and what each game pays"),
        "",
        *(line + "\n" for line in provider_help(offers)),
        _(
            "/tickets your tickets (reprint, cancel, repeat) · /resultados results · "
            "/premio SERIAL checks a prize · /pagar SERIAL PIN collects it · /saldo your balance"
        ),
        *_role_help(user, offers, app.catalog),
    ]
    await message.answer("\n".join(lines))


HELP = CommandSpec(help_, ("help", "ayuda"), N_("How to write plays"), order=20)


async def unknown_command(message: Message) -> None:
    await message.answer(_("I do not know that command. /help lists what I can do."))


async def not_text(message: Message, app: AppContext) -> None:
    """A photo, a voice note, a sticker…: sellers send pictures of handwritten lists, and
    silence would look like a sale in progress."""
    if Capability.SELLS_PLAYS not in app.provider.capabilities:
        await message.answer(_("I only read text. Send /jackpot to buy a jackpot ticket."))
        return
    example = next(iter(examples_for(app.catalog)), "")
    text = _("I only read text: write your plays, for example {example}. /help shows how.")
    await message.answer(text.format(example=f"<code>{escape(example)}</code>"))


async def stale_button(query: CallbackQuery) -> None:
    """A press no router took: data none of our keyboards sends now (an old or forged button,
    an id out of range). Answered all the same, or the button would keep spinning."""
    await answer_stale(query)


def make_fallback_router() -> Router:
    """Commands no other router took, private messages that are not text, and button presses
    no other router took; included last."""
    router = Router(name="fallback")
    router.message.register(unknown_command, COMMAND_TEXT)
    router.message.register(not_text, PRIVATE_NOT_TEXT)
    router.callback_query.register(stale_button)
    return router


COMMANDS = (START, HELP)


def make_router(offers: frozenset[Capability]) -> Router:
    return register(commands_only(Router(name="start")), COMMANDS, offers)
