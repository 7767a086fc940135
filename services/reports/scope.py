"""Who may see what: sellers their own sales, admins anyone's or everyone's, players none."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.accounts import find_user
from services.reports.errors import ReportError, ReportProblem
from services.reports.period import ReportQuery
from storage.models import User, UserRole


@dataclass(frozen=True)
class Scope:
    """Whose sales: one seller's (``seller``), or everyone's when ``seller`` is None."""

    seller: User | None
    own: bool = False  # the asker's own report


async def resolve_scope(session: AsyncSession, asker: User, query: ReportQuery) -> Scope:
    """Sellers see their own sales; admins anyone's, or everyone's; players have none."""
    if asker.role == UserRole.PLAYER:
        raise ReportProblem(ReportError.PLAYER)
    target = None
    if query.who is not None:
        target = await find_user(session, query.who)
        if target is None:
            raise ReportProblem(ReportError.NO_USER, query.who)
    if asker.role == UserRole.SELLER:
        if query.everyone or (target is not None and target.id != asker.id):
            raise ReportProblem(ReportError.NOT_YOURS)
        return Scope(asker, own=True)
    if target is None:
        return Scope(None)
    return Scope(target, own=target.id == asker.id)


def person_name(user: User | None) -> str | None:
    """How the report names a person: first name (or id) and @username; None for nobody
    (direct player sales)."""
    if user is None:
        return None
    name = user.first_name or str(user.id)
    return f"{name} (@{user.username})" if user.username else name
