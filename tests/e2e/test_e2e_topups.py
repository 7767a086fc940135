"""A player's top-up request through the fake Bot API, on SQLite and PostgreSQL: to the admins
(with the receipt's photo) or to the player's seller, decided once whatever the taps, a
reference counted once, a seller kept to their own players."""

from __future__ import annotations

import asyncio

from storage.models import Account, Reason, UserRole
from tests.e2e.harness import RunningBot, make_settings, running_bot
from tests.e2e.money_helpers import ledger_mismatches, rows, send_photo, tap
from tests.fakes.telegram import FakeTelegram, SentMessage

PLAYER = 5101
PLAYER2 = 5102
SELLER = 6101
OTHER_SELLER = 6102
ADMIN = 9101
ADMIN2 = 9102


def _settings(tg: FakeTelegram, db_url: str):  # type: ignore[no-untyped-def]
    return make_settings(tg, db_url, admin_ids=frozenset({ADMIN, ADMIN2}))


async def _request_to(run: RunningBot, chat_id: int) -> SentMessage:
    return await run.tg.wait_for(
        lambda: next((m for m in reversed(run.tg.messages(chat_id))
                      if "Solicitud de recarga" in (m.content or "") and m.reply_markup), None))


async def _news(run: RunningBot, chat_id: int, words: str) -> list[SentMessage]:
    await run.tg.wait_for(lambda: any(words in (m.content or "") for m in
                                      run.tg.messages(chat_id)))
    return [m for m in run.tg.messages(chat_id) if words in (m.content or "")]


async def test_a_photo_receipt_reaches_both_admins_and_is_credited_once(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, _settings(tg, db_url)) as run:
        for admin in (ADMIN, ADMIN2):
            await run.say(admin, "/start")
        update_id, file_id = send_photo(tg, PLAYER, "/reportar pagomovil 500 0123456789")
        await run.handled.wait(update_id)
        assert "recibida: Bs. 500,00" in (tg.messages(PLAYER)[-1].content or "")
        first = await _request_to(run, ADMIN)
        second = await _request_to(run, ADMIN2)
        assert first.method == "sendPhoto" and first.file is not None
        assert file_id.startswith(first.file.file_id)  # the player's own picture, by file id
        assert "Bs. 500,00" in (first.content or "") and "0123456789" in (first.content or "")

        assert "Aprobada" in await tap(run, ADMIN, first, "✅ Aprobar")
        again = await tap(run, ADMIN, first, "✅ Aprobar")  # double tap
        assert "ya fue aprobada" in again
        late = await tap(run, ADMIN2, second, "❌ Rechazar")  # the other admin, too late
        assert "ya fue aprobada" in late
        press = tg.press_button(ADMIN2, second, text="✅ Aprobar")
        await run.handled.wait(press)
        tg.redeliver(press)  # Telegram delivers the same press again
        await asyncio.sleep(0.3)

        assert await run.balance(PLAYER) == 50_000
        news = await _news(run, PLAYER, "fue aprobada")
        assert len(news) == 1 and "Saldo: Bs. 500,00" in (news[0].content or "")
        top_ups = await rows(run, reason=Reason.TOP_UP)
        assert [(r.user_id, r.amount, r.actor_id) for r in top_ups] == [(PLAYER, 50_000, ADMIN)]
        assert await run.logged(action="TOPUP_APPROVE") == ["TOPUP_APPROVE"]
        assert await ledger_mismatches(run.app.sessionmaker) == []


async def test_two_admins_deciding_at_once_move_the_money_once(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, _settings(tg, db_url)) as run:
        for admin in (ADMIN, ADMIN2):
            await run.say(admin, "/start")
        await run.say(PLAYER, "/reportar transferencia 250 TRF-77")
        first, second = await _request_to(run, ADMIN), await _request_to(run, ADMIN2)
        presses = [tg.press_button(ADMIN, first, text="✅ Aprobar"),
                   tg.press_button(ADMIN2, second, text="✅ Aprobar")]
        await asyncio.gather(*(run.handled.wait(p) for p in presses))
        answers = sorted(tg.callback_query(p).text or "" for p in presses)  # type: ignore[union-attr]
        assert answers[0] == "Aprobada" and "ya fue aprobada" in answers[1]
        assert await run.balance(PLAYER) == 25_000
        assert len(await rows(run, reason=Reason.TOP_UP)) == 1
        assert await ledger_mismatches(run.app.sessionmaker) == []


async def test_a_reference_approved_once_is_refused_for_the_same_method(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, _settings(tg, db_url)) as run:
        await run.say(ADMIN, "/start")
        await run.say(PLAYER, "/reportar pagomovil 100 555")
        await tap(run, ADMIN, await _request_to(run, ADMIN), "✅ Aprobar")
        again = await run.say(PLAYER2, "/reportar pagomovil 100 555")
        assert "ya fue aprobada para este método" in again.content
        other = await run.say(PLAYER2, "/reportar efectivo 100 555")  # another method: its own
        assert "recibida" in other.content
        assert "para vendedores" in (await run.say(PLAYER2, "/pendientes")).content
        bad = await run.say(PLAYER2, "/reportar bitcoin 100 1")
        assert "No conozco ese método" in bad.content and "pagomovil" in bad.content
        usage = await run.say(PLAYER2, "/reportar 100")
        assert usage.content.startswith("Uso: /reportar")
        zero = await run.say(PLAYER2, "/reportar pagomovil 0 9")
        assert "mayor que 0" in zero.content
        # two pending requests with the same reference: the second approval is refused
        await run.say(PLAYER, "/reportar transferencia 40 T1")
        await run.say(PLAYER2, "/reportar transferencia 40 T1")
        requests = [m for m in tg.messages(ADMIN) if "T1" in (m.content or "")]
        assert "Aprobada" in await tap(run, ADMIN, requests[0], "✅ Aprobar")
        assert "ya fue aprobada para este método" in await tap(run, ADMIN, requests[1],
                                                               "✅ Aprobar")
        assert await run.balance(PLAYER) == 14_000 and await run.balance(PLAYER2) == 0


async def test_a_sellers_player_asks_the_seller_who_tops_up_from_the_cupo(
    tg: FakeTelegram, db_url: str
) -> None:
    async with running_bot(tg, _settings(tg, db_url)) as run:
        await run.fund(SELLER, role=UserRole.SELLER, credit=100_000)
        await run.fund(OTHER_SELLER, role=UserRole.SELLER, credit=100_000)
        link = await run.say(SELLER, "/invitar")
        payload = link.content.rsplit("start=", 1)[1].strip()
        assert payload == f"v{SELLER}"
        joined = await run.say(PLAYER, f"/start {payload}", username="ana")
        assert "Ahora eres jugador de" in joined.content
        await run.say(PLAYER2, f"/start v{OTHER_SELLER}", username="beto")

        await run.say(PLAYER, "/reportar efectivo 300 caja-1", username="ana")
        request = await _request_to(run, SELLER)
        assert await tg.next_message(SELLER) == request  # read: the seller's next says follow
        assert not [m for m in tg.messages(ADMIN) if "Solicitud de recarga" in (m.content or "")]
        # another seller forging a press on it is refused, nothing moves
        forged = tg.press_button(OTHER_SELLER, request.message_id, request.buttons[0][0]
                                 .callback_data, chat_id=SELLER, strict=False)
        await run.handled.wait(forged)
        assert "no es tuyo" in (tg.callback_query(forged).text or "")  # type: ignore[union-attr]
        assert "Aprobada" in await tap(run, SELLER, request, "✅ Aprobar")
        assert await run.balance(PLAYER) == 30_000
        assert "fue aprobada" in (await tg.next_message(PLAYER)).content  # the player is told
        seller_rows = await rows(run, user_id=SELLER, account=Account.SELLER)
        assert [(r.reason, r.amount) for r in seller_rows] == [(Reason.TOP_UP_CASH, 30_000)]

        mine = await run.say(SELLER, "/jugadores")
        assert "@ana" in mine.content and "@beto" not in mine.content
        refused = await run.say(OTHER_SELLER, "/abonar @ana 50")
        assert "no es tuyo" in refused.content
        cash = await run.say(SELLER, "/abonar @ana 50")
        assert "Bs. 350,00" in cash.content
        told = await tg.next_message(PLAYER)
        assert "Se abonaron Bs. 50,00 a tu saldo. Saldo: Bs. 350,00." in told.content
        player_refused = await run.say(PLAYER, "/abonar @beto 50", username="ana")
        assert "para vendedores" in player_refused.content
        moved = await run.say(ADMIN, f"/mover @ana {OTHER_SELLER}")
        assert "ahora es jugador de" in moved.content
        assert "@ana" in (await run.say(OTHER_SELLER, "/jugadores")).content
        assert await ledger_mismatches(run.app.sessionmaker) == []
        assert "PLAYER_MOVE" in await run.logged(actor_id=ADMIN)
