"""Prepared statements (speed/prepared.py): on SQLite they run straight on the driver, on
PostgreSQL through SQLAlchemy; either way the same answers, in the session's transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.exc import NoResultFound, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bot import fsm_storage as fsm
from providers.house.booking import _claim_stmt
from speed.prepared import Prepared, execute
from storage.models import Draw, FsmRecord, Ticket, TicketStatus, User, UserRole
from storage.repositories import activity, draw_rows, number_sales, tickets, updates, users
from storage.repositories._dialect import bound
from storage.repositories.draws import DrawSpec, ensure_draws

NOW = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
_U = User.__table__
_ADD_USER = Prepared(insert(_U).values(bound(
    ("id", "role", "locale", "currency", "balance", "is_active", "created_at", "updated_at")
)))
_USER = Prepared(select(_U.c.role, _U.c.is_active, _U.c.created_at).where(
    _U.c.id == bindparam("id")))
_USERS_IN = Prepared(select(_U.c.id).where(_U.c.id.in_(bindparam("ids", expanding=True)))
                     .order_by(_U.c.id))
_SPEND = Prepared(update(User).where(User.id == bindparam("user_id"))
                  .values(balance=User.balance - bindparam("amount")).returning(User.balance))


def _user(user_id: int, **values: Any) -> dict[str, Any]:
    return {"id": user_id, "role": UserRole.SELLER, "locale": "es", "currency": "VES",
            "balance": 1_000, "is_active": True, "created_at": NOW, "updated_at": NOW} | values


async def test_values_go_in_and_come_back_as_the_orm_reads_them(session: AsyncSession) -> None:
    await execute(session, _ADD_USER, _user(1))
    row = (await execute(session, _USER, {"id": 1})).first()
    assert row == (UserRole.SELLER, True, NOW)
    assert row.role is UserRole.SELLER and row.created_at.tzinfo is not None  # by name, aware
    loaded = await session.get(User, 1)
    assert loaded is not None and (loaded.role, loaded.is_active, loaded.created_at) == tuple(row)


async def test_in_lists_of_any_length_and_none(session: AsyncSession) -> None:
    await execute(session, _ADD_USER, [_user(i) for i in (1, 2, 3)])  # executemany
    ids = [(await execute(session, _USERS_IN, {"ids": wanted})).all()
           for wanted in ([2], [3, 1], [1, 2, 3, 9], [])]
    assert [[r[0] for r in found] for found in ids] == [[2], [1, 3], [1, 2, 3], []]


async def test_returning_rowcount_and_a_missing_value(session: AsyncSession) -> None:
    await execute(session, _ADD_USER, _user(1))
    spent = await execute(session, _SPEND, {"user_id": 1, "amount": 300})
    assert spent.scalar_one() == 700 and spent.rowcount == 1
    nobody = await execute(session, _SPEND, {"user_id": 2, "amount": 300})
    with pytest.raises(NoResultFound):  # SQLAlchemy's own error, on either path
        nobody.scalar_one()
    with pytest.raises(SQLAlchemyError):
        await execute(session, _SPEND, {"user_id": 1})  # no amount
    await session.rollback()
    assert await session.get(User, 1) is None


async def test_writes_belong_to_the_sessions_transaction(session: AsyncSession) -> None:
    await execute(session, _ADD_USER, _user(1))
    await session.rollback()  # the insert is undone with the session's transaction
    await execute(session, _ADD_USER, _user(2))
    await session.commit()  # a new transaction began for it, and is committed
    await execute(session, _SPEND, {"user_id": 2, "amount": 1})
    await session.commit()
    session.expunge_all()
    assert await session.get(User, 1) is None
    two = await session.get(User, 2)
    assert two is not None and two.balance == 999


async def test_statement_listeners_see_the_statement(session: AsyncSession) -> None:
    seen: list[str] = []
    engine = session.bind.sync_engine  # type: ignore[union-attr]

    def listener(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        seen.append(sql.split()[0])

    event.listen(engine, "before_cursor_execute", listener)
    try:
        await execute(session, _ADD_USER, _user(1))
        await execute(session, _USER, {"id": 1})
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert seen == ["INSERT", "SELECT"]


DRAW_AT = datetime(2026, 11, 23, 16, 45, tzinfo=UTC)


async def _sell(session: AsyncSession, *numbers: str) -> Ticket:
    """A sold ticket of user 1 (who must exist, flushed or not) on zulia's 12:45 draw."""
    await ensure_draws(session, "zulia", [DrawSpec(DRAW_AT, date(2026, 11, 23), time(12, 45),
                                                    "America/Caracas")])
    draw = await session.scalar(select(Draw))
    assert draw is not None
    ticket, _ = await tickets.create_ticket(
        session, serial="S-1", reference="r-1", pin_hash="h", provider="house", buyer_id=1,
        total=100 * len(numbers), currency="VES", created_at=NOW, status=TicketStatus.SOLD,
        wagers=[tickets.NewWager("zulia", draw.id, "triple", n, None, 100) for n in numbers],
    )
    return ticket


async def test_a_column_default_the_statement_leaves_out_is_applied(
    session: AsyncSession,
) -> None:
    await users.ensure_user(session, 1, currency="VES")
    ticket = await _sell(session, "123")
    assert ticket.pin_failures == 0  # the insert leaves it to the column's default
    assert [(w.number, w.draw.draw_at) for w in ticket.wagers] == [("123", DRAW_AT)]


async def test_a_user_read_on_the_driver_is_the_sessions_object(session: AsyncSession) -> None:
    await users.ensure_user(session, 1, currency="VES", first_name="Ana")
    await session.commit()
    session.expunge_all()
    user = await users.get_user(session, 1)
    assert user is not None and user in session and not session.dirty
    assert await users.get_user(session, 1) is user  # as session.get: one object per row
    user.locale = "en"  # a change made afterwards is flushed like any other
    await session.commit()
    session.expunge_all()
    again = await session.get(User, 1)
    assert again is not None and again.locale == "en" and again.first_name == "Ana"


async def test_a_ticket_read_again_is_refreshed_in_place(session: AsyncSession) -> None:
    await users.ensure_user(session, 1, currency="VES")
    ticket = await _sell(session, "300", "100", "200")
    await session.execute(update(Ticket).where(Ticket.id == ticket.id)
                          .values(status=TicketStatus.VOID)
                          .execution_options(synchronize_session=False))
    again = await tickets.get_ticket(session, ticket.id)
    assert again is ticket and ticket.status is TicketStatus.VOID
    assert [w.number for w in ticket.wagers] == ["300", "100", "200"]  # in position order


def test_the_sales_statements_take_the_direct_path_on_sqlite() -> None:
    dialect = create_async_engine("sqlite+aiosqlite://").dialect
    hot = [
        updates._SEEN, updates._mark_stmt("sqlite"), fsm._READ_IN_UNIT,
        fsm._upsert_stmt("sqlite", frozenset({"state", "data"})), users._BY_ID, users._DEBIT,
        users._RESERVE_CREDIT, tickets._insert_ticket_stmt("sqlite"), tickets._INSERT_WAGERS,
        tickets._ID_BY_REFERENCE, tickets._one_ticket_stmt("id"),
        number_sales._reserve_stmt("sqlite"), activity._APPEND, _claim_stmt("sqlite"),
        draw_rows._FIND, draw_rows._SOLD,
    ]
    assert [p.plan(dialect) is not None for p in hot] == [True] * len(hot)
    assert Prepared(select(FsmRecord)).plan(create_async_engine(
        "postgresql+asyncpg://u@h/d").dialect) is None  # PostgreSQL: SQLAlchemy's path


async def test_pending_changes_are_flushed_before_a_read_as_the_orm_does(
    session: AsyncSession,
) -> None:
    session.add(User(id=1, currency="VES", created_at=NOW, updated_at=NOW))  # not flushed yet
    user = await users.get_user(session, 1)
    assert user is not None and user.id == 1
    ticket = await _sell(session, "123")
    ticket.customer_name = "Juan"  # a change in hand survives reading the ticket again
    again = await tickets.get_ticket_by_serial(session, "S-1")
    assert again is ticket and ticket.customer_name == "Juan"
    session.expunge_all()
    stored = await tickets.get_ticket_by_serial(session, "S-1")
    assert stored is not None and stored.customer_name == "Juan"
