"""A ticket's cancel button pressed again, after the ticket is void or while it is being voided:
the ticket is already void (it used to be "the lottery system refused to cancel"), and the money
comes back once."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from providers.base import ProviderTicket
from storage.models import TicketStatus
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.fakes.telegram import FakeTelegram, SentMessage

PLAYER = 5301
GROUP = -4301




async def test_a_second_cancel_press_says_the_ticket_is_already_void(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=100_000)
        await run.buy(PLAYER, "123 x5 zulia 12:45")
        opened = await run.say(PLAYER, "/ultimo")
        await tg.next_message(PLAYER)  # its image
        asked = await run.press(PLAYER, opened, "🗑 Anular")
        done = await run.press(PLAYER, asked, "✅ Sí, anular")
        assert "anulado" in done.content and "Bs. 5,00" in done.content
        again = await run.press(PLAYER, opened, "🗑 Anular")
        assert "ya está anulado" in again.content
        assert "sistema de lotería" not in again.content
        assert await run.balance(PLAYER) == 100_000


async def _shown_in(run: RunningBot, chat_id: int) -> SentMessage:
    """/ultimo written in ``chat_id``, then its Anular: the question "cancel it?"."""
    run.tg.send_user_message(PLAYER, "/ultimo", chat_id=chat_id)
    shown = await run.tg.next_message(chat_id)
    await run.tg.next_message(chat_id)  # its image
    run.tg.press_button(PLAYER, shown, text="🗑 Anular", chat_id=chat_id)
    return await run.tg.next_message(chat_id)


async def test_a_cancel_press_while_the_ticket_is_being_voided_says_already_void(
    tg: FakeTelegram, db_url: str
) -> None:
    """Two chats (the player's private one and a group) are handled at the same time: the
    second press reaches the lottery system after the first voided the ticket there, before
    the booth has recorded it."""
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(PLAYER, balance=100_000)
        await run.buy(PLAYER, "123 x5 zulia 12:45")
        private, group = await _shown_in(run, PLAYER), await _shown_in(run, GROUP)
        provider: Any = run.app.provider
        real_cancel = provider.cancel_ticket
        voided_there, release = asyncio.Event(), asyncio.Event()

        async def held_cancel(ticket: ProviderTicket, now: datetime, **kw: Any) -> Any:
            result = await real_cancel(ticket, now, **kw)
            if not voided_there.is_set():  # the first press: hold it after the void
                voided_there.set()
                await release.wait()
            return result

        provider.cancel_ticket = held_cancel
        tg.press_button(PLAYER, private, text="✅ Sí, anular")
        await asyncio.wait_for(voided_there.wait(), 5)
        tg.press_button(PLAYER, group, text="✅ Sí, anular", chat_id=GROUP)
        second = await tg.next_message(GROUP)
        release.set()
        first = await tg.next_message(PLAYER)
        answers = [first.content, second.content]
        assert "sistema de lotería" not in " ".join(answers)
        assert sum("ya está anulado" in a for a in answers) == 1
        assert sum("Se devolvieron Bs. 5,00" in a for a in answers) == 1  # refunded once
        assert await run.balance(PLAYER) == 100_000
        assert await run.statuses() == [TicketStatus.VOID]
