"""A person's tickets: the ones they bought, or sold as a seller; admins may open any."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Ticket, TicketStatus, User, UserRole
from storage.repositories import tickets as tickets_repo

PAGE = 5
SHOWN = tuple(s for s in TicketStatus if s is not TicketStatus.REJECTED)


async def page_of_tickets(session: AsyncSession, user: User, offset: int) -> Sequence[Ticket]:
    """One page plus one ticket, so the caller knows whether there is a next page."""
    if user.role in (UserRole.SELLER, UserRole.ADMIN):
        return await tickets_repo.list_tickets(
            session, seller_id=user.id, statuses=SHOWN, limit=PAGE + 1, offset=offset
        )
    return await tickets_repo.list_tickets(
        session, buyer_id=user.id, statuses=SHOWN, limit=PAGE + 1, offset=offset
    )


async def last_ticket(session: AsyncSession, user: User) -> Ticket | None:
    page = await page_of_tickets(session, user, 0)
    return page[0] if page else None


def may_see(ticket: Ticket, user: User) -> bool:
    return user.role == UserRole.ADMIN or user.id in (ticket.buyer_id, ticket.seller_id)


async def ticket_for(session: AsyncSession, user: User, ticket_id: int) -> Ticket | None:
    ticket = await tickets_repo.get_ticket(session, ticket_id)
    return ticket if ticket is not None and may_see(ticket, user) else None
