"""Control characters people's apps let through (a NUL pasted into a customer's name, a stray
escape in a username) are dropped at the door: the bot answers as it would without them, and
SQLite and PostgreSQL (which refuses NUL in text) store the same clean text."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Ticket, User, UserRole
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5001
SELLER = 6001
ADMIN = 9001
APOLOGY = "Algo salió mal"


def _apologised(run: RunningBot, user_id: int) -> bool:
    return any(APOLOGY in m.content for m in run.tg.messages(user_id))


async def _committed(run: RunningBot, user_id: int, **names: str) -> None:
    """Returns once the user's last update is committed: the bot answers before its commit, but
    the user's next update waits for it (the per-user lock covers the unit of work). ``names``:
    the user's names again (the fake Bot API's user takes a message's names)."""
    await run.say(user_id, "/saldo", **names)


async def test_a_nul_in_the_customer_name_sells_and_stores_the_name_without_it(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=100_000, role=UserRole.SELLER)
        preview = await run.say(SELLER, "cliente: x\x00y\n123 x5 zulia 12:45")
        assert "Confirmar" in " ".join(preview.button_texts)
        ticket = await run.press(SELLER, preview, "✅ Confirmar")

        assert "Serial" in ticket.content and "PIN" in ticket.content
        await _committed(run, SELLER)
        assert not _apologised(run, SELLER)
        async with run.app.sessionmaker() as session:
            names = (await session.scalars(select(Ticket.customer_name))).all()
        assert names == ["xy"]


async def test_ventas_and_recargar_read_a_username_with_a_nul_as_the_user(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.say(PLAYER, "/start", username="ab", first_name="Beto")
        await _committed(run, PLAYER, username="ab", first_name="Beto")
        await run.say(ADMIN, "/start")

        report = await run.say(ADMIN, "/ventas @a\x00b")
        assert "Ventas de Beto (@ab)" in report.content
        topped = await run.say(ADMIN, "/recargar @a\x00b 5")
        assert "Bs. 5,00" in topped.content and "Beto" in topped.content
        await _committed(run, ADMIN)
        balance = await run.say(PLAYER, "/saldo", username="ab", first_name="Beto")
        assert "Bs. 5,00" in balance.content
        assert not _apologised(run, ADMIN)


async def test_control_characters_in_a_persons_names_are_not_stored(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        hello = await run.say(PLAYER, "/start", first_name="Lu\x00is\x1b", username="lu\x7fis")
        assert "¡Hola" in hello.content and "\x00" not in hello.content
        await _committed(run, PLAYER, first_name="Lu\x00is\x1b", username="lu\x7fis")
        async with run.app.sessionmaker() as session:
            user = await session.get(User, PLAYER)
        assert user is not None
        assert (user.first_name, user.username) == ("Luis", "luis")
