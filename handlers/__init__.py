"""Routers in the order they are tried: the sale first, as it is most of a booth's traffic.

aiogram tries routers one by one, so the order costs time (each router passed is ~50 Python
calls) and decides who answers. No update can match two routers except free text: the command
routers answer only commands (``commands_only``), the button routers only their own prefixes
(``buttons``), and free text is the jackpot's price while that step waits for one, otherwise
plays. So the jackpot goes before the sale, a router that reads free text in some state goes
before both, and the fallback (unknown commands, pictures, and the one answer to any button
press no router took: ``handlers.callbacks``) and the error handler go last.

The commands every module declares (its ``COMMANDS``, see ``handlers.commands``) make the
commands menu and /help's role section; the admins' ones are registered together, after every
other command, under the router that checks the role (``handlers.admin_only``).

Routers are built per Dispatcher (an aiogram Router belongs to one parent), so tests and
several bots in one process each get their own, and for what the provider offers: a command it
does not offer gives the answer its declaration has for that."""

from types import ModuleType

from aiogram import Router

from handlers import (
    account,
    admin,
    admin_only,
    banca,
    broadcast,
    controls,
    cuadre,
    draws,
    errors,
    jackpot,
    language,
    my_tickets,
    payments,
    reports,
    results,
    risk,
    sale_split,
    sales,
    sellers,
    start,
    statements,
    tickets,
    wallet,
)
from handlers.commands import CommandSpec
from providers.base import Capability

ROUTED: tuple[ModuleType, ...] = (
    jackpot,  # before sales: its price step reads free text
    sales,  # free text: anything that is not a command is read as plays
    sale_split,  # a big order's split button
    start,
    language,
    account,
    wallet,
    sellers,
    cuadre,
    statements,
    broadcast,
    payments,
    reports,
    tickets,
    my_tickets,
    results,
    draws,
)
"""The modules with a router of their own (``make_router``), in the order they are tried."""

ADMINS_ONLY: tuple[ModuleType, ...] = (admin, risk, controls, banca)
"""The modules whose every command is for admins: they have no router of their own."""

DECLARED: tuple[CommandSpec, ...] = tuple(
    spec for module in (*ROUTED, *ADMINS_ONLY) for spec in getattr(module, "COMMANDS", ())
)
"""Every command, as its module declares it."""


def build_root_router(offers: frozenset[Capability]) -> Router:
    """The bot's routers for a provider that offers ``offers``."""
    root = Router(name="root")
    root.include_routers(
        *(module.make_router(offers) for module in ROUTED),
        admin_only.make_router(DECLARED, offers),
        start.make_fallback_router(),  # after every router of buttons: it answers any press
        errors.make_router(),  # the last word when any of them fails
    )
    return root
