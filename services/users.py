"""Who is talking to the bot: registration, roles and language."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.i18n import SUPPORTED_LOCALES
from lottery.money import to_minor
from storage.models import Reason, User, UserRole
from storage.repositories import users as users_repo
from storage.repositories.ledger import Entry


def initial_locale(language_code: str | None, default_locale: str) -> str:
    """Spanish first: Telegram's language only decides when it is one we speak."""
    lang = (language_code or "").split("-")[0].lower()
    return lang if lang in SUPPORTED_LOCALES else default_locale


async def ensure_user(
    session: AsyncSession,
    *,
    telegram_id: int,
    first_name: str | None,
    username: str | None,
    language_code: str | None,
    currency: str,
    admin_ids: Collection[int],
    default_locale: str,
    now: datetime,
) -> User:
    is_admin = telegram_id in admin_ids
    user = await users_repo.ensure_user(
        session,
        telegram_id,
        currency=currency,
        first_name=first_name,
        username=username,
        locale=initial_locale(language_code, default_locale),
        role=UserRole.ADMIN if is_admin else UserRole.PLAYER,
        now=now,
    )
    if is_admin and user.role != UserRole.ADMIN:
        # ADMIN_IDS bootstraps admins; it never demotes one appointed later with /rol.
        await users_repo.set_role(session, telegram_id, UserRole.ADMIN)
    return user


async def saved_locale(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: int
) -> str | None:
    """The language the person chose, read in a session of its own (for when the update's
    unit of work is gone); None for a stranger."""
    async with sessionmaker() as session:
        user = await users_repo.get_user(session, user_id)
    if user is None or user.locale not in SUPPORTED_LOCALES:
        return None
    return str(user.locale)


async def set_locale(session: AsyncSession, user: User, locale: str) -> None:
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(locale)
    await users_repo.set_locale(session, user.id, locale)


class RoleRefused(ValueError):
    """The console was asked to take a stored admin's role away: refused, never done silently."""


async def force_role(
    session: AsyncSession,
    telegram_id: int,
    role: str | None,
    *,
    first_name: str,
    locale: str,
    currency: str,
    now: datetime,
    admin_ids: Collection[int] = frozenset(),
    top_up: Decimal | None = None,
) -> User:
    """Console mode's local user. Without ``role`` a new user is the banca's admin (so that the
    embedded defaults sell at once) and a stored one keeps their role. A role that would demote
    a stored or configured admin raises ``RoleRefused``: a flag must not undo an appointment
    without a word. ``top_up`` credits a player's balance, as ``/recargar`` would."""
    stored = await users_repo.get_user(session, telegram_id)
    wanted = UserRole(role) if role else None
    if wanted is not None and wanted != UserRole.ADMIN and (
        telegram_id in admin_ids or (stored is not None and stored.role == UserRole.ADMIN)
    ):
        raise RoleRefused(telegram_id)
    user = await users_repo.ensure_user(
        session,
        telegram_id,
        currency=currency,
        first_name=first_name,
        locale=initial_locale(locale, "es"),
        role=wanted or UserRole.ADMIN,
        now=now,
    )
    if wanted is not None and user.role != wanted:
        await users_repo.set_role(session, telegram_id, wanted)
    if top_up is not None:
        if user.role != UserRole.PLAYER:
            raise ValueError("only a player holds a balance")
        await users_repo.credit_balance(
            session, telegram_id, to_minor(top_up, user.currency), user.currency,
            Entry(Reason.TOP_UP, "cli", None, now),
        )
    return user
