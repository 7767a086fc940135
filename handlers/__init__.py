"""Routers in the order they are tried: the sale first, as it is most of a booth's traffic.

aiogram tries routers one by one, so the order costs time (each router passed is ~50 Python
calls) and decides who answers. No update can match two routers except free text: the command
routers answer only commands (``commands_only``), the button routers only their own prefixes
(``buttons``), and free text is the jackpot's price while that step waits for one, otherwise
plays. So the jackpot goes before the sale, a router that reads free text in some state goes
before both, and the fallback (unknown commands, pictures, and the one answer to any button
press no router took: ``handlers.callbacks``) and the error handler go last.

Routers are built per Dispatcher (an aiogram Router belongs to one parent), so tests and
several bots in one process each get their own."""

from aiogram import Router

from handlers import (
    account,
    admin,
    broadcast,
    draws,
    errors,
    jackpot,
    language,
    my_tickets,
    payments,
    reports,
    results,
    risk,
    sales,
    start,
    tickets,
)


def build_root_router() -> Router:
    root = Router(name="root")
    root.include_routers(
        jackpot.make_router(),  # before sales: its price step reads free text
        sales.make_router(),  # free text: anything that is not a command is read as plays
        start.make_router(),
        language.make_router(),
        account.make_router(),
        admin.make_router(),
        broadcast.make_router(),
        payments.make_router(),
        reports.make_router(),
        risk.make_router(),
        tickets.make_router(),
        my_tickets.make_router(),
        results.make_router(),
        draws.make_router(),
        start.make_fallback_router(),  # after every router of buttons: it answers any press
        errors.make_router(),  # the last word when any of them fails
    )
    return root
