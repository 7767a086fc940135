"""/rol, /recargar and /cupo refuse what cannot be: an id no Telegram user can have (the bot used
to apologise for an OverflowError), an amount too large, and demoting an ADMIN_IDS admin (who
was told to be a player, and was admin again at their next message)."""

from __future__ import annotations

from storage.models import User, UserRole
from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

ADMIN = 9301
CONFIGURED_ADMIN = 9302
APOLOGY = "Algo falló de nuestro lado"
HUGE = "9" * 26  # beyond a 64-bit integer


async def test_ids_no_telegram_user_can_have_are_refused(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.say(ADMIN, "/start")
        for command in (f"/rol {HUGE} admin", f"/rol {2**63} vendedor", "/rol -5 admin",
                        f"/recargar {HUGE} 500", f"/cupo {HUGE} 500"):
            answer = await run.say(ADMIN, command)
            assert "no es un id de usuario de Telegram" in answer.content, command
        too_big = await run.say(ADMIN, f"/recargar {ADMIN} 9999999999999")
        assert "es un monto demasiado grande" in too_big.content
        assert [m.content for m in tg.messages(ADMIN) if APOLOGY in m.content] == []


async def test_an_admin_of_admin_ids_cannot_be_demoted_with_rol(
    tg: FakeTelegram, db_url: str
) -> None:
    settings = make_settings(tg, db_url, admin_ids=f"{ADMIN},{CONFIGURED_ADMIN}")
    async with running_bot(tg, settings) as run:
        await run.fund(CONFIGURED_ADMIN, role=UserRole.ADMIN)  # as their first message makes them
        refused = await run.say(ADMIN, f"/rol {CONFIGURED_ADMIN} jugador")
        assert "ADMIN_IDS" in refused.content and "ahora es" not in refused.content
        async with run.app.sessionmaker() as session:
            user = await session.get(User, CONFIGURED_ADMIN)
            assert user is not None and user.role == UserRole.ADMIN
        assert await run.logged(target_id=str(CONFIGURED_ADMIN)) == []
        made = await run.say(ADMIN, f"/rol {CONFIGURED_ADMIN} admin")  # already so: fine
        assert "ahora es administrador" in made.content
