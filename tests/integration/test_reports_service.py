"""Sales reports (services.reports) over real tickets, on SQLite and PostgreSQL; parsing the
period and packing the text are checked here too."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.i18n import current_locale
from lottery.money import Money
from services.reports import (
    MAX_DAYS,
    Figures,
    Period,
    ReportError,
    ReportProblem,
    SalesReport,
    Scope,
    allocate,
    build_reports,
    pack,
    parse_query,
    render_report,
    sales_report,
)
from storage.models import PaidHow, TicketStatus, User, UserRole, WagerOutcome
from storage.repositories import draws, tickets, users
from storage.repositories.draws import DrawSpec
from storage.repositories.tickets import NewWager

VE = load_catalog(bundled_catalog_path("ve"))
CARACAS = ZoneInfo("America/Caracas")
SELLER, OTHER, PLAYER, ADMIN = 201, 202, 101, 301
MONDAY, TUESDAY, WEDNESDAY = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)
PERIOD = Period(MONDAY, WEDNESDAY)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment on the Caracas clock."""
    return datetime.combine(day, time(hour, minute), tzinfo=CARACAS)


def bs(text: str) -> Money:
    return Money(Decimal(text), "VES")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


class Shop:
    """Users, draws and tickets through the storage repositories, as the bot leaves them."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session
        self.numbers = itertools.count(1)
        self.draw_ids: dict[str, int] = {}

    async def open(self) -> None:
        for uid, role, name in ((SELLER, UserRole.SELLER, "luis"), (OTHER, UserRole.SELLER, "eva"),
                                (PLAYER, UserRole.PLAYER, "ana"), (ADMIN, UserRole.ADMIN, None)):
            await users.ensure_user(self.s, uid, currency="VES", role=role, locale="en",
                                    first_name=(name or "Banca").title(), username=name)
        await users.set_commission(self.s, SELLER, 1250)  # 12.5 %; OTHER keeps the market's 10 %

    async def draw(self, lottery_id: str) -> int:
        if lottery_id not in self.draw_ids:
            moment = at(date(2026, 11, 30), 19)
            await draws.ensure_draws(self.s, lottery_id, [
                DrawSpec(moment, moment.date(), moment.time(), "America/Caracas")])
            found = await draws.find_draw(self.s, lottery_id, moment)
            assert found is not None
            self.draw_ids[lottery_id] = found.id
        return self.draw_ids[lottery_id]

    async def sell(self, when: datetime, *plays: tuple[str, str], seller: int | None = SELLER,
                   buyer: int = PLAYER, currency: str = "VES",
                   status: TicketStatus = TicketStatus.SOLD) -> int:
        wagers = [NewWager(lot, await self.draw(lot), "triple", "123", None,
                           int(Decimal(amount) * 100)) for lot, amount in plays]
        n = next(self.numbers)
        ticket, _ = await tickets.create_ticket(
            self.s, serial=f"R-{n:04d}", reference=f"rep-{n}", pin_hash="x", provider="house",
            buyer_id=buyer, seller_id=seller, total=sum(w.amount for w in wagers),
            currency=currency, created_at=when, wagers=wagers)
        if status is TicketStatus.REJECTED:
            assert await tickets.mark_rejected(self.s, ticket.id)
        elif status is not TicketStatus.PENDING:
            assert await tickets.mark_sold(self.s, ticket.id)
        return ticket.id

    async def settle(self, ticket_id: int, *prizes: str) -> None:
        """One prize per wager, in order ("0" = lost)."""
        ticket = await tickets.get_ticket(self.s, ticket_id)
        assert ticket is not None
        total = 0
        for wager, prize in zip(ticket.wagers, prizes, strict=True):
            minor = int(Decimal(prize) * 100)
            total += minor
            outcome = WagerOutcome.WON if minor else WagerOutcome.LOST
            await tickets.set_wager_outcome(self.s, wager.id, outcome, prize=minor or None)
        assert await tickets.settle_ticket(self.s, ticket_id, prize=total)

    async def pay_cash(self, ticket_id: int, by: int, when: datetime) -> None:
        assert await tickets.mark_paid(self.s, ticket_id, paid_by=by, how=PaidHow.CASH, now=when)

    async def void(self, ticket_id: int, when: datetime) -> None:
        assert await tickets.void_ticket(self.s, ticket_id, now=when, enforce_deadline=False)

    async def expire(self, ticket_id: int) -> None:
        assert await tickets.set_ticket_status(self.s, ticket_id, TicketStatus.EXPIRED,
                                               only_from=[TicketStatus.WINNER])

    async def user(self, uid: int) -> User:
        found = await users.get_user(self.s, uid)
        assert found is not None
        return found


@pytest.fixture
async def shop(session: AsyncSession) -> Shop:
    s = Shop(session)
    await s.open()
    # Luis (12.5 %), Monday.
    loser = await s.sell(at(MONDAY, 8), ("zulia", "10"), ("activo", "5"))
    voided = await s.sell(at(MONDAY, 9), ("zamorano", "20"))
    await s.void(voided, at(MONDAY, 9, 2))
    await s.sell(at(MONDAY, 9, 30), ("zulia", "7"), status=TicketStatus.PENDING)
    await s.sell(at(MONDAY, 9, 40), ("zulia", "8"), status=TicketStatus.REJECTED)
    await s.sell(at(MONDAY, 23, 30), ("caracas", "4"))  # Tuesday in UTC: Monday in Caracas
    await s.settle(loser, "0", "0")
    # Luis, Tuesday.
    won_paid = await s.sell(at(TUESDAY, 10), ("zulia", "2"), ("activo", "3"))
    await s.settle(won_paid, "0", "90")
    won = await s.sell(at(TUESDAY, 11), ("activo", "1"))
    await s.settle(won, "30")
    expired = await s.sell(at(TUESDAY, 12), ("tachira", "6"))
    await s.settle(expired, "600")
    await s.expire(expired)
    # Outside the period, by a few seconds.
    await s.sell(at(date(2026, 11, 22), 23, 59), ("zulia", "100"))
    await s.sell(at(date(2026, 11, 26), 0, 0), ("zulia", "100"))
    # Eva (the market's 10 %) and the banca's own sale.
    await s.sell(at(MONDAY, 10), ("zulia", "50"), seller=OTHER)
    eva_won = await s.sell(at(TUESDAY, 10), ("zulia", "10"), seller=OTHER)
    await s.settle(eva_won, "200")
    await s.pay_cash(eva_won, OTHER, at(TUESDAY, 18))
    await s.sell(at(MONDAY, 11), ("zulia", "10"), seller=ADMIN, buyer=ADMIN)
    # Ana buys by herself; Luis pays her prize over his counter on Tuesday.
    direct = await s.sell(at(MONDAY, 10), ("granjita", "3"), seller=None)
    await s.settle(direct, "45")
    await s.pay_cash(direct, SELLER, at(TUESDAY, 15))
    # Luis pays his own winner in cash on Wednesday.
    await s.pay_cash(won_paid, SELLER, at(WEDNESDAY, 11))
    return s


def figures(sales: str, cancelled: str, prizes: str, commission: str, cash: str) -> Figures:
    return Figures(bs(sales), bs(cancelled), bs(prizes), bs(commission), bs(cash))


async def _luis(shop: Shop, session: AsyncSession) -> SalesReport:
    reports = await build_reports(session, VE, Scope(await shop.user(SELLER), own=True), PERIOD)
    assert len(reports) == 1
    return reports[0]


async def test_a_sellers_days(shop: Shop, session: AsyncSession) -> None:
    report = await _luis(shop, session)
    assert [d.day for d in report.days] == [MONDAY, TUESDAY, WEDNESDAY]
    monday, tuesday, wednesday = report.days
    # 10 + 5 + 4 sold (the 23:30 sale is Monday's); 20 voided; pending and rejected do not count.
    # Commission 12.5 % per lottery: 1.25 + 0.625 (half-even: 0.62) + 0.50.
    assert monday.total == figures("19.00", "20.00", "0", "2.37", "0")
    assert monday.total.balance == bs("16.63")
    assert (monday.tickets, monday.voided) == (2, 1)
    assert [(x.lottery_id, x.figures.sales, x.figures.cancelled) for x in monday.lotteries] == [
        ("zulia", bs("10.00"), bs("0")), ("zamorano", bs("0"), bs("20.00")),
        ("caracas", bs("4.00"), bs("0")), ("activo", bs("5.00"), bs("0"))]
    # The expired ticket's sale counts, its prize does not; Ana's prize paid by Luis is his cash.
    assert tuesday.total == figures("12.00", "0", "120.00", "1.50", "45.00")
    assert tuesday.total.balance == bs("-34.50")
    assert [(x.lottery_id, x.figures.sales, x.figures.prizes) for x in tuesday.lotteries] == [
        ("zulia", bs("2.00"), bs("0")), ("tachira", bs("6.00"), bs("0")),
        ("activo", bs("4.00"), bs("120.00"))]
    assert tuesday.tickets == 3
    # Nothing sold on Wednesday, but cash left the drawer: the day is there.
    assert wednesday.total == figures("0", "0", "0", "0", "90.00")
    assert wednesday.total.balance == bs("-90.00")


async def test_a_sellers_totals_add_up(shop: Shop, session: AsyncSession) -> None:
    report = await _luis(shop, session)
    assert report.total == figures("31.00", "20.00", "120.00", "3.87", "135.00")
    assert report.total.balance == bs("-107.87")
    assert (report.tickets, report.voided) == (5, 1)
    assert report.commission_percent == Decimal("12.5")
    assert [(x.lottery_id, x.figures.sales) for x in report.lotteries] == [
        ("zulia", bs("12.00")), ("zamorano", bs("0")), ("caracas", bs("4.00")),
        ("tachira", bs("6.00")), ("activo", bs("9.00"))]
    for name in ("sales", "cancelled", "prizes", "commission", "cash_prizes"):
        by_day = sum((getattr(d.total, name).amount for d in report.days), Decimal(0))
        assert by_day == getattr(report.total, name).amount, name
    assert report.sellers == ()  # one seller's report has no per-seller section


async def test_everyone_with_sellers_and_direct_sales(shop: Shop, session: AsyncSession) -> None:
    (report,) = await build_reports(session, VE, Scope(None), PERIOD)
    # Luis 31 + Eva 60 + the banca 10 + Ana 3; commission: Luis 3.87 + Eva 6.00, none on the
    # banca's or Ana's own sales.
    assert report.total == figures("104.00", "20.00", "365.00", "9.87", "335.00")
    assert report.total.balance == bs("-240.87")
    assert report.commission_percent is None
    rows = [(s.seller_id, s.name, s.figures.sales, s.figures.commission, s.figures.balance)
            for s in report.sellers]
    assert rows == [
        (OTHER, "Eva (@eva)", bs("60.00"), bs("6.00"), bs("-146.00")),
        (SELLER, "Luis (@luis)", bs("31.00"), bs("3.87"), bs("-107.87")),
        (ADMIN, "Banca", bs("10.00"), bs("0"), bs("10.00")),
        (None, None, bs("3.00"), bs("0"), bs("3.00")),
    ]
    assert [s.tickets for s in report.sellers] == [2, 5, 1, 1]


async def test_a_prize_known_only_per_ticket_is_split_by_stakes(session: AsyncSession) -> None:
    """Some providers report a ticket's prize without the wagers': attributed by stake."""
    shop = Shop(session)
    await shop.open()
    ticket = await shop.sell(at(MONDAY, 9), ("zulia", "1"), ("activo", "3"))
    assert await tickets.settle_ticket(session, ticket, prize=10_000)
    await shop.pay_cash(ticket, SELLER, at(MONDAY, 20))
    (report,) = await build_reports(session, VE, Scope(await shop.user(SELLER)),
                                    Period(MONDAY, MONDAY))
    assert [(x.lottery_id, x.figures.prizes) for x in report.lotteries] == [
        ("zulia", bs("25.00")), ("activo", bs("75.00"))]
    assert report.total.cash_prizes == bs("100.00")
    assert report.total.balance == bs("4.00") - bs("0.50") - bs("100.00")


async def test_another_currency_gets_its_own_report(shop: Shop, session: AsyncSession) -> None:
    await shop.sell(at(MONDAY, 12), ("zulia", "2"), currency="USD")
    ves, usd = await build_reports(session, VE, Scope(await shop.user(SELLER)), PERIOD)
    assert ves.total.sales == bs("31.00")
    assert usd.currency == "USD"
    assert usd.total.sales == Money(Decimal("2.00"), "USD")
    assert usd.total.commission == Money(Decimal("0.25"), "USD")


async def test_a_quiet_period_is_empty(shop: Shop, session: AsyncSession) -> None:
    quiet = Period(date(2026, 11, 10), date(2026, 11, 12))
    (report,) = await build_reports(session, VE, Scope(await shop.user(SELLER)), quiet)
    assert report.empty
    assert report.total.sales == bs("0")
    text = "\n".join(render_report(report, VE, "en"))
    assert "No sales in this period." in text


async def test_the_text_shows_each_day_and_the_totals(shop: Shop, session: AsyncSession) -> None:
    report = await _luis(shop, session)
    (text,) = render_report(report, VE, "es")  # Spanish reader: es_VE numbers
    assert "23\u2009–\u200925 de nov. de 2026" in text  # Babel's interval, thin spaces
    assert "Triple Zulia: 10,00" in text
    assert "Lotto Activo: 4,00" in text and "120,00" in text
    assert "-Bs. 107,87" in text  # the balance to hand over
    assert "12,5%" in text
    assert text.index("lun, 23 nov.") < text.index("mar, 24 nov.") < text.index("mié, 25 nov.")


async def test_sales_report_answers_by_role(shop: Shop, session: AsyncSession) -> None:
    now = at(WEDNESDAY, 20)
    player = await shop.user(PLAYER)
    (refusal,) = (await sales_report(session, VE, player, None, now)).messages
    assert "/saldo" in refusal
    luis = await shop.user(SELLER)
    answer = await sales_report(session, VE, luis, "23/11 hoy", now)
    assert answer.charts == ()  # charts are the banca's
    assert "-Bs. 107.87" in answer.messages[-1]
    (not_yours,) = (await sales_report(session, VE, luis, "@eva", now)).messages
    assert "only see your own" in not_yours
    admin = await shop.user(ADMIN)
    answer = await sales_report(session, VE, admin, "@luis 23/11 25/11", now)
    assert "Luis (@luis)" in answer.messages[0] and "-Bs. 107.87" in answer.messages[-1]
    (chart,) = answer.charts
    assert chart.png().startswith(b"\x89PNG")
    assert "Luis (@luis)" in chart.caption
    everyone = await sales_report(session, VE, admin, "semana", now)
    assert "Eva (@eva)" in everyone.messages[-1]
    (unknown,) = (await sales_report(session, VE, admin, "@nadie", now)).messages
    assert "@nadie" in unknown
    quiet = await sales_report(session, VE, admin, "01/11/2026", now)
    assert "No sales in this period." in quiet.messages[0] and quiet.charts == ()


# --- pure parts: no database ---------------------------------------------------------------


TODAY = date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(("args", "first", "last"), [
    (None, TODAY, TODAY),
    ("hoy", TODAY, TODAY),
    ("ayer", date(2026, 11, 22), date(2026, 11, 22)),
    ("semana", date(2026, 11, 17), TODAY),
    ("mes", date(2026, 11, 1), TODAY),
    ("2026-11-01 2026-11-15", date(2026, 11, 1), date(2026, 11, 15)),
    ("1/11 hoy", date(2026, 11, 1), TODAY),
    ("15/11/2026 01/11/2026", date(2026, 11, 1), date(2026, 11, 15)),  # either order
    ("24/11", date(2025, 11, 24), date(2025, 11, 24)),  # no year: the latest not in the future
    ("28/12/25", date(2025, 12, 28), date(2025, 12, 28)),
    ("20", date(2026, 11, 20), date(2026, 11, 20)),  # a day of this month
    ("31", date(2026, 10, 31), date(2026, 10, 31)),  # November has none: October's
    ("yesterday today", date(2026, 11, 22), TODAY),
])
def test_periods_people_type(args: str | None, first: date, last: date) -> None:
    assert parse_query(args, TODAY).period == Period(first, last)


def test_who_and_everyone_words() -> None:
    assert parse_query("@luis semana", TODAY).who == "@luis"
    assert parse_query("123456789 hoy", TODAY).who == "123456789"
    assert parse_query("todos", TODAY).everyone


@pytest.mark.parametrize(("args", "error"), [
    ("mañana", ReportError.BAD_WORD),
    ("31/02", ReportError.BAD_WORD),
    ("1/11 2/11 3/11", ReportError.TOO_MANY_DATES),
    ("2026-01-01 2026-11-23", ReportError.TOO_LONG),
])
def test_what_is_not_a_period(args: str, error: ReportError) -> None:
    with pytest.raises(ReportProblem) as caught:
        parse_query(args, TODAY)
    assert caught.value.error is error


def test_the_longest_period_is_accepted() -> None:
    period = parse_query(f"{TODAY - timedelta(days=MAX_DAYS - 1)} {TODAY}", TODAY).period
    assert len(period.days) == MAX_DAYS


def test_period_bounds_are_local_midnights() -> None:
    start, end = Period(MONDAY, MONDAY).bounds(CARACAS)
    assert start == at(MONDAY, 0) and end == at(TUESDAY, 0)
    assert start.utcoffset() == timedelta(0)


@pytest.mark.parametrize(("total", "weights", "shares"), [
    (1500, {"a": 1000, "b": 500}, {"a": 1000, "b": 500}),
    (100, {"a": 1, "b": 1, "c": 1}, {"a": 34, "b": 33, "c": 33}),
    (1000, {"a": 0, "b": 0}, {"a": 500, "b": 500}),
    (9000, {"a": 0, "b": 3}, {"b": 9000}),
])
def test_allocate_splits_exactly(total: int, weights: dict[str, int],
                                 shares: dict[str, int]) -> None:
    assert allocate(total, weights) == shares
    assert sum(allocate(total, weights).values()) == total


def test_long_reports_are_split_under_telegrams_limit() -> None:
    blocks = [f"📅 <b>day {i}</b>\n" + "\n".join(f"Lottery {j}: 1.234,56" for j in range(12))
              for i in range(60)]
    messages = pack(blocks)
    assert len(messages) > 1
    assert all(len(m.encode("utf-16-le")) // 2 <= 4096 for m in messages)
    assert "\n\n".join(messages) == "\n\n".join(blocks)  # nothing lost, nothing cut
    huge = "\n".join(f"line {i} " + "x" * 50 for i in range(200))
    assert all(len(m) <= 4096 for m in pack([huge]))
