"""A player takes money out through the fake Bot API, on SQLite and PostgreSQL: held at once,
paid with a reference or rejected (the hold back), once; a purchase racing it for the same
money; the banca's minimum and hours."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal

from storage.models import Account, Reason, UserRole
from tests.e2e.harness import make_settings, running_bot
from tests.e2e.money_helpers import ledger_mismatches, rows, tap
from tests.fakes.telegram import FakeTelegram

PLAYER = 5201
SELLER = 6201
ADMIN = 9201


async def test_a_withdrawal_is_held_then_paid_once_or_rejected_back(
    tg: FakeTelegram, db_url: str
) -> None:
    settings = make_settings(tg, db_url, admin_ids=frozenset({ADMIN}))
    async with running_bot(tg, settings) as run:
        await run.say(ADMIN, "/start")
        await run.fund(PLAYER, balance=100_000)
        asked = await run.say(PLAYER, "/retiro 300 pago móvil 0414-1234567 V-12345678")
        found = re.search(r"Retiro #(\d+) de Bs. 300,00 solicitado", asked.content)
        assert found, asked.content
        number = found.group(1)  # ids go on across PostgreSQL tests
        assert "Saldo: Bs. 700,00" in asked.content
        assert await run.balance(PLAYER) == 70_000  # held: it cannot be spent
        notice = await tg.next_message(ADMIN)
        assert "0414-1234567" in notice.content and f"/pagado {number}" in notice.content

        paid = await run.say(ADMIN, f"/pagado {number} BNC-998877")
        assert "marcado como pagado" in paid.content
        again = await run.say(ADMIN, f"/pagado {number} BNC-998877")
        assert "ya fue decidida" in again.content
        news = await tg.next_message(PLAYER)
        assert "fue pagado, referencia BNC-998877" in news.content
        assert await run.balance(PLAYER) == 70_000

        await run.say(PLAYER, "/retiro 200 transferencia 0102-…")
        second = await tg.next_message(ADMIN)
        assert "rechazado" in await tap(run, ADMIN, second, "❌ Rechazar")
        assert "ya fue decidida" in await tap(run, ADMIN, second, "❌ Rechazar")
        back = await tg.next_message(PLAYER)
        assert "volvió a tu saldo: Bs. 700,00" in back.content
        assert await run.balance(PLAYER) == 70_000

        held = await rows(run, user_id=PLAYER, account=Account.HELD)
        assert [(r.reason, r.amount) for r in held] == [
            (Reason.WITHDRAW_HOLD, 30_000), (Reason.WITHDRAW_PAID, -30_000),
            (Reason.WITHDRAW_HOLD, 20_000), (Reason.WITHDRAW_RELEASE, -20_000)]
        assert await run.logged(action="WITHDRAW_PAY") == ["WITHDRAW_PAY"]
        assert await ledger_mismatches(run.app.sessionmaker) == []

        # the wrong roles
        await run.fund(SELLER, role=UserRole.SELLER)
        assert "Solo los jugadores" in (await run.say(SELLER, "/retiro 10 x")).content
        refused = await run.say(PLAYER, f"/pagado {number} X")
        assert "administradores" in refused.content
        short = await run.say(PLAYER, "/retiro 5000 pago móvil")
        assert "no alcanza" in short.content
        assert (await run.say(PLAYER, "/retiro")).content.startswith("Uso: /retiro")


async def test_a_withdrawal_racing_a_purchase_for_the_same_money_gets_it_once(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=frozenset({ADMIN}))) as run:
        await run.say(ADMIN, "/start")
        await run.fund(PLAYER, balance=500)  # Bs. 5,00: one or the other
        preview = await run.say(PLAYER, "123 x5 zulia 12:45")
        sale = tg.press_button(PLAYER, preview, text="✅ Confirmar")
        withdrawal = tg.send_user_message(PLAYER, "/retiro 5 pago móvil 0414")
        await asyncio.gather(run.handled.wait(sale), run.handled.wait(withdrawal))
        await asyncio.sleep(0.2)
        texts = [m.content or "" for m in tg.messages(PLAYER)]
        sold = any("Serial" in t for t in texts)
        held = any("solicitado" in t for t in texts)
        assert sold != held, texts  # exactly one of them had the money
        assert await run.balance(PLAYER) == 0
        assert await ledger_mismatches(run.app.sessionmaker) == []


async def test_the_bancas_minimum_and_hours(tg: FakeTelegram, db_url: str) -> None:
    settings = make_settings(tg, db_url, withdraw_min=Decimal(100),
                             withdraw_hours="08:00-18:00")
    async with running_bot(tg, settings) as run:  # the clock: 09:30 in Caracas
        await run.fund(PLAYER, balance=100_000)
        low = await run.say(PLAYER, "/retiro 50 pago móvil")
        assert "El retiro mínimo es Bs. 100,00" in low.content
        run.clock.advance(hours=9)  # 18:30 in Caracas
        late = await run.say(PLAYER, "/retiro 150 pago móvil")
        assert "de 08:00 a 18:00" in late.content
        assert await run.balance(PLAYER) == 100_000
