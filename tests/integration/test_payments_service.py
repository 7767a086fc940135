"""Paying prizes (services.payments) against the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.i18n import current_locale
from lottery.money import Money, to_minor
from lottery.ticket_codes import PinHasher, format_serial
from presentation.telegram_text import MAX_TEXT, visible_length
from providers.base import ErrorCode, Provider
from providers.house import HouseProvider
from services.payments import (
    Payment,
    Refusal,
    check_ticket,
    collect_deadline,
    expire_prizes,
    pay_ticket,
)
from services.settlement import enter_and_settle
from services.winner_notices import winner_notices
from storage.models import Draw, PaidHow, Ticket, TicketStatus, UserRole, Wager
from storage.repositories import draws, tickets, users
from storage.repositories.activity import list_activity
from storage.repositories.draw_rows import draw_spec
from storage.repositories.tickets import NewWager
from tests.fakes.providers.faults import FakeClock
from tests.fakes.providers.harness import banklot_backend

VE = load_catalog(bundled_catalog_path("ve"))
CARACAS = ZoneInfo("America/Caracas")
DAY = (2026, 11, 23)  # a Monday
SOLD_AT = datetime(*DAY, 7, 0, tzinfo=CARACAS)
ZULIA = datetime(*DAY, 12, 45, tzinfo=CARACAS)
LATE = datetime(*DAY, 23, 0, tzinfo=CARACAS)
PINS = PinHasher(b"payments-test-secret")
PIN, WRONG = "24681357", "11111111"
PLAYER, OTHER, SELLER, SELLER2, ADMIN = 101, 102, 201, 202, 301
WIN = {"number": "123", "sign": "ACU"}
#: 5 on triple 123 at 600 × 5.
PRIZE = 300_000


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


class World:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sm = sessionmaker
        self.numbers = itertools.count(1)
        # The real house provider: its pay_ticket raises, so a test fails if it is ever asked.
        self.house = HouseProvider(sessionmaker, VE, pin_hasher=PINS, clock=lambda: LATE)

    async def users(self) -> None:
        async with self.sm() as s, s.begin():
            for uid, role, locale in ((PLAYER, UserRole.PLAYER, "es"),
                                      (OTHER, UserRole.PLAYER, "es"),
                                      (SELLER, UserRole.SELLER, "en"),
                                      (SELLER2, UserRole.SELLER, "es"),
                                      (ADMIN, UserRole.ADMIN, "es")):
                await users.ensure_user(s, uid, currency=VE.currency, role=role, locale=locale,
                                        now=SOLD_AT)

    async def sell(self, number: str = "123", *, buyer: int = PLAYER, seller: int | None = None,
                   at: datetime = ZULIA, customer: str | None = None,
                   provider: str = "house", reference: str | None = None,
                   pin: str = PIN) -> str:
        n = next(self.numbers)
        serial = f"SERIAL{n:04d}"
        async with self.sm() as s, s.begin():
            lottery = VE.lottery("zulia")
            await draws.ensure_draws(s, "zulia", [draw_spec(lottery, at)], now=SOLD_AT)
            draw = await draws.find_draw(s, "zulia", at)
            assert draw is not None
            wager = NewWager("zulia", draw.id, "triple", number, None, to_minor(Decimal(5), "VES"))
            ticket, _ = await tickets.create_ticket(
                s, serial=serial, reference=reference or f"ref-{n}", pin_hash=PINS.hash(pin),
                provider=provider, buyer_id=buyer, seller_id=seller, customer_name=customer,
                total=wager.amount, currency="VES", created_at=SOLD_AT, wagers=[wager])
            assert await tickets.mark_sold(s, ticket.id)
        return serial

    async def result(self, values: dict[str, str] = WIN, *, at: datetime = ZULIA,
                     now: datetime = LATE):  # type: ignore[no-untyped-def]
        async with self.sm() as s, s.begin():
            settled = await enter_and_settle(s, VE, "zulia", at, values, now=now, actor_id=ADMIN)
        return settled.summary

    async def pay(self, serial: str, pin: str = PIN, *, by: int = PLAYER, now: datetime = LATE,
                  provider: Provider | None = None) -> Payment:
        async with self.sm() as s:  # one update's unit of work: committed when it returns
            user = await users.get_user(s, by)
            assert user is not None
            payment = await pay_ticket(s, catalog=VE, provider=provider or self.house,
                                       pins=PINS, user=user, serial=serial, pin=pin, now=now)
            await s.commit()
            return payment

    async def ticket(self, serial: str):  # type: ignore[no-untyped-def]
        async with self.sm() as s:
            ticket = await tickets.get_ticket_by_serial(s, serial)
            assert ticket is not None
            return ticket

    async def balance(self, user_id: int) -> int:
        async with self.sm() as s:
            user = await users.get_user(s, user_id)
            assert user is not None
            return user.balance

    async def actions(self, serial: str) -> list[tuple[str, int | None]]:
        async with self.sm() as s:
            rows = await list_activity(s, target_type="TICKET", target_id=serial)
            return [(r.action, r.actor_id) for r in reversed(rows)
                    if r.action != "TICKET_SETTLE"]


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    w = World(sessionmaker)
    await w.users()
    return w


async def test_the_buyer_collects_once_into_the_balance(world: World) -> None:
    serial = await world.sell()
    await world.result()

    paid = await world.pay(serial.lower()[:5] + "-" + serial[5:])  # typed loosely
    assert paid.paid and paid.how is PaidHow.BALANCE
    assert paid.prize == Money(Decimal("3000.00"), "VES")
    assert paid.balance == Money(Decimal("3000.00"), "VES")
    assert await world.balance(PLAYER) == PRIZE
    ticket = await world.ticket(serial)
    assert (ticket.status, ticket.paid_how, ticket.paid_by, ticket.paid_at) == (
        TicketStatus.PAID, PaidHow.BALANCE, PLAYER, LATE)

    again = await world.pay(serial)
    assert again.refusal is Refusal.ALREADY_PAID
    assert again.ticket is not None and again.ticket.paid_at == LATE
    assert await world.balance(PLAYER) == PRIZE
    assert await world.actions(serial) == [("TICKET_PAY", PLAYER)]


async def test_a_player_cannot_collect_someone_elses_ticket_nor_try_its_pin(world: World) -> None:
    serial = await world.sell()
    await world.result()
    for _ in range(6):
        refused = await world.pay(serial, WRONG, by=OTHER)
        assert refused.refusal is Refusal.NOT_YOURS
    refused = await world.pay(serial, by=OTHER)
    assert refused.refusal is Refusal.NOT_YOURS
    ticket = await world.ticket(serial)
    assert (ticket.status, ticket.pin_failures, ticket.locked_until) == (
        TicketStatus.WINNER, 0, None)
    assert await world.balance(OTHER) == 0
    assert (await world.pay(serial)).paid  # the owner is not locked out


async def test_sellers_pay_cash_for_their_sales_admins_for_any(world: World) -> None:
    mine = await world.sell(buyer=SELLER, seller=SELLER, customer="Juan")
    theirs = await world.sell(buyer=SELLER2, seller=SELLER2)
    online = await world.sell(buyer=PLAYER)
    await world.result()

    paid = await world.pay(mine, by=SELLER)
    assert paid.paid and paid.how is PaidHow.CASH
    assert (await world.pay(theirs, by=SELLER)).refusal is Refusal.OTHER_SELLER
    cash = await world.pay(online, by=SELLER)  # a player cashing out at the counter
    assert cash.paid and cash.how is PaidHow.CASH
    by_admin = await world.pay(theirs, by=ADMIN)
    assert by_admin.paid and by_admin.how is PaidHow.CASH

    for serial, payer in ((mine, SELLER), (online, SELLER), (theirs, ADMIN)):
        ticket = await world.ticket(serial)
        assert (ticket.status, ticket.paid_how, ticket.paid_by) == (
            TicketStatus.PAID, PaidHow.CASH, payer)
    assert await world.balance(PLAYER) == 0  # cash, not balance
    assert await world.actions(theirs) == [("TICKET_PAY", ADMIN)]


async def test_five_wrong_pins_lock_payment_for_fifteen_minutes(world: World) -> None:
    serial = await world.sell()
    await world.result()
    now = LATE
    for left in (4, 3, 2, 1):
        wrong = await world.pay(serial, WRONG, now=now)
        assert (wrong.refusal, wrong.attempts_left, wrong.locked_until) == (
            Refusal.WRONG_PIN, left, None)
    fifth = await world.pay(serial, WRONG, now=now)
    assert fifth.refusal is Refusal.WRONG_PIN and fifth.locked_until == now + timedelta(minutes=15)

    locked = await world.pay(serial, PIN, now=now + timedelta(minutes=14, seconds=59))
    assert locked.refusal is Refusal.LOCKED and locked.locked_until == fifth.locked_until
    assert (await world.ticket(serial)).status is TicketStatus.WINNER

    paid = await world.pay(serial, PIN, now=now + timedelta(minutes=15))
    assert paid.paid
    ticket = await world.ticket(serial)
    assert (ticket.pin_failures, ticket.locked_until) == (0, None)
    assert await world.actions(serial) == [
        *[("PIN_WRONG", PLAYER)] * 5, ("PIN_LOCK", PLAYER), ("TICKET_PAY", PLAYER)]


async def test_after_a_lock_the_owner_gets_five_fresh_tries(world: World) -> None:
    serial = await world.sell()
    await world.result()
    for _ in range(5):
        await world.pay(serial, WRONG)
    later = LATE + timedelta(minutes=16)
    wrong = await world.pay(serial, WRONG, now=later)
    assert (wrong.refusal, wrong.attempts_left, wrong.locked_until) == (
        Refusal.WRONG_PIN, 4, None)
    assert (await world.pay(serial, now=later)).paid


async def test_a_prize_expires_at_the_end_of_the_last_day(world: World) -> None:
    early, late = await world.sell(), await world.sell()
    await world.result()
    check = await world_check(world, early, LATE)
    assert check.deadline is not None
    assert check.deadline.last_day.isoformat() == "2026-11-26"  # the draw day + 3
    ends = datetime(2026, 11, 27, 0, 0, tzinfo=CARACAS)
    assert check.deadline.ends_at == ends

    assert (await world.pay(early, now=ends - timedelta(seconds=1))).paid
    expired = await world.pay(late, now=ends)
    assert expired.refusal is Refusal.EXPIRED
    assert expired.prize == Money(Decimal("3000.00"), "VES")
    assert (await world.ticket(late)).status is TicketStatus.EXPIRED
    assert await world.balance(PLAYER) == PRIZE
    assert (await world.pay(late, now=ends)).refusal is Refusal.EXPIRED
    assert await world.actions(late) == [("TICKET_EXPIRE", PLAYER)]


async def world_check(world: World, serial: str, now: datetime):  # type: ignore[no-untyped-def]
    async with world.sm() as s:  # one update's unit of work: committed when it returns
        check = await check_ticket(s, VE, serial, now=now)
        await s.commit()
        return check


async def test_check_tells_state_prize_and_marks_an_overdue_winner_expired(world: World) -> None:
    winner, loser = await world.sell("123"), await world.sell("124")
    pending = await world.sell(at=ZULIA + timedelta(days=1))
    await world.result()
    check = await world_check(world, winner, LATE)
    assert check.ticket is not None and check.ticket.status is TicketStatus.WINNER
    assert check.prize == Money(Decimal("3000.00"), "VES")
    lost = await world_check(world, loser, LATE)
    assert lost.ticket is not None and lost.ticket.status is TicketStatus.LOSER
    assert lost.prize is None
    waiting = await world_check(world, pending, LATE)
    assert waiting.ticket is not None and waiting.ticket.status is TicketStatus.SOLD
    assert (await world_check(world, "NOSUCHSERIAL", LATE)).ticket is None

    overdue = await world_check(world, winner, LATE + timedelta(days=4))
    assert overdue.ticket is not None and overdue.ticket.status is TicketStatus.EXPIRED
    assert (await world.ticket(winner)).status is TicketStatus.EXPIRED


async def test_losers_void_and_waiting_tickets_are_refused_clearly(world: World) -> None:
    loser = await world.sell("124")
    waiting = await world.sell(at=ZULIA + timedelta(days=1))
    void = await world.sell(at=ZULIA + timedelta(days=1))
    async with world.sm() as s, s.begin():
        ticket = await tickets.get_ticket_by_serial(s, void)
        assert ticket is not None
        assert await tickets.void_ticket(s, ticket.id, now=SOLD_AT, enforce_deadline=False)
    await world.result()
    assert (await world.pay(loser)).refusal is Refusal.LOSER
    assert (await world.pay(waiting)).refusal is Refusal.WAITING
    assert (await world.pay(void)).refusal is Refusal.VOID
    assert (await world.pay("ZZZZZZZZZZ")).refusal is Refusal.NOT_FOUND
    assert (await world.ticket(loser)).pin_failures == 0  # refused before any PIN check
    assert await world.balance(PLAYER) == 0


async def test_expire_prizes_marks_only_overdue_winners(world: World) -> None:
    overdue = await world.sell()
    paid = await world.sell()
    loser = await world.sell("124")
    recent = await world.sell(at=ZULIA + timedelta(days=2))
    await world.result()
    await world.result(at=ZULIA + timedelta(days=2), now=LATE + timedelta(days=2))
    assert (await world.pay(paid)).paid
    ends = datetime(2026, 11, 27, 0, 0, tzinfo=CARACAS)

    async with world.sm() as s, s.begin():
        assert await expire_prizes(s, VE, ends - timedelta(seconds=1)) == 0
    async with world.sm() as s, s.begin():
        assert await expire_prizes(s, VE, ends) == 1
    async with world.sm() as s, s.begin():
        assert await expire_prizes(s, VE, ends + timedelta(days=1)) == 0
    states = [(await world.ticket(t)).status for t in (overdue, paid, loser, recent)]
    assert states == [TicketStatus.EXPIRED, TicketStatus.PAID, TicketStatus.LOSER,
                      TicketStatus.WINNER]
    assert await world.actions(overdue) == [("TICKET_EXPIRE", None)]


async def test_concurrent_payments_pay_once(
    world: World, concurrent_sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    serial = await world.sell(buyer=SELLER, seller=SELLER)
    await world.result()
    racing = World(concurrent_sessionmaker)

    async def attempt(by: int) -> Payment:
        return await racing.pay(serial, by=by)

    results = await asyncio.gather(*(attempt(by) for by in [SELLER, ADMIN] * 4))
    winners = [r for r in results if r.paid]
    assert len(winners) == 1
    assert all(r.refusal is Refusal.ALREADY_PAID for r in results if not r.paid)
    ticket = await world.ticket(serial)
    assert ticket.status is TicketStatus.PAID and ticket.paid_by == winners[0].ticket.paid_by
    assert [a for a, _ in await world.actions(serial)] == ["TICKET_PAY"]


async def test_concurrent_balance_payments_credit_once(
    world: World, concurrent_sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    serial = await world.sell()
    await world.result()
    racing = World(concurrent_sessionmaker)
    results = await asyncio.gather(*(racing.pay(serial) for _ in range(6)))
    assert sum(r.paid for r in results) == 1
    assert await world.balance(PLAYER) == PRIZE


async def test_winner_notices_one_per_buyer_in_their_language(world: World) -> None:
    first, second = await world.sell(), await world.sell()
    for_customer = await world.sell(buyer=SELLER, seller=SELLER, customer="Juan <Pérez>")
    await world.sell("124", buyer=OTHER)  # loses: told nothing
    summary = await world.result()
    async with world.sm() as s:
        notices = dict(await winner_notices(s, VE, summary))
    assert set(notices) == {PLAYER, SELLER}
    player = notices[PLAYER]  # Spanish (catalog es_VE money), both tickets in one message
    assert format_serial(first) in player and format_serial(second) in player
    assert player.count("Bs. 3.000,00") == 2
    assert f"/pagar {format_serial(first)} PIN" in player
    assert "jue, 26 nov. 2026" in player
    seller = notices[SELLER]  # English
    assert format_serial(for_customer) in seller and "Bs. 3,000.00" in seller
    assert f"/pagar {format_serial(for_customer)} PIN" in seller
    assert "Juan &lt;Pérez&gt;" in seller  # HTML-escaped for the broadcast
    assert "Thu, Nov 26, 2026" in seller

    again = await world.result()  # the same result again: nothing changed, nobody told twice
    async with world.sm() as s:
        assert await winner_notices(s, VE, again) == []



async def test_a_seller_with_many_winners_gets_every_one_in_notices_telegram_takes(
    world: World,
) -> None:
    # A busy counter: forty customers won on one draw. Telegram refuses a message over 4,096
    # characters, and the queue refuses to take one (which would undo the result's entry).
    sold = [await world.sell(buyer=SELLER, seller=SELLER, customer=f"Cliente número {n}")
            for n in range(40)]
    summary = await world.result()
    async with world.sm() as s:
        notices = dict(await winner_notices(s, VE, summary))
    seller = notices[SELLER]
    assert visible_length(seller) <= MAX_TEXT
    assert all(format_serial(serial) in seller for serial in sold)
    assert "Cliente número 39" in seller and seller.count("3,000.00") == 40
    assert "/pagar" in seller  # how to pay, said once for the lot



async def test_winners_past_one_message_are_counted_and_pointed_to_tickets(world: World) -> None:
    sold = [await world.sell(buyer=SELLER, seller=SELLER, customer=f"Cliente número {n}")
            for n in range(120)]
    summary = await world.result()
    async with world.sm() as s:
        seller = dict(await winner_notices(s, VE, summary))[SELLER]
    assert visible_length(seller) <= MAX_TEXT
    assert seller.startswith("🏆 120 tickets you sold won:")
    listed = sum(format_serial(serial) in seller for serial in sold)
    assert 60 < listed < 120
    assert f"…and {120 - listed} more: /tickets lists them." in seller


async def test_a_remote_provider_is_asked_first_and_its_refusal_records_nothing(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    morning = datetime(2024, 10, 22, 10, 0, tzinfo=CARACAS)
    draw_at = morning.replace(hour=16, minute=45)
    world = World(sessionmaker)
    await world.users()
    async with banklot_backend(FakeClock(morning)) as backend:
        request = await backend.sample_request("ref-remote", "zulia 16:45 123 x5")
        booked = await backend.provider.create_ticket(request, morning)
        assert booked.pin
        serial = await world.sell(at=draw_at, provider="banklot", reference="ref-remote",
                                  pin=booked.pin)
        after = draw_at + timedelta(hours=1)
        await world.result(at=draw_at, now=after)  # our books: a winner

        refused = await world.pay(serial, booked.pin, now=after, provider=backend.provider)
        assert (refused.refusal, refused.provider_code) == (
            Refusal.PROVIDER, ErrorCode.NOT_A_WINNER)  # banklot has no result yet
        assert (await world.ticket(serial)).status is TicketStatus.WINNER
        assert await world.balance(PLAYER) == 0

        await backend.publish("zulia", draw_at, "123")
        paid = await world.pay(serial, booked.pin, now=after, provider=backend.provider)
        assert paid.paid
        assert backend.sim.tickets[0].status == "paid"
        assert (await world.ticket(serial)).status is TicketStatus.PAID
        assert await world.balance(PLAYER) == PRIZE


def test_the_deadline_follows_the_last_draw_in_its_own_zone() -> None:
    """The rule alone, on unsaved rows: Costa Rica's day ends six hours after UTC's."""
    san_jose = ZoneInfo("America/Costa_Rica")

    def wager(at: datetime) -> Wager:
        return Wager(draw=Draw(draw_at=at, local_date=at.date(), tz=san_jose.key))

    ticket = Ticket(wagers=[wager(datetime(2026, 11, 25, 21, 0, tzinfo=san_jose)),
                            wager(datetime(2026, 11, 23, 13, 0, tzinfo=san_jose))])
    deadline = collect_deadline(ticket, VE)
    assert deadline is not None
    assert deadline.last_day.isoformat() == "2026-11-28"
    assert deadline.ends_at == datetime(2026, 11, 29, 6, 0, tzinfo=ZoneInfo("UTC"))
