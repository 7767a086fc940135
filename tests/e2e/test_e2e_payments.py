"""Winners collecting prizes, as players and sellers see it through the fake Bot API, on SQLite
and PostgreSQL: /premio, /pagar once, the wrong-PIN lock, expiry."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.settlement import enter_and_settle
from storage.models import HouseBooking, HouseBookingState, PaidHow, Ticket, TicketStatus, UserRole
from storage.repositories.tickets import get_ticket_by_serial
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5001
OTHER = 5002
SELLER = 6001
ADMIN = 9001
CARACAS = ZoneInfo("America/Caracas")
ZULIA_1245 = datetime(2026, 11, 23, 12, 45, tzinfo=CARACAS)  # the harness clock's day
WIN = {"number": "123", "sign": "ACU"}


def _serial_and_pin(ticket_text: str) -> tuple[str, str]:
    serial = re.search(r"Serial: ([0-9A-Z-]+)", ticket_text)
    pin = re.search(r"PIN: (\d+)", ticket_text)
    assert serial and pin, ticket_text
    return serial.group(1), pin.group(1)


async def _buy(run: RunningBot, user_id: int, plays: str = "123 x5 zulia 12:45") -> tuple[str, str]:
    ticket = await run.buy(user_id, plays)
    return _serial_and_pin(ticket.content)


async def _draw_result(run: RunningBot, values: dict[str, str] = WIN) -> None:
    """Results are the admin's command (another module): entered straight into the books."""
    await run.fund(ADMIN, role=UserRole.ADMIN)
    run.clock.now = datetime(2026, 11, 23, 12, 50, tzinfo=CARACAS)
    async with run.app.sessionmaker() as session, session.begin():
        await enter_and_settle(session, run.app.catalog, "zulia", ZULIA_1245, values,
                               now=run.clock(), actor_id=ADMIN)


async def _ticket(run: RunningBot, serial: str) -> Ticket:
    async with run.app.sessionmaker() as session:
        ticket = await get_ticket_by_serial(session, serial.replace("-", ""))
        assert ticket is not None
        return ticket


async def test_the_winner_checks_collects_into_the_balance_and_only_once(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        serial, pin = await _buy(run, PLAYER)
        waiting = await run.say(PLAYER, f"/premio {serial}")
        assert "vendido" in waiting.content and "esperando" in waiting.content
        early = await run.say(PLAYER, f"/pagar {serial} {pin}")
        assert "esperando" in early.content

        await _draw_result(run)
        check = await run.say(OTHER, f"/premio {serial.lower()}")  # anyone may check
        assert "ganador" in check.content
        assert "Bs. 3.000,00" in check.content
        assert "jue, 26 nov. 2026" in check.content  # the draw day + 3, to the end of the day

        paid = await run.say(PLAYER, f"/pagar {serial} {pin}")
        assert "pagado" in paid.content and "saldo" in paid.content
        assert "Bs. 3.000,00" in paid.content
        assert "Bs. 3.095,00" in paid.content  # 100,00 - 5,00 + 3.000,00
        assert await run.balance(PLAYER) == 309_500

        again = await run.say(PLAYER, f"/cobrar {serial} {pin}")
        assert "ya fue pagado el" in again.content and "23 nov. 2026" in again.content
        assert await run.balance(PLAYER) == 309_500
        assert "pagado" in (await run.say(PLAYER, f"/premio {serial}")).content
        ticket = await _ticket(run, serial)
        assert (ticket.status, ticket.paid_how, ticket.paid_by) == (
            TicketStatus.PAID, PaidHow.BALANCE, PLAYER)
        async with run.app.sessionmaker() as session:  # the house's own ledger agrees
            booking = await session.scalar(
                select(HouseBooking).where(HouseBooking.reference == ticket.reference))
        assert booking is not None and booking.state is HouseBookingState.PAID


async def test_a_seller_pays_a_customers_ticket_in_cash_players_cannot(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=100_000, role=UserRole.SELLER)
        await run.fund(OTHER)
        serial, pin = await _buy(run, SELLER, "cliente: Juan\n123 x5 zulia 12:45")
        await _draw_result(run)

        stranger = await run.say(OTHER, f"/pagar {serial} {pin}")
        assert "no es tuyo" in stranger.content
        assert (await _ticket(run, serial)).status is TicketStatus.WINNER

        cash = await run.say(SELLER, f"/pagar {serial} {pin}")
        assert "efectivo" in cash.content and "Bs. 3.000,00" in cash.content
        ticket = await _ticket(run, serial)
        assert (ticket.status, ticket.paid_how, ticket.paid_by) == (
            TicketStatus.PAID, PaidHow.CASH, SELLER)
        assert await run.balance(OTHER) == 0
        assert "ya fue pagado" in (await run.say(SELLER, f"/pagar {serial} {pin}")).content


async def test_five_wrong_pins_lock_the_payment_for_fifteen_minutes(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        serial, pin = await _buy(run, PLAYER)
        await _draw_result(run)
        wrong = str((int(pin) + 1) % 10**8).zfill(8)

        for left in ("4 intentos", "3 intentos", "2 intentos", "1 intento"):
            reply = await run.say(PLAYER, f"/pagar {serial} {wrong}")
            assert "PIN incorrecto" in reply.content and left in reply.content
        fifth = await run.say(PLAYER, f"/pagar {serial} {wrong}")
        assert "bloqueado hasta las 1:05" in fifth.content  # 12:50 + 15 minutes, Caracas

        during = await run.say(PLAYER, f"/pagar {serial} {pin}")
        assert "bloqueado hasta las 1:05" in during.content
        run.clock.advance(minutes=14)
        assert "bloqueado" in (await run.say(PLAYER, f"/pagar {serial} {pin}")).content
        assert await run.balance(PLAYER) == 9_500

        run.clock.advance(minutes=1)
        paid = await run.say(PLAYER, f"/pagar {serial} {pin}")
        assert "pagado" in paid.content
        assert await run.balance(PLAYER) == 309_500
        ticket = await _ticket(run, serial)
        assert (ticket.pin_failures, ticket.locked_until) == (0, None)


async def test_an_uncollected_prize_expires_after_the_expiration_days(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        serial, pin = await _buy(run, PLAYER)
        await _draw_result(run)
        assert run.app.catalog.ticket_expiration_days == 3

        run.clock.now = datetime(2026, 11, 26, 23, 59, tzinfo=CARACAS)
        still = await run.say(PLAYER, f"/premio {serial}")
        assert "ganador" in still.content and "jue, 26 nov. 2026" in still.content

        run.clock.now = datetime(2026, 11, 27, 0, 0, tzinfo=CARACAS)
        late = await run.say(PLAYER, f"/pagar {serial} {pin}")
        assert "venció" in late.content and "jue, 26 nov. 2026" in late.content
        assert await run.balance(PLAYER) == 9_500
        assert (await _ticket(run, serial)).status is TicketStatus.EXPIRED
        check = await run.say(PLAYER, f"/premio {serial}")
        assert "vencido" in check.content


async def test_losers_and_unknown_serials_are_refused_plainly(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=10_000)
        serial, pin = await _buy(run, PLAYER, "124 x5 zulia 12:45")
        await _draw_result(run)
        lost = await run.say(PLAYER, f"/pagar {serial} {pin}")
        assert "no resultó ganador" in lost.content
        assert "perdedor" in (await run.say(PLAYER, f"/premio {serial}")).content
        assert "No existe" in (await run.say(PLAYER, f"/pagar ZZZZZ-ZZZZZ {pin}")).content
        assert "Uso: /pagar" in (await run.say(PLAYER, f"/pagar {serial}")).content
        assert "Uso: /premio" in (await run.say(PLAYER, "/premio")).content
        assert await run.balance(PLAYER) == 9_500
