"""Tickets: exactly-once booking by reference, guarded status changes, PIN lockout."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PaidHow, TicketStatus, UserRole, WagerOutcome
from storage.repositories import draws, tickets, users
from storage.repositories.draws import DrawSpec
from storage.repositories.tickets import NewWager, SerialTaken

NOW = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
PLAYER, SELLER, ADMIN = 100, 200, 300


async def setup_world(session: AsyncSession) -> int:
    await users.ensure_user(session, PLAYER, currency="VES")
    await users.ensure_user(session, SELLER, currency="VES", role=UserRole.SELLER)
    await users.ensure_user(session, ADMIN, currency="VES", role=UserRole.ADMIN)
    at = datetime(2026, 11, 23, 16, 45, tzinfo=UTC)
    spec = DrawSpec(at, date(2026, 11, 23), time(12, 45), "America/Caracas")
    await draws.ensure_draws(session, "zulia", [spec])
    draw = await draws.find_draw(session, "zulia", at)
    assert draw is not None
    return draw.id


async def sell(session: AsyncSession, draw_id: int, serial: str, reference: str, **kw: object):
    wagers = [
        NewWager("zulia", draw_id, "triple", "123", None, 500),
        NewWager("zulia", draw_id, "triple_sign", "123", "ARI", 250),
    ]
    args: dict[str, object] = {
        "serial": serial,
        "reference": reference,
        "pin_hash": "scrypt$salt$hash",
        "provider": "house",
        "buyer_id": PLAYER,
        "total": 750,
        "currency": "VES",
        "created_at": NOW,
        "cancel_deadline": NOW + timedelta(minutes=3),
        "wagers": wagers,
    } | kw
    return await tickets.create_ticket(session, **args)  # type: ignore[arg-type]


async def test_create_and_read_back(session: AsyncSession) -> None:
    draw_id = await setup_world(session)
    ticket, created = await sell(
        session, draw_id, "VE-0001", "ref-1", seller_id=SELLER, customer_name="Don José"
    )
    await session.commit()
    assert created
    session.expunge_all()

    again = await tickets.get_ticket_by_serial(session, "VE-0001")
    assert again is not None and again.id == ticket.id
    assert (again.status, again.total, again.currency, again.customer_name) == (
        TicketStatus.PENDING,
        750,
        "VES",
        "Don José",
    )
    assert again.created_at == NOW and again.cancel_deadline == NOW + timedelta(minutes=3)
    assert [(w.position, w.game, w.number, w.sign, w.amount) for w in again.wagers] == [
        (1, "triple", "123", None, 500),
        (2, "triple_sign", "123", "ARI", 250),
    ]
    assert all(w.outcome is WagerOutcome.PENDING for w in again.wagers)
    mine = await tickets.list_tickets(session, buyer_id=PLAYER)
    assert [t.serial for t in mine] == ["VE-0001"]
    assert [t.serial for t in await tickets.list_tickets(session, seller_id=SELLER)] == ["VE-0001"]
    assert await tickets.list_tickets(session, seller_id=PLAYER) == []


async def test_same_reference_books_once(session: AsyncSession) -> None:
    draw_id = await setup_world(session)
    first, created = await sell(session, draw_id, "VE-0001", "ref-1")
    replay, created_again = await sell(session, draw_id, "VE-0002", "ref-1")
    await session.commit()  # no database error was raised: the transaction is intact
    assert created and not created_again
    assert replay.id == first.id and replay.serial == "VE-0001"
    assert len(await tickets.list_tickets(session, buyer_id=PLAYER)) == 1


async def test_serial_collision_asks_for_another_serial(session: AsyncSession) -> None:
    draw_id = await setup_world(session)
    await sell(session, draw_id, "VE-0001", "ref-1")
    with pytest.raises(SerialTaken):
        await sell(session, draw_id, "VE-0001", "ref-2")
    _, created = await sell(session, draw_id, "VE-0002", "ref-2")
    await session.commit()
    assert created


async def test_status_changes_are_guarded(session: AsyncSession) -> None:
    draw_id = await setup_world(session)
    ticket, _ = await sell(session, draw_id, "VE-0001", "ref-1")

    assert not await tickets.void_ticket(session, ticket.id, now=NOW)  # pending: not voidable
    assert await tickets.mark_sold(session, ticket.id, provider_ticket_id="P-77")
    assert not await tickets.mark_sold(session, ticket.id)
    assert (ticket.status, ticket.provider_ticket_id) == (TicketStatus.SOLD, "P-77")

    assert not await tickets.mark_paid(
        session, ticket.id, paid_by=ADMIN, how=PaidHow.CASH, now=NOW
    )  # not a winner
    assert await tickets.settle_ticket(session, ticket.id, prize=300_000)
    assert ticket.status is TicketStatus.WINNER and ticket.prize == 300_000
    assert await tickets.mark_paid(
        session, ticket.id, paid_by=ADMIN, how=PaidHow.BALANCE, now=NOW + timedelta(hours=5)
    )
    assert not await tickets.mark_paid(
        session, ticket.id, paid_by=ADMIN, how=PaidHow.CASH, now=NOW
    )  # paid once
    assert not await tickets.settle_ticket(session, ticket.id, prize=0)  # paid is final
    await session.commit()
    session.expunge_all()

    paid = await tickets.get_ticket(session, ticket.id)
    assert paid is not None
    assert (paid.status, paid.paid_by, paid.paid_how, paid.paid_at) == (
        TicketStatus.PAID,
        ADMIN,
        PaidHow.BALANCE,
        NOW + timedelta(hours=5),
    )


async def test_void_only_inside_the_cancel_window(session: AsyncSession) -> None:
    draw_id = await setup_world(session)
    late, _ = await sell(session, draw_id, "VE-0001", "ref-1")
    on_time, _ = await sell(session, draw_id, "VE-0002", "ref-2")
    for t in (late, on_time):
        await tickets.mark_sold(session, t.id)

    after_window = NOW + timedelta(minutes=3, seconds=1)
    assert not await tickets.void_ticket(session, late.id, now=after_window)
    assert await tickets.void_ticket(session, late.id, now=after_window, enforce_deadline=False)
    assert await tickets.void_ticket(session, on_time.id, now=NOW + timedelta(minutes=3))
    assert not await tickets.void_ticket(session, on_time.id, now=NOW)  # already void
    assert on_time.status is TicketStatus.VOID and on_time.voided_at == NOW + timedelta(minutes=3)


async def test_pin_attempts_are_reserved_under_the_limit(session: AsyncSession) -> None:
    draw_id = await setup_world(session)
    ticket, _ = await sell(session, draw_id, "VE-0001", "ref-1")
    assert await tickets.mark_sold(session, ticket.id)
    assert not (await tickets.reserve_pin_attempt(session, ticket.id, now=NOW,
                                                  max_failures=3)).reserved  # not a winner
    assert await tickets.settle_ticket(session, ticket.id, prize=1000)
    lock = NOW + timedelta(minutes=15)
    for n in (1, 2, 3):
        attempt = await tickets.reserve_pin_attempt(session, ticket.id, now=NOW, max_failures=3)
        assert (attempt.reserved, attempt.failures) == (True, n)
    await tickets.lock_pin_payment(session, ticket.id, until=lock)
    refused = await tickets.reserve_pin_attempt(session, ticket.id, now=NOW, max_failures=3)
    assert (refused.reserved, refused.failures, refused.locked_until) == (False, 3, lock)

    fresh = await tickets.reserve_pin_attempt(session, ticket.id, now=lock, max_failures=3)
    assert (fresh.reserved, fresh.failures, fresh.locked_until) == (True, 1, None)
    await tickets.give_back_pin_attempt(session, ticket.id)
    await session.commit()
    session.expunge_all()
    stored = await tickets.get_ticket(session, ticket.id)
    assert stored is not None and (stored.pin_failures, stored.locked_until) == (0, None)


async def test_wagers_for_draw_and_outcomes(session: AsyncSession) -> None:
    draw_id = await setup_world(session)
    sold, _ = await sell(session, draw_id, "VE-0001", "ref-1")
    await sell(session, draw_id, "VE-0002", "ref-2")  # stays pending: not evaluated
    await tickets.mark_sold(session, sold.id)

    wagers = await tickets.wagers_for_draw(session, draw_id)
    assert [(w.ticket_id, w.position) for w in wagers] == [(sold.id, 1), (sold.id, 2)]
    assert await tickets.set_wager_outcome(session, wagers[0].id, WagerOutcome.WON, prize=300_000)
    assert await tickets.set_wager_outcome(session, wagers[1].id, WagerOutcome.LOST, prize=0)
    await session.commit()
    session.expunge_all()
    again = await tickets.get_ticket(session, sold.id)
    assert again is not None
    assert [(w.outcome, w.prize) for w in again.wagers] == [
        (WagerOutcome.WON, 300_000),
        (WagerOutcome.LOST, 0),
    ]
