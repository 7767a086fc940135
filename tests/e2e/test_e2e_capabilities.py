"""What the bot does follows what its provider offers (``Provider.capabilities``), never the
provider's name; and the admins' commands share one role check."""

from __future__ import annotations

from typing import Any

import pytest

from handlers import DECLARED
from providers.house import HouseProvider
from storage.models import UserRole
from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5401
SELLER = 6401
ADMIN = 9401
REFUSAL = "Este comando es solo para los administradores de la banca."


def _menu(tg: FakeTelegram, chat_id: int) -> set[str]:
    commands: list[dict[str, Any]] = tg.commands(scope={"type": "chat", "chat_id": chat_id}) or []
    return {c["command"] for c in commands}


async def test_a_house_banca_under_another_name_keeps_what_the_house_offers(
    tg: FakeTelegram, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(HouseProvider, "name", "casa")
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.say(ADMIN, "/start")
        assert {"resultado", "riesgo", "sorteos"} <= _menu(tg, ADMIN)
        usage = await run.say(ADMIN, "/resultado")  # admins enter this banca's results
        assert usage.content.startswith("Uso: /resultado zulia 12:45 123 ACU")
        assert "Para administradores" in (help_ := (await run.say(ADMIN, "/help")).content)
        assert "/resultado zulia 12:45 123 ACU" in help_
        await run.fund(PLAYER, balance=100_000)
        preview = await run.say(PLAYER, "123 x5 zulia 12:45")
        ticket = await run.press(PLAYER, preview, "✅ Confirmar")  # no lottery system to wait for
        assert "Triple Zulia" in ticket.content
        assert "proveedor" not in ticket.content  # one serial, the banca's own


async def test_every_admin_command_refuses_anyone_else_with_one_answer(
    tg: FakeTelegram, db_url: str
) -> None:
    names = [name for spec in DECLARED if spec.admin_only for name in spec.names]
    assert {"recargar", "cupo", "rol", "resultado", "riesgo", "difundir"} <= set(names)
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.fund(SELLER, role=UserRole.SELLER)
        for user in (PLAYER, SELLER):
            for name in names:
                answer = await run.say(user, f"/{name} zulia 500")
                assert answer.content == REFUSAL, (user, name)
        assert (await run.say(ADMIN, "/cupo")).content.startswith("Uso: /cupo")
        assert await run.logged() == []  # nothing was done
