"""The sellers' cash close, statements and the banca's report through the fake Bot API, on SQLite
and PostgreSQL: a day with sales, a void, a prize paid from a seller's till, a cash top-up, a
collection; the sum over sellers is the banca's figure."""

from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import select

from lottery.ticket_codes import format_serial
from services.settlement import enter_and_settle
from storage.models import Ticket, TicketStatus, UserRole
from storage.repositories import users as users_repo
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.e2e.money_helpers import ledger_mismatches, tap
from tests.fakes.telegram import FakeTelegram

S1, S2 = 6301, 6302
PLAYER, PLAYER2 = 5301, 5302
ADMIN = 9401
CARACAS = ZoneInfo("America/Caracas")


async def _setup(run: RunningBot) -> None:
    for seller, bp in ((S1, 1000), (S2, 500)):
        await run.fund(seller, role=UserRole.SELLER, credit=1_000_000)
        async with run.app.sessionmaker() as session, session.begin():
            await users_repo.set_commission(session, seller, bp)
    await run.say(ADMIN, "/start")


async def _sell(run: RunningBot, seller: int, plays: str) -> tuple[str, str]:
    ticket = await run.buy(seller, plays)
    found = re.search(r"Serial: ([0-9A-Z-]+).*?PIN: (\d+)", ticket.content, re.S)
    assert found, ticket.content
    return found.group(1), found.group(2)


async def _a_day(run: RunningBot, tg: FakeTelegram) -> None:
    """S1 sells 5 + 10 and voids the 10; S2 sells 20; S1's 5 wins 3.000 and S1 pays it from
    the till; S1 takes Bs. 30 cash from a player; the admin collects Bs. 10 from S1."""
    serial, pin = await _sell(run, S1, "123 x5 zulia 12:45")
    await _sell(run, S1, "456 x10 zulia 12:45")
    opened = await run.say(S1, "/ultimo")
    await tg.next_message(S1)  # its image
    asked = await run.press(S1, opened, "🗑 Anular")
    await run.press(S1, asked, "✅ Sí, anular")
    await _sell(run, S2, "789 x20 zulia 12:45")
    await run.say(PLAYER, f"/start v{S1}", username="ana")
    await run.say(PLAYER, "/reportar efectivo 30 caja", username="ana")
    request = await tg.next_message(S1)
    await tap(run, S1, request, "✅ Aprobar")
    await tg.next_message(PLAYER)  # approved
    run.clock.now = datetime(2026, 11, 23, 12, 50, tzinfo=CARACAS)
    async with run.app.sessionmaker() as session, session.begin():
        await enter_and_settle(session, run.app.catalog, "zulia",
                               datetime(2026, 11, 23, 12, 45, tzinfo=CARACAS),
                               {"number": "123", "sign": "ACU"}, now=run.clock(),
                               actor_id=ADMIN)
    update_id = tg.send_user_message(S1, f"/pagar {serial} {pin}")
    await run.handled.wait(update_id)
    await tg.wait_for(lambda: any("Premio pagado" in (m.content or "") or "pagado" in
                                  (m.content or "") for m in tg.messages(S1)[-3:]))
    while await _drain(tg, S1):
        pass
    collected = await run.say(ADMIN, f"/cobro {S1} 10")
    assert "Cobrado Bs. 10,00" in collected.content


async def _drain(tg: FakeTelegram, chat: int) -> bool:
    """Read the chat's unread messages (the winner notice, the payment's answer)."""
    try:
        await tg.next_message(chat, timeout=0.3)
    except TimeoutError:
        return False
    return True


async def test_the_sellers_cuadre_adds_up_to_the_bancas_figure(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=frozenset({ADMIN}))) as run:
        await _setup(run)
        await _a_day(run, tg)
        mine = (await run.say(S1, "/cuadre")).content
        for line in ("Apertura: Bs. 0,00", "+ Ventas: Bs. 15,00", "− Anulados: Bs. 10,00",
                     "− Premios pagados en efectivo: Bs. 3.000,00", "− Comisión: Bs. 0,50",
                     "+ Recargas en efectivo a jugadores: Bs. 30,00",
                     "− Cobros: Bs. 10,00", "La banca le debe: Bs. 2.975,50"):
            assert line in mine, mine
        other = (await run.say(S2, f"/cuadre {S1}")).content
        assert "Solo puedes ver tus propias ventas" in other
        s2 = (await run.say(S2, "/cuadre")).content
        assert "Debe a la banca: Bs. 19,00" in s2  # 20 − 5 %

        everyone = (await run.say(ADMIN, "/cuadre")).content
        assert "-Bs. 2.975,50" in everyone and "Bs. 19,00" in everyone
        assert "Total que deben los vendedores: -Bs. 2.956,50" in everyone.replace("−", "-")
        assert "Libros de la banca: -Bs. 2.956,50" in everyone.replace("−", "-")
        # the same figure from the tickets themselves
        async with run.app.sessionmaker() as session:
            tickets = list(await session.scalars(select(Ticket)))
        live = [t for t in tickets if t.status != TicketStatus.VOID]
        owed = (sum(t.total for t in live) - sum(t.prize or 0 for t in tickets
                                                 if t.status == TicketStatus.PAID)
                - 50 - 100 + 3_000 - 1_000)  # commissions 0,50 + 1,00; top-up; collection
        assert owed == -295_650
        week = (await run.say(S1, "/cuadre semana")).content
        assert "La banca le debe: Bs. 2.975,50" in week
        assert await ledger_mismatches(run.app.sessionmaker) == []
        assert "SELLER_COLLECTION" in await run.logged(actor_id=ADMIN)


async def test_statements_page_with_their_running_balance(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=frozenset({ADMIN}))) as run:
        await _setup(run)
        await run.say(PLAYER, f"/start v{S1}", username="ana")
        await run.say(PLAYER2, f"/start v{S2}", username="beto")
        for amount in range(1, 13):  # 12 top-ups: two pages
            await run.say(ADMIN, f"/recargar {PLAYER} {amount}")
            told = await tg.next_message(PLAYER)
            assert f"Se abonaron Bs. {amount},00" in told.content
        await run.buy(PLAYER, "123 x5 zulia 12:45")
        async with run.app.sessionmaker() as session:
            serial = await session.scalar(select(Ticket.serial).where(Ticket.buyer_id == PLAYER))
        first = await run.say(PLAYER, "/movimientos", username="ana")
        text = first.content
        assert "Movimientos de Ana" in text and "Movimientos 1–10 de 13" in text
        lines = [line for line in text.splitlines() if "→" in line]
        assert len(lines) == 10
        assert lines[0].startswith("23/11")  # the sale, by the serial printed on its ticket
        assert f"Ticket · {format_serial(serial)}: −Bs. 5,00 → Bs. 73,00" in lines[0]
        assert "Recarga: +Bs. 12,00 → Bs. 78,00" in lines[1]
        assert "Saldo: Bs. 73,00" in text
        await tap(run, PLAYER, first, "Anteriores »")
        text2 = first.content  # the same message, edited
        assert "Movimientos 11–13 de 13" in text2
        assert "Recarga: +Bs. 1,00 → Bs. 1,00" in text2

        assert "no es tuyo" in (await run.say(S2, f"/movimientos {PLAYER}")).content
        theirs = await run.say(S1, f"/movimientos {PLAYER}")
        assert "Movimientos de Ana" in theirs.content
        seller = await run.say(S1, "/movimientos")
        assert "Cuenta de" in seller.content
        assert "no es tuyo" not in (await run.say(ADMIN, f"/movimientos {PLAYER2}")).content


async def test_the_bancas_report_and_its_export(tg: FakeTelegram, db_url: str) -> None:
    async with running_bot(tg, make_settings(tg, db_url, admin_ids=frozenset({ADMIN}))) as run:
        await _setup(run)
        await run.fund(PLAYER2, balance=10_000)
        await _a_day(run, tg)
        await run.say(PLAYER2, "/retiro 40 pago móvil 0414", username="beto")
        await tg.next_message(ADMIN)  # the withdrawal to pay
        report = (await run.say(ADMIN, "/utilidad")).content
        assert "Ventas Bs. 25,00 · premios Bs. 3.000,00 · comisiones Bs. 1,50" in report
        assert "Utilidad: -Bs. 2.976,50" in report.replace("−", "-")
        assert "Por lotería" in report and "Por vendedor" in report
        assert "Saldos de jugadores (deuda de la banca): Bs. 90,00" in report  # 30 + 100 − 40
        assert "Retiros por pagar: Bs. 40,00 (1)" in report
        assert "Premios ganados sin cobrar: Bs. 0,00 (0)" in report
        sales = (await run.say(ADMIN, "/ventas")).content  # the banca's /ventas says it too
        assert "Utilidad: -Bs. 2.976,50" in sales.replace("−", "-")
        refused = await run.say(S1, "/utilidad")
        assert "administradores" in refused.content

        await run.say(ADMIN, "/exportar")
        docs = await tg.wait_for(lambda: len(tg.documents(ADMIN)) >= 2 and tg.documents(ADMIN))
        csv_doc, xlsx_doc = docs[-2], docs[-1]
        assert csv_doc.file is not None and xlsx_doc.file is not None
        assert csv_doc.file.file_name == "banca-2026-11-23-2026-11-23.csv"
        assert "total,,25.00,3000.00,1.50,-2976.50,VES" in csv_doc.file.data.decode()
        sheet = load_workbook(io.BytesIO(xlsx_doc.file.data)).active
        assert sheet is not None
        total = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "total")
        assert [float(v) for v in total[2:6]] == [25.0, 3000.0, 1.5, -2976.5]
