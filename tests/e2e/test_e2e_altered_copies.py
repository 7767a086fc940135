"""/verificar with a real serial and a signature one character short or long: the copy was
altered (it used to say that no ticket has that serial)."""

from __future__ import annotations

from sqlalchemy import select

from lottery.money import from_minor
from lottery.ticket_signature import sign
from storage.models import Ticket
from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5301


async def test_a_signature_one_character_short_or_long_is_an_altered_copy(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=100_000)
        await run.buy(PLAYER, "123 x5 zulia 12:45")
        async with run.app.sessionmaker() as session:
            ticket = await session.scalar(select(Ticket))
        assert ticket is not None
        payload = sign(run.app.ticket_secret, ticket.serial,
                       from_minor(ticket.total, ticket.currency), ticket.currency)
        genuine = await run.say(PLAYER, f"/verificar {payload}")
        assert "Ticket auténtico" in genuine.content
        for copy in (payload[:-1], payload + "A", payload + "AB", payload[:-5]):
            answer = await run.say(PLAYER, f"/verificar {copy}")
            assert "fue alterada" in answer.content, copy
            assert "No existe" not in answer.content
