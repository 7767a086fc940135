"""Each command is declared once, beside its handler; its router, the commands menu, /help's
role section and the admins' role check are made from the declarations.

A :class:`CommandSpec` names its handler; its names (the first is the one the menu shows, then
the other words people type, Spanish and English); its menu description (one for every role, or
one per role); the roles it is for; where it sits in the menu; the provider capability it needs
(``providers.base.Capability``) and what it answers where the provider lacks it; and its line in
/help's role section. Each handler module lists its declarations in ``COMMANDS``, and
``handlers/__init__.py`` lists the modules; from there:

- the module's router (its ``make_router``) registers the commands for everyone
  (:func:`register`), and ``handlers/admin_only.py`` gathers the admins' commands under one
  router that answers anyone else with the one refusal: no handler checks the role;
- ``bot/commands.py`` sets each role's menu in each language (:func:`menu`);
- /help lists each role's lines (:func:`role_help`).

To add a command (three files: its handler module and the two catalogs; ``handlers/__init__.py``
too when the module is new: ``ROUTED``, or ``ADMINS_ONLY`` when all its commands are for
admins), write its handler and, below it, its declaration, and list that in the module's
``COMMANDS``::

    async def ping(message: Message) -> None:
        await message.answer(_("Pong."))

    PING = CommandSpec(ping, ("ping",), N_("Check that I answer"), order=115)
    COMMANDS = (VERIFY, PING)

``roles=ADMINS`` makes it an admins' command; ``needs=Capability.X`` keeps it out of the menu
and /help where the provider does not offer X, and answers with ``otherwise`` there instead (or
not at all: then the bot does not know the command). Then append its msgids (the description,
the help line, the answers) to both catalogs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiogram import Router
from aiogram.filters import Command

from lottery.i18n import gettext
from providers.base import Capability
from storage.models import UserRole

Handler = Callable[..., Any]
Text = str | Mapping[UserRole, str]
"""An ``N_()`` msgid for every role, or one per role (a role left out gets none)."""

EVERYONE = frozenset(UserRole)
STAFF = frozenset({UserRole.SELLER, UserRole.ADMIN})
ADMINS = frozenset({UserRole.ADMIN})


@dataclass(frozen=True, eq=False)
class CommandSpec:
    """One command: see the module's docstring."""

    handler: Handler
    #: the first is the menu's; every one of them works when typed
    names: tuple[str, ...]
    #: the menu's description; "" keeps the command out of the menu (it still works)
    menu: Text = ""
    roles: frozenset[UserRole] = EVERYONE
    #: its place in the menu (everyone's commands first, then the roles' own)
    order: int = 0
    needs: Capability | None = None
    #: the handler where the provider lacks ``needs``; None: the command is not there at all
    otherwise: Handler | None = None
    #: its line in /help's role section (players' /help is the plays guide: none)
    help: Text = ""
    #: its line's place in /help's role section, when not ``order``
    help_order: int | None = None

    @property
    def admin_only(self) -> bool:
        return self.roles == ADMINS

    def offered(self, offers: frozenset[Capability]) -> bool:
        return self.needs is None or self.needs in offers

    def menu_text(self, role: UserRole) -> str:
        return _for(self.menu, role) if role in self.roles else ""

    def help_text(self, role: UserRole) -> str:
        return _for(self.help, role) if role in self.roles else ""

    def handler_for(self, offers: frozenset[Capability]) -> Handler | None:
        return self.handler if self.offered(offers) else self.otherwise


def _for(text: Text, role: UserRole) -> str:
    return text if isinstance(text, str) else text.get(role, "")


def register(
    router: Router, specs: Iterable[CommandSpec], offers: frozenset[Capability], *,
    admin_only: bool = False,
) -> Router:
    """Register on ``router`` the handler each of ``specs`` has with ``offers``: those for
    everyone, or (``admin_only``, for ``handlers.admin_only``) those for admins only."""
    for spec in specs:
        handler = spec.handler_for(offers)
        if spec.admin_only is admin_only and handler is not None:
            router.message.register(handler, Command(*spec.names))
    return router


def menu(
    specs: Sequence[CommandSpec], offers: frozenset[Capability], role: UserRole
) -> list[tuple[str, str]]:
    """``role``'s commands menu: (name, untranslated description), in menu order."""
    listed = [s for s in specs if s.offered(offers) and s.menu_text(role)]
    return [(s.names[0], s.menu_text(role)) for s in sorted(listed, key=lambda s: s.order)]


def role_help(
    specs: Sequence[CommandSpec], offers: frozenset[Capability], role: UserRole,
    examples: Mapping[str, str] | None = None,
) -> list[str]:
    """The lines /help gives ``role`` about its own commands, in the reader's language, their
    ``{lottery}`` and ``{result}`` filled from ``examples`` (the catalog in use: a Costa Rica
    banca is not shown Venezuelan lotteries)."""
    listed = [s for s in specs if s.offered(offers) and s.help_text(role)]
    listed.sort(key=lambda s: s.order if s.help_order is None else s.help_order)
    lines = [gettext(s.help_text(role)) for s in listed]
    for name, value in (examples or {}).items():  # replace, not format: a line may hold braces
        lines = [line.replace("{" + name + "}", value) for line in lines]
    return lines


def declared() -> tuple[CommandSpec, ...]:
    """Every command, as its module declares it (``handlers.DECLARED``)."""
    import handlers  # the package imports every module, and they this one: read it when asked

    return handlers.DECLARED
