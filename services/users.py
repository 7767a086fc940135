"""Who is talking to the bot: registration, roles and language."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.i18n import SUPPORTED_LOCALES
from storage.models import User, UserRole
from storage.repositories import users as users_repo


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


async def force_role(
    session: AsyncSession,
    telegram_id: int,
    role: str,
    *,
    first_name: str,
    locale: str,
    currency: str,
    now: datetime,
) -> User:
    """Console mode's local user takes the role given on the command line."""
    user = await users_repo.ensure_user(
        session,
        telegram_id,
        currency=currency,
        first_name=first_name,
        locale=initial_locale(locale, "es"),
        role=UserRole(role),
        now=now,
    )
    await users_repo.set_role(session, telegram_id, UserRole(role))
    return user
