"""The admins' commands, under one router that gives anyone else the one refusal.

Every command declared for admins only (``roles=ADMINS`` in ``handlers.commands``) is
registered here, whatever module holds its handler; the router takes only those commands, and
its first handler answers whoever is not an admin, so none of the commands checks the role.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import Router
from aiogram.filters import Command, Filter
from aiogram.types import Message

from handlers.commands import CommandSpec, register
from handlers.filters import commands_only
from lottery.i18n import _
from providers.base import Capability
from storage.models import User, UserRole


class _NotAdmin(Filter):
    async def __call__(self, message: Message, user: User | None = None) -> bool:
        return user is None or user.role != UserRole.ADMIN


async def refuse(message: Message) -> None:
    await message.answer(_("This command is for the banca's admins only."))


def make_router(specs: Sequence[CommandSpec], offers: frozenset[Capability]) -> Router:
    """``specs``' admin-only commands, as they are with ``offers``, behind the role check."""
    mine = [spec for spec in specs if spec.admin_only]
    router = commands_only(Router(name="admin"))
    router.message.filter(Command(*(name for spec in mine for name in spec.names)))
    router.message.register(refuse, _NotAdmin())
    return register(router, mine, offers, admin_only=True)
