"""Every payout rule, end to end: plays bought through the bot, results entered by an admin."""

from __future__ import annotations

from sqlalchemy import select

from lottery.catalog import bundled_catalog_path
from storage.models import Ticket, TicketStatus, UserRole
from storage.repositories import users as users_repo
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5001
ADMIN = 9001


async def _setup(run: RunningBot, currency: str) -> None:
    async with run.app.sessionmaker() as session, session.begin():
        await users_repo.ensure_user(session, PLAYER, currency=currency, role=UserRole.PLAYER)
        await users_repo.credit_balance(session, PLAYER, 100_000_000, currency)
    await run.say(ADMIN, "/start")


async def _prizes(run: RunningBot) -> list[tuple[TicketStatus, int | None]]:
    async with run.app.sessionmaker() as session:
        rows = await session.execute(select(Ticket.status, Ticket.prize).order_by(Ticket.id))
        return [(status, prize) for status, prize in rows]


async def _result(run: RunningBot, text: str) -> None:
    answer = await run.say(ADMIN, f"/resultado {text}")
    assert "✅" in answer.content or "✏️" in answer.content, answer.content


async def test_venezuelan_payouts(tg: FakeTelegram, db_url: str) -> None:
    settings = make_settings(tg, db_url, admin_ids=str(ADMIN))
    async with running_bot(tg, settings) as run:  # 09:30 in Caracas, Monday
        await _setup(run, "VES")
        await run.buy(PLAYER, "zamorano 12pm\n123-ARI x1\n23-ARI x1\n123 x1\n23 x1\n124 x1")
        await run.buy(PLAYER, "chance 1pm\n000-999 x1\n00-99 x1\n000 x1")
        await run.buy(PLAYER, "tripleta 5 10 20 x1 activo 10am")
        await run.buy(PLAYER, "leon x2 granjita 10am")
        run.clock.advance(hours=4)  # 13:30
        await _result(run, "zamorano 12pm 123 ARI")
        await _result(run, "chance 1pm 000 999 TAU")
        await _result(run, "granjita 10am 5")
        await _result(run, "activo 10am 5")
        await _result(run, "activo 11am 10")
        assert (await _prizes(run))[2] == (TicketStatus.SOLD, None)  # tripleta still open
        await _result(run, "activo 12pm 20")
        prizes = await _prizes(run)
    # triple-sign 6000 + terminal-sign 600 + triple 600 + terminal 60 (124 loses)
    assert prizes[0] == (TicketStatus.WINNER, 726_000)
    # A+B triple 200000 + A+B terminal 3600 + triple A 600
    assert prizes[1] == (TicketStatus.WINNER, 20_420_000)
    assert prizes[2] == (TicketStatus.WINNER, 5_000)  # tripleta 50
    assert prizes[3] == (TicketStatus.WINNER, 6_000)  # animal 30 × 2


async def test_costa_rican_tiempos_and_reventado(tg: FakeTelegram, db_url: str) -> None:
    settings = make_settings(tg, db_url, admin_ids=str(ADMIN), catalog=bundled_catalog_path("cr"))
    async with running_bot(tg, settings) as run:  # 07:30 in San José
        await _setup(run, "CRC")
        await run.buy(PLAYER, "25 x1000 r500 tica 12:55")
        await run.buy(PLAYER, "25 x1000 r500 lotto 12:55")
        await run.buy(PLAYER, "26 x1000 tica 4:30pm")
        run.clock.advance(hours=9, minutes=30)  # 17:00
        await _result(run, "tica 12:55 25 reventado 5")
        await _result(run, "lotto 12:55 25")
        await _result(run, "tica 4:30pm 62")
        prizes = await _prizes(run)
    assert prizes[0] == (TicketStatus.WINNER, 9_250_000)  # tiempo 1000 × 90 + reventado 500 × 5
    assert prizes[1] == (TicketStatus.WINNER, 9_000_000)  # no reventado drawn: the tiempo alone
    assert prizes[2] == (TicketStatus.LOSER, 0)
