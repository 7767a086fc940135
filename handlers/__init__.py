"""Routers in the order they are tried: commands first, free text (plays) last.

Routers are built per Dispatcher (an aiogram Router belongs to one parent), so tests and
several bots in one process each get their own."""

from aiogram import Router

from handlers import (
    account,
    admin,
    broadcast,
    errors,
    jackpot,
    language,
    my_tickets,
    payments,
    reports,
    results,
    sales,
    start,
    tickets,
)


def build_root_router() -> Router:
    root = Router(name="root")
    root.include_routers(
        start.make_router(),
        language.make_router(),
        account.make_router(),
        admin.make_router(),
        broadcast.make_router(),
        payments.make_router(),
        reports.make_router(),
        tickets.make_router(),
        my_tickets.make_router(),
        results.make_router(),
        jackpot.make_router(),  # before sales: its price step reads free text
        sales.make_router(),  # free text: anything that is not a command is read as plays
        start.make_fallback_router(),
        errors.make_router(),  # the last word when any of them fails
    )
    return root
