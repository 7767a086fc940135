"""The banca's controls from the chat (admins only): topes, blocked numbers, sellers' limits,
payouts, suspended and early-closed draws, closing minutes, alerts; /limites lists them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram.filters import CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from handlers.commands import ADMINS, CommandSpec
from lottery.control_input import ControlInputError
from lottery.i18n import N_, _
from presentation.formatting import Formatter
from providers.base import Capability
from services import alert_commands as ac
from services import control_commands as cc
from services import draw_controls as dc
from services.controls import read_live, refresh_app
from storage.models import User

Action = Callable[[cc.Ctx, str | None], Awaitable[str]]


def _run(action: Action, *, anywhere: bool = False) -> Callable[..., Awaitable[None]]:
    """``anywhere``: also with a remote provider (the alerts: its watchdog tells that chat),
    on the controls read from the database for this update."""

    async def handler(message: Message, command: CommandObject, session: AsyncSession,
                      user: User, fmt: Formatter, app: AppContext) -> None:
        if app.controls is not None:
            await refresh_app(session, app)
            live = app.controls
        elif anywhere:
            live = await read_live(session, app.catalog)
        else:
            await not_here(message)
            return
        ctx = cc.Ctx(session, live, user, app.clock(), fmt, message.chat.id)
        try:
            text = await action(ctx, command.args)
        except (ControlInputError, ValueError) as exc:
            text = "⚠️ " + (exc.message if isinstance(exc, ControlInputError) else _(
                "That amount has too many decimals."))
        if app.controls is not None:
            app.catalog = app.controls.catalog
        await message.answer(text)

    handler.__name__ = action.__name__
    return handler


async def not_here(message: Message) -> None:
    await message.answer(_("These controls are for a bot that is the banca itself (house "
                           "mode): here the lottery system sets them."))


def _spec(action: Action, names: tuple[str, ...], menu: str, order: int, help_: str, *,
          anywhere: bool = False) -> CommandSpec:
    """Only /limites goes in the menu (it lists the others' effect); /help lists them all."""
    return CommandSpec(_run(action, anywhere=anywhere), names,
                       menu if names[0] == "limites" else "", roles=ADMINS, order=order,
                       needs=None if anywhere else Capability.ENTERS_RESULTS,
                       otherwise=None if anywhere else not_here, help=help_)


TOPE = _spec(cc.tope, ("tope",), N_("Set the tope per number"), 261,
             N_("/tope zamorano [triple] [555] [4pm|hoy] 50 sets the tope per number and draw "
                "(quitar: back to the catalog's)"))
BLOCK = _spec(cc.block, ("quemar", "bloquear", "block"), N_("Block a number"), 262,
              N_("/quemar zamorano 555 [4pm|hoy] stops selling a number (for a draw, a day, "
                 "or until /liberar)"))
UNBLOCK = _spec(cc.unblock, ("liberar", "desbloquear", "unblock"), N_("Unblock a number"), 263,
                N_("/liberar zamorano 555 sells it again"))
SELLER = _spec(cc.seller_limit, ("limite", "limit"), N_("Set a seller's own limits"), 264,
               N_("/limite @seller ticket 500 (or numero 100) sets a seller's largest ticket "
                  "or most per number"))
LISTING = _spec(cc.listing, ("limites", "controles", "limits"), N_("What is in force"), 265,
                N_("/limites [lottery] lists the topes, blocks, limits and changes in force"))
PAYOUT = _spec(cc.payout, ("pago", "payout"), N_("Change a payout"), 266,
               N_("/pago zamorano triple 500 changes what a game pays, for tickets sold "
                  "from now on"))
SUSPEND = _spec(dc.suspend, ("suspender", "suspend"), N_("Suspend a lottery or a draw"), 267,
                N_("/suspender zamorano [4pm] REASON stops its sales, telling buyers why"))
CLOSE = _spec(dc.close_early, ("cerrar", "close"), N_("Close a draw early"), 268,
              N_("/cerrar zamorano 4pm closes that draw's sales now"))
REOPEN = _spec(dc.reopen, ("reabrir", "reopen"), N_("Reopen a lottery or a draw"), 269,
               N_("/reabrir zamorano [4pm] ends a suspension or an early close"))
CLOSING = _spec(dc.closing_minutes, ("cierre", "closing"), N_("Minutes before a draw when "
                                                               "sales close"), 270,
                N_("/cierre zamorano 10 closes sales 10 minutes before each draw"))
ALERTS = _spec(ac.alerts, ("alertas", "alerts"), N_("Where the banca's alerts go"), 271,
               N_("/alertas aqui sends the banca's alerts to this chat; /alertas ticket 500, "
                  "/alertas riesgo 80 set what raises them"), anywhere=True)
GAME = _spec(cc.game, ("juego", "game"), N_("Stop or resume selling a game"), 272,
             N_("/juego zamorano terminal no stops selling a game in a lottery (si: sells it "
                "again)"))
COMMANDS = (TOPE, BLOCK, UNBLOCK, SELLER, LISTING, PAYOUT, SUSPEND, CLOSE, REOPEN, CLOSING,
            ALERTS, GAME)
