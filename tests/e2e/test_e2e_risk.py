"""/riesgo through the fake Bot API, on SQLite and PostgreSQL: after real sales the admin reads
what each draw sold and the result that would cost the most; with a lottery, the plays that
would pay the most. A cancelled ticket no longer counts; sellers and players are refused."""

from __future__ import annotations

from storage.models import UserRole
from tests.e2e.harness import make_settings, running_bot
from tests.fakes.telegram import FakeTelegram

PLAYER = 5001
SELLER = 6001
ADMIN = 9001


async def test_the_admin_reads_each_draws_worst_result(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url)) as run:
        await run.fund(SELLER, credit=100_000, role=UserRole.SELLER)
        await run.fund(PLAYER, balance=10_000)
        await run.fund(ADMIN, role=UserRole.ADMIN)
        await run.buy(SELLER, "leon x10 lotto activo 10am")  # 10 × 30
        await run.buy(SELLER, "23 x10 zulia 12:45")  # terminal: 10 × 60
        await run.buy(SELLER, "456 x20 zulia 12:45")  # 20 × 600: the biggest triple alone
        await run.buy(SELLER, "123-ARI 5 zulia 12:45")  # 5 × 6.000

        text = (await run.say(ADMIN, "/riesgo")).content
        assert text.startswith("Riesgo · lun, 23 nov.")
        activo, zulia = text[text.index("Lotto Activo"):], text[text.index("Triple Zulia"):]
        assert "Vendido: Bs. 10,00\nPeor resultado: 5 León, paga Bs. 300,00" in activo
        # 123 Aries hits its own play and the terminal 23: 30.000 + 600
        assert "Vendido: Bs. 35,00\nPeor resultado: 123 Aries, paga Bs. 30.600,00" in zulia
        assert "/riesgo lotto activo muestra las jugadas que más pagarían." in text

        plays = (await run.say(ADMIN, "/riesgo zulia")).content
        assert "Lotto Activo" not in plays
        assert [line for line in plays.splitlines() if "→" in line] == [
            "123 Aries · Triple con signo: Bs. 5,00 → paga Bs. 30.000,00",
            "456 · Triple: Bs. 20,00 → paga Bs. 12.000,00",
            "23 · Terminal: Bs. 10,00 → paga Bs. 600,00",
        ]

        # The seller cancels the 123 Aries ticket: its risk goes with it.
        opened = await run.say(SELLER, "/ultimo")
        await tg.next_message(SELLER)  # its image
        asked = await run.press(SELLER, opened, "🗑 Anular")
        assert "anulado" in (await run.press(SELLER, asked, "✅ Sí, anular")).content
        plays = (await run.say(ADMIN, "/riesgo zulia hoy")).content
        assert "Vendido: Bs. 30,00\nPeor resultado: 456, paga Bs. 12.000,00" in plays
        assert "Aries" not in plays

        unknown = await run.say(ADMIN, "/riesgo zulya")
        assert unknown.content == "No conozco la lotería «zulya»."
        tomorrow = await run.say(ADMIN, "/riesgo mañana")
        assert tomorrow.content == (
            "Riesgo · mar, 24 nov.\nNo hay ventas para los sorteos de ese día.")
        quiet = await run.say(ADMIN, "/riesgo activo ayer")
        assert quiet.content == "Riesgo · dom, 22 nov.\nNo hay ventas de Lotto Activo para ese día."

        for user in (SELLER, PLAYER):
            refused = await run.say(user, "/riesgo")
            assert refused.content == "Este comando es solo para los administradores de la banca."
