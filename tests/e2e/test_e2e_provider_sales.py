"""Selling through a remote provider as people see it: the real bot over the fake Bot API with
``PROVIDER=soportex`` and ``PROVIDER=banklot``, each against its simulator over HTTP (SQLite; the
journal and reconciliation tests cover PostgreSQL).

What is checked is what a player notices (the preview, the ticket and its picture, the refusal,
the later notice, the balance) and what the provider really holds (its simulator's tickets).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from jobs.loop import run_draw_jobs_once
from jobs.reconcile import GIVE_UP, GRACE
from storage.models import (
    OutboxMessage,
    OutboxState,
    Ticket,
    TicketStatus,
    User,
    UserRole,
)
from storage.repositories import users as users_repo
from tests.e2e.harness import FakeClock, RunningBot, make_settings, running_bot
from tests.fakes.providers import BanklotSimulator, Fault, SoportexSimulator
from tests.fakes.providers.banklot_state import DEFAULT_PRODUCTS as BANKLOT_PRODUCTS
from tests.fakes.providers.banklot_state import Product as BanklotProduct
from tests.fakes.providers.soportex import DEFAULT_PRODUCTS as SOPORTEX_PRODUCTS
from tests.fakes.providers.soportex import Product as SoportexProduct
from tests.fakes.providers.soportex import _sorteos
from tests.fakes.telegram import FakeTelegram, SentMessage

PLAYER = 5001
TOKEN = "sx-e2e-token-5a1c"
PASSWORD = "bk-e2e-pass-77"
#: the adapters' HTTP timeout here: a TIMEOUT fault costs this much wall time, nothing more
TIMEOUT = 0.5
CONFIRMING = "⏳ Confirmando con el proveedor…"
PROVIDERS = ["soportex", "banklot"]


@dataclass
class Sim:
    name: str
    server: SoportexSimulator | BanklotSimulator
    overrides: dict[str, Any]

    @property
    def create_op(self) -> str:
        return "registrarticket" if self.name == "soportex" else "create"

    @property
    def tickets(self) -> list[Any]:
        return list(self.server.tickets)

    def plays_of(self, ticket: Any) -> list[str]:
        """What the provider holds on a ticket, as it writes the plays."""
        if self.name == "soportex":
            return [j["numero"] for j in ticket.jugadas]
        return [w["wager"] for w in ticket.wagers]

    def voided(self, ticket: Any) -> bool:
        return ticket.status == ("1" if self.name == "soportex" else "canceled")

    def add_lottery(self) -> None:
        """The provider starts selling Triple Táchira (the bundled catalog knows its name)."""
        if isinstance(self.server, SoportexSimulator):
            product = SoportexProduct("T", "TRIPLE TACHIRA", "triple", ("13:15", "16:45"), "A")
            products = (*SOPORTEX_PRODUCTS, product)
            self.server.sorteos = {s.codigo: s for s in _sorteos(products)}
        else:
            product = BanklotProduct(30, "TRIPLE TACHIRA", "LOTERIA DEL TACHIRA", 30, "lottery",
                                     ("13:15", "16:45"), lists=(1,))
            self.server.world.products = (*BANKLOT_PRODUCTS, product)


@asynccontextmanager
async def simulator(name: str, clock: FakeClock) -> AsyncIterator[Sim]:
    """The provider's simulator on the bot's clock, and the settings that point the bot at it."""
    common = {"provider": name, "provider_timeout": TIMEOUT}
    if name == "soportex":
        async with SoportexSimulator(clock=clock, token=TOKEN) as sim:
            yield Sim(name, sim, {**common, "soportex_url": sim.base_url,
                                  "soportex_token": TOKEN})
    else:
        async with BanklotSimulator(clock=clock, password=PASSWORD) as bsim:
            yield Sim(name, bsim, {**common, "banklot_url": bsim.base_url,
                                   "banklot_email": bsim.email, "banklot_password": PASSWORD})


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "taquilla.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@dataclass
class Env:
    tg: FakeTelegram
    sim: Sim
    clock: FakeClock
    db_url: str

    def settings(self) -> Any:
        return make_settings(self.tg, self.db_url, **self.sim.overrides)

    def bot(self) -> Any:
        return running_bot(self.tg, self.settings(), self.clock)


@pytest.fixture(params=PROVIDERS)
async def env(request: pytest.FixtureRequest, tg: FakeTelegram, sqlite_url: str
              ) -> AsyncIterator[Env]:
    clock = FakeClock()  # Monday 2026-11-23, 09:30 in Caracas
    async with simulator(request.param, clock) as sim:
        yield Env(tg, sim, clock, sqlite_url)


async def _fund(run: RunningBot, user_id: int = PLAYER, balance: int = 10_000) -> None:
    async with run.app.sessionmaker() as session, session.begin():
        await users_repo.ensure_user(session, user_id, currency="VES", first_name="Ana",
                                     role=UserRole.PLAYER)
        await users_repo.credit_balance(session, user_id, balance, "VES")


async def _balance(run: RunningBot, user_id: int = PLAYER) -> int:
    async with run.app.sessionmaker() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user.balance


async def _tickets(run: RunningBot) -> list[Ticket]:
    async with run.app.sessionmaker() as session:
        return list(await session.scalars(select(Ticket).order_by(Ticket.id)))


async def _confirm(run: RunningBot, preview: SentMessage) -> SentMessage:
    """Press Confirm: the bot first says it is asking the provider; returns what follows."""
    said = await run.press(PLAYER, preview, "✅ Confirmar")
    assert said.content == CONFIRMING
    return await run.tg.next_message(PLAYER)


async def _jobs(run: RunningBot, **advance: float) -> None:
    """Time passes and the jobs tick (what the bot's loop does every minute)."""
    run.clock.advance(**advance)
    await run_draw_jobs_once(run.app)


async def test_a_player_buys_through_the_provider(env: Env) -> None:
    async with env.bot() as run:
        await _fund(run)
        preview = await run.say(PLAYER, "123-ARI 5 zamorano 12pm")
        assert "Triple Zamorano" in preview.content and "12:00" in preview.content
        assert "123 Aries" in preview.content and "5,00" in preview.content
        assert preview.button_texts == ["✅ Confirmar", "✏️ Corregir", "✖️ Cancelar"]
        assert env.sim.tickets == []  # a preview books nothing

        ticket = await _confirm(run, preview)
        assert "Serial" in ticket.content and "PIN" in ticket.content
        assert ticket.file_bytes is not None and ticket.file_bytes.startswith(b"\x89PNG")

        (held,) = env.sim.tickets  # the provider really holds exactly one ticket
        assert env.sim.plays_of(held) in (["123-ARI"], ["123-01"])
        (sold,) = await _tickets(run)
        assert sold.status is TicketStatus.SOLD and sold.provider == env.sim.name
        assert sold.provider_ticket_id and sold.provider_ticket_id in ticket.content
        assert await _balance(run) == 9_500
        assert env.tg.messages(PLAYER)[0].buttons == []  # the preview cannot be pressed again


async def test_the_parser_reads_the_providers_catalog(env: Env) -> None:
    """Triple Caracas is in the bundled catalog but neither provider sells it."""
    async with env.bot() as run:
        await _fund(run)
        assert run.app.catalog.get_lottery("caracas") is None
        answer = await run.say(PLAYER, "123 x5 caracas 1pm")
        assert "Confirmar" not in " ".join(answer.button_texts)
        assert "Línea 1" in answer.content
        assert "Triple Caracas no se vende por este sistema de lotería" in answer.content
        assert env.sim.tickets == [] and await _tickets(run) == []


async def test_a_draw_that_closes_before_confirm_is_refused(env: Env) -> None:
    async with env.bot() as run:
        await _fund(run)
        preview = await run.say(PLAYER, "123 x5 zamorano 10am")
        run.clock.advance(minutes=26)  # 09:56 in Caracas: the 10:00 draw closed at 09:55
        answer = await _confirm(run, preview)
        assert "No se vendió nada" in answer.content and "cerrado" in answer.content
        assert env.sim.tickets == [] and await _balance(run) == 10_000
        again = await run.say(PLAYER, "456 x5 zamorano 10am")
        assert "cerró" in again.content and again.button_texts == []


async def test_a_number_sold_out_at_the_provider_is_refused(env: Env) -> None:
    """Both simulators stop at 100 on one triple of one draw; the second sale asks for 50."""
    async with env.bot() as run:
        await _fund(run, balance=100_000)
        first = await _confirm(run, await run.say(PLAYER, "123 x60 zamorano 12pm"))
        assert "PIN" in first.content
        refused = await _confirm(run, await run.say(PLAYER, "123 x50 zamorano 12pm"))
        assert "No se vendió nada" in refused.content and "agotado" in refused.content
        assert len(env.sim.tickets) == 1
        assert await _balance(run) == 94_000  # only the first sale was paid
        assert [t.status for t in await _tickets(run)] == [TicketStatus.SOLD,
                                                           TicketStatus.REJECTED]


async def test_a_lost_answer_still_ends_with_one_ticket(env: Env) -> None:
    async with env.bot() as run:
        await _fund(run)
        preview = await run.say(PLAYER, "123-ARI 5 zamorano 12pm")
        env.sim.server.faults.set(Fault.LOST, op=env.sim.create_op)  # booked, answer dropped
        ticket = await _confirm(run, preview)
        assert "PIN" in ticket.content and "Serial" in ticket.content
        assert env.sim.server.faults.fired == [(env.sim.create_op, Fault.LOST)]
        assert len(env.sim.tickets) == 1
        (sold,) = await _tickets(run)
        assert sold.status is TicketStatus.SOLD
        assert await _balance(run) == 9_500


async def test_a_sale_never_accepted_stays_pending_then_is_refunded(env: Env) -> None:
    async with env.bot() as run:
        await _fund(run)
        preview = await run.say(PLAYER, "123-ARI 5 zamorano 12pm")
        env.sim.server.faults.set(Fault.TIMEOUT, op=env.sim.create_op)
        pending = await _confirm(run, preview)
        assert "todavía no confirmó" in pending.content and "no perdido" in pending.content
        assert await _balance(run) == 9_500  # held while nobody knows
        assert [t.status for t in await _tickets(run)] == [TicketStatus.PENDING]

        await _jobs(run, seconds=GRACE.total_seconds() + 60)  # asked: not there, keep waiting
        assert [t.status for t in await _tickets(run)] == [TicketStatus.PENDING]
        assert env.tg.messages(PLAYER)[-1].content == pending.content  # nothing said yet

        await _jobs(run, seconds=GIVE_UP.total_seconds())
        told = await env.tg.next_message(PLAYER)
        assert "no se vendió nada" in told.content and "Bs. 5,00" in told.content
        assert "saldo" in told.content
        assert await _balance(run) == 10_000
        assert [t.status for t in await _tickets(run)] == [TicketStatus.REJECTED]
        assert env.sim.tickets == []
        await _jobs(run, minutes=5)  # again: nothing more happens
        assert await _balance(run) == 10_000
        assert env.tg.messages(PLAYER)[-1].content == told.content  # told once


async def test_a_booking_confirmed_after_a_restart_reaches_the_buyer(env: Env) -> None:
    """The provider books after the bot gave up; the bot restarts; its job finds the ticket
    (banklot through the journal in the database) and sends it to the buyer."""
    async with env.bot() as run:
        await _fund(run)
        preview = await run.say(PLAYER, "123-ARI 5 zamorano 12pm")
        env.sim.server.faults.set(Fault.LATE, op=env.sim.create_op)
        pending = await _confirm(run, preview)
        assert "todavía no confirmó" in pending.content
        await env.sim.server.idle()
    assert len(env.sim.tickets) == 1  # booked after all

    env.clock.advance(seconds=GRACE.total_seconds() + 1)
    async with env.bot() as run:  # a new process; its first job run reconciles
        told = await env.tg.next_message(PLAYER)
        assert "confirmó tu ticket" in told.content
        assert "PIN" in told.content and "Triple Zamorano" in told.content
        (sold,) = await _tickets(run)
        assert sold.status is TicketStatus.SOLD and sold.provider_ticket_id
        assert await _balance(run) == 9_500
        listing = await run.say(PLAYER, "/ultimo")
        assert sold.serial[:5] in listing.content
        # Delivered, the notice's text (it carried the PIN) is not kept in the outbox.
        assert await _pin_notices_kept(run) == 0
    assert len(env.sim.tickets) == 1


async def _pin_notices_kept(run: RunningBot) -> int:
    for _ in range(100):
        async with run.app.sessionmaker() as session:
            rows = (await session.scalars(
                select(OutboxMessage).where(OutboxMessage.chat_id == PLAYER)
            )).all()
        if rows and all(r.state == OutboxState.SENT for r in rows):
            return sum(1 for r in rows if r.text and "PIN" in r.text)
        await asyncio.sleep(0.05)
    raise AssertionError("the notice was never recorded as sent")


async def test_the_buyer_cancels_inside_the_window(env: Env) -> None:
    async with env.bot() as run:
        await _fund(run)
        await _confirm(run, await run.say(PLAYER, "123 x5 zamorano 12pm"))
        opened = await run.say(PLAYER, "/ultimo")
        await env.tg.next_message(PLAYER)  # its image
        asked = await run.press(PLAYER, opened, "🗑 Anular")
        done = await run.press(PLAYER, asked, "✅ Sí, anular")
        assert "anulado" in done.content and "Bs. 5,00" in done.content
        assert await _balance(run) == 10_000
        (held,) = env.sim.tickets
        assert env.sim.voided(held)
        assert await run.logged(actor_id=PLAYER, target_type="TICKET") == [
            "TICKET_SELL", "TICKET_CANCEL"]


async def test_an_unreachable_provider_at_start_up_then_its_catalog(env: Env) -> None:
    catalog_op = "sorteos" if env.sim.name == "soportex" else "get-data"
    env.sim.server.faults.set(Fault.ERROR_500, op=catalog_op, times=1000)
    async with env.bot() as run:  # the bot starts anyway, on the bundled catalog
        await _fund(run)
        assert run.app.catalog_loaded_at is None
        down = await run.say(PLAYER, "123 x5 zamorano 12pm")
        assert "no responde" in down.content and "No se vendió nada" in down.content
        assert down.button_texts == []

        env.sim.server.faults.clear()
        await _jobs(run, minutes=1)  # the next tick asks again
        assert run.app.catalog_loaded_at is not None
        assert run.app.catalog.get_lottery("caracas") is None  # now the provider's
        ticket = await _confirm(run, await run.say(PLAYER, "123 x5 zamorano 12pm"))
        assert "PIN" in ticket.content
        assert len(env.sim.tickets) == 1


async def test_a_provider_down_at_confirm_sells_nothing_and_says_so(env: Env) -> None:
    """Long down: what the bot knew of the provider's draws is too old to sell on, and the
    provider cannot be asked; nothing is taken, nothing is sent."""
    async with env.bot() as run:
        await _fund(run)
        preview = await run.say(PLAYER, "123-ARI 5 zamorano 7pm")
        assert "Confirmar" in " ".join(preview.button_texts)
        env.sim.server.faults.set(Fault.ERROR_500, times=1000)  # every operation, from now
        run.clock.advance(hours=6, minutes=5)  # 15:35: the 7 pm draw is still open
        answer = await _confirm(run, preview)
        assert "No se vendió nada" in answer.content and "no responde" in answer.content
        assert await run.balance(PLAYER) == 10_000
        assert await _tickets(run) == []
    assert env.sim.tickets == []


async def test_the_catalog_follows_the_provider_on_schedule(env: Env) -> None:
    async with env.bot() as run:
        await _fund(run)
        before = await run.say(PLAYER, "123 x5 tachira 1:15pm")
        assert before.button_texts == []  # not sold by the provider (yet)

        env.sim.add_lottery()
        await _jobs(run, minutes=1)  # not due yet: still the old catalog
        assert run.app.catalog.get_lottery("tachira") is None
        await _jobs(run, seconds=run.app.settings.provider_catalog_ttl)
        assert run.app.catalog.get_lottery("tachira") is not None

        ticket = await _confirm(run, await run.say(PLAYER, "123 x5 tachira 1:15pm"))
        assert "Triple Táchira" in ticket.content and "PIN" in ticket.content
        assert len(env.sim.tickets) == 1
