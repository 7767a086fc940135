"""An admin's change is committed by the update's unit of work, not before the admin is told:
when telling them fails, nothing is changed and they hear it was not finished, so trying again
does it once (it used to be committed first: the retry topped the player up twice)."""

from __future__ import annotations

from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

ADMIN = 9401
PLAYER = 5401
SELLER = 6401
APOLOGY = "Algo falló de nuestro lado"


async def test_a_top_up_the_admin_was_not_told_of_is_not_made(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.say(PLAYER, "/start", username="ana")
        await run.say(ADMIN, "/start")
        tg.fail_next("sendMessage", status=400)  # the admin's "topped up" answer
        failed = await run.say(ADMIN, "/recargar @ana 250")
        assert APOLOGY in failed.content
        assert "Bs. 0,00" in (await run.say(PLAYER, "/saldo", username="ana")).content
        assert await run.logged(action="BALANCE_TOP_UP") == []
        # nor announced: the player's news was in the transaction that was rolled back
        assert not [m for m in tg.messages(PLAYER) if "Se abonaron" in (m.content or "")]

        again = await run.say(ADMIN, "/recargar @ana 250")
        assert "Bs. 250,00" in again.content
        assert "Bs. 250,00" in (await run.say(PLAYER, "/saldo", username="ana")).content
        assert await run.balance(PLAYER) == 25_000


async def test_a_role_and_a_limit_the_admin_was_not_told_of_are_not_set(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=str(ADMIN))) as run:
        await run.say(SELLER, "/start", username="luis")
        await run.say(ADMIN, "/start")
        tg.fail_next("sendMessage", status=400)
        assert APOLOGY in (await run.say(ADMIN, f"/rol {SELLER} vendedor")).content
        still_a_player = await run.say(SELLER, "/help", username="luis")
        assert "/ventas" not in still_a_player.content
        assert await run.logged(action="ROLE_SET") == []

        assert "vendedor" in (await run.say(ADMIN, f"/rol {SELLER} vendedor")).content
        tg.fail_next("sendMessage", status=400)
        assert APOLOGY in (await run.say(ADMIN, "/cupo @luis 5000")).content
        assert "Disponible: Bs. 0,00" in (await run.say(SELLER, "/saldo", username="luis")).content
        assert await run.logged(action="CREDIT_LIMIT_SET") == []
        assert "5.000,00" in (await run.say(ADMIN, "/cupo @luis 5000")).content
        credit = await run.say(SELLER, "/saldo", username="luis")
        assert "Disponible: Bs. 5.000,00" in credit.content
        assert await run.logged(target_id=str(SELLER)) == ["ROLE_SET", "CREDIT_LIMIT_SET"]
