"""What sellers and admins see of their role: their own commands menu and a /help that says
what they can do besides buying."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5101
SELLER = 6101
ADMIN = 9101
ADMIN_ONLY = {"recargar", "cupo", "rol", "resultado", "riesgo", "difundir"}


def menu(tg: FakeTelegram, chat_id: int) -> dict[str, str] | None:
    """The commands menu set for one chat (None: it gets everyone's)."""
    commands: list[dict[str, Any]] | None = tg.commands(scope={"type": "chat", "chat_id": chat_id})
    return None if commands is None else {c["command"]: c["description"] for c in commands}


async def test_each_role_gets_its_menu_and_loses_it(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.say(SELLER, "/start")
        await run.say(ADMIN, "/start")
        assert menu(tg, SELLER) is None  # still a player
        admin = menu(tg, ADMIN)
        assert admin is not None and ADMIN_ONLY | {"ventas", "tickets"} <= admin.keys()
        assert admin["rol"] == "Hacer a alguien jugador, vendedor o admin"

        await run.say(ADMIN, f"/rol {SELLER} vendedor")
        seller = menu(tg, SELLER)
        assert seller is not None and "ventas" in seller and "tickets" in seller
        assert not ADMIN_ONLY & seller.keys()

        await run.say(ADMIN, "/idioma en")
        admin = menu(tg, ADMIN)
        assert admin is not None and admin["rol"] == "Make someone a player, seller or admin"

        await run.say(ADMIN, f"/rol {SELLER} jugador")
        assert menu(tg, SELLER) is None  # back to everyone's menu


async def test_help_says_what_a_seller_and_an_admin_can_do(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.say(SELLER, "/start")
        await run.say(ADMIN, "/start")
        await run.say(ADMIN, f"/rol {SELLER} vendedor")
        player = (await run.say(PLAYER, "/help")).content
        seller = (await run.say(SELLER, "/help")).content
        admin = (await run.say(ADMIN, "/help")).content
    assert "Cómo escribir jugadas" in player and "cliente:" not in player
    assert "/recargar" not in player and "/ventas" not in player
    assert "Para vendedores" in seller and "cliente: Juan" in seller and "/ventas" in seller
    assert "/recargar" not in seller
    assert "Para administradores" in admin
    for command in ("/recargar", "/cupo", "/rol", "/resultado", "/riesgo", "/difundir", "/ventas"):
        assert command in admin


async def test_a_failing_menu_does_not_stop_the_role_change(
    tg: FakeTelegram, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.say(SELLER, "/start")
        await run.say(ADMIN, "/start")
        tg.fail_next("setMyCommands", status=500)
        with caplog.at_level(logging.ERROR):
            answer = await run.say(ADMIN, f"/rol {SELLER} vendedor")
        assert "vendedor" in answer.content
        assert "Disponible" in (await run.say(SELLER, "/saldo")).content  # a seller now
    assert "commands menu of user" in caplog.text
    assert str(SELLER) in caplog.text
