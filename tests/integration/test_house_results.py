"""House results (entry, correction revisions, per-day reading) and the sales report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.i18n import current_locale
from lottery.plays import Wager
from providers.base import DrawResult, SalesLine, TicketRequest
from providers.house import HouseProvider, InvalidResult, PinHasher
from storage.models import DrawStatus, UserRole
from storage.repositories import draws, users
from storage.repositories.activity import list_activity
from storage.repositories.results import result_history

CARACAS = ZoneInfo("America/Caracas")
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=CARACAS)  # a Monday
MONDAY = NOW.date()
ZULIA_1245 = datetime(2026, 11, 23, 12, 45, tzinfo=CARACAS)
VE = load_catalog(bundled_catalog_path("ve"))
ADMIN = 7001


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


@pytest.fixture
async def house(sessionmaker: async_sessionmaker[AsyncSession]) -> HouseProvider:
    async with sessionmaker() as s:
        await users.ensure_user(s, ADMIN, currency="VES", role=UserRole.ADMIN, now=NOW)
        await s.commit()
    return HouseProvider(sessionmaker, VE, pin_hasher=PinHasher(b"test-pin-secret"),
                         clock=lambda: NOW.replace(hour=23))


async def test_entering_and_correcting_a_result(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    after = ZULIA_1245 + timedelta(minutes=10)
    first = await house.enter_result("zulia", ZULIA_1245, {"number": "123", "sign": "ACU"},
                                     actor_id=ADMIN, now=after)
    assert (first.revision, first.changed) == (1, True)
    assert await house.results(MONDAY) == [
        DrawResult("zulia", ZULIA_1245, {"number": "123", "sign": "ACU"})]

    fixed = await house.enter_result("zulia", ZULIA_1245, {"number": "132", "sign": "ACU"},
                                     actor_id=ADMIN, now=after + timedelta(minutes=5))
    assert (fixed.revision, fixed.changed, fixed.draw_id) == (2, True, first.draw_id)
    [shown] = await house.results(MONDAY, "zulia")
    assert shown.values == {"number": "132", "sign": "ACU"}
    assert shown.draw == ZULIA_1245 and shown.draw.tzinfo == CARACAS

    # The same values again (a double tap) are no new revision.
    same = await house.enter_result("zulia", ZULIA_1245, {"number": "132", "sign": "ACU"},
                                    actor_id=ADMIN, now=after + timedelta(minutes=6))
    assert (same.revision, same.changed) == (2, False)

    async with sessionmaker() as s:
        history = await result_history(s, first.draw_id)
        draw = await draws.get_draw(s, first.draw_id)
        entered = await list_activity(s, action="RESULT_ENTER")
        corrected = await list_activity(s, action="RESULT_CORRECT")
    assert [(r.revision, r.values["number"], r.entered_by) for r in history] == [
        (1, "123", ADMIN), (2, "132", ADMIN)]
    assert draw is not None and draw.status is DrawStatus.RESULTED
    assert [(e.actor_id, e.at) for e in entered] == [(ADMIN, after)]
    [correction] = corrected
    assert correction.actor_id == ADMIN and correction.at.tzinfo is UTC
    assert correction.at == after + timedelta(minutes=5)
    assert correction.details["previous"] == {"number": "123", "sign": "ACU"}
    assert correction.details["revision"] == 2


async def test_results_of_a_day_across_lotteries(house: HouseProvider) -> None:
    activo_10 = datetime(2026, 11, 23, 10, 0, tzinfo=CARACAS)
    await house.enter_result("activo", activo_10, {"animal": "00"}, actor_id=ADMIN,
                             now=activo_10 + timedelta(minutes=2))
    await house.enter_result("zulia", ZULIA_1245, {"number": "555", "sign": "LEO"},
                             actor_id=ADMIN, now=ZULIA_1245 + timedelta(minutes=2))
    assert [(r.lottery, r.draw.time()) for r in await house.results(MONDAY)] == [
        ("activo", time(10)), ("zulia", time(12, 45))]
    assert await house.results(MONDAY, "granjita") == []
    assert await house.results(MONDAY + timedelta(days=1)) == []


async def test_the_clock_stands_in_when_no_now_is_given(house: HouseProvider) -> None:
    entered = await house.enter_result("zulia", ZULIA_1245, {"number": "100", "sign": "ARI"},
                                       actor_id=ADMIN)
    assert entered.revision == 1


@pytest.mark.parametrize(
    ("lottery", "at", "values", "shown"),
    [
        ("zulia", ZULIA_1245 + timedelta(minutes=1), {"number": "123", "sign": "ACU"},
         "has no draw today at 12:46 pm"),
        ("zulia", ZULIA_1245, {"number": "12", "sign": "ACU"}, "three-digit number and a sign"),
        ("zulia", ZULIA_1245, {"number": "123"}, "and a sign"),
        ("tachira", datetime(2026, 11, 23, 13, 15, tzinfo=CARACAS), {"number": "1234"},
         "a three-digit number"),
        ("activo", datetime(2026, 11, 23, 10, 0, tzinfo=CARACAS), {"animal": "37"},
         "one of its animals"),
        ("atlantis", ZULIA_1245, {"number": "123"}, "not a lottery"),
    ],
)
async def test_results_that_cannot_be_right_are_refused(
    house: HouseProvider, lottery: str, at: datetime, values: dict[str, str], shown: str
) -> None:
    with pytest.raises(InvalidResult, match=shown):
        await house.enter_result(lottery, at, values, actor_id=ADMIN, now=NOW.replace(hour=23))


async def test_a_result_before_the_draw_is_refused(
    house: HouseProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    with pytest.raises(InvalidResult, match="not been drawn yet"):
        await house.enter_result("zulia", ZULIA_1245, {"number": "123", "sign": "ACU"},
                                 actor_id=ADMIN, now=ZULIA_1245 - timedelta(minutes=1))
    assert await house.results(MONDAY) == []
    async with sessionmaker() as s:
        assert await list_activity(s, action="RESULT_ENTER") == []


async def test_sales_report_per_draw_day_and_lottery(house: HouseProvider) -> None:
    def bet(lottery: str, at: datetime, amount: str, number: str = "123") -> Wager:
        return Wager(lottery, at, "triple", number, None, Decimal(amount))

    tuesday_zulia = ZULIA_1245 + timedelta(days=1)
    caracas_13 = datetime(2026, 11, 23, 13, 0, tzinfo=CARACAS)
    await house.create_ticket(TicketRequest("a", (bet("zulia", ZULIA_1245, "5"),
                                                  bet("caracas", caracas_13, "2.50")), "VES"), NOW)
    await house.create_ticket(TicketRequest("b", (bet("zulia", ZULIA_1245, "10", "999"),
                                                  bet("zulia", tuesday_zulia, "4")), "VES"), NOW)
    voided = await house.create_ticket(
        TicketRequest("c", (bet("zulia", ZULIA_1245, "3", "321"),), "VES"), NOW)
    await house.cancel_ticket(voided, NOW + timedelta(seconds=30))

    report = await house.sales_report(MONDAY, MONDAY + timedelta(days=1))
    assert report.currency == "VES"
    zero = Decimal("0.00")
    assert report.lines == (
        SalesLine(MONDAY, "caracas", Decimal("2.50"), zero, zero),
        SalesLine(MONDAY, "zulia", Decimal("15.00"), Decimal("3.00"), zero),
        SalesLine(date(2026, 11, 24), "zulia", Decimal("4.00"), zero, zero),
    )
    monday_only = await house.sales_report(MONDAY, MONDAY)
    assert [line.lottery for line in monday_only.lines] == ["caracas", "zulia"]
    assert (await house.sales_report(date(2026, 11, 25), date(2026, 11, 30))).lines == ()
