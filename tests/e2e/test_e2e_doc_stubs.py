"""The bot sells through each remote provider against a server that follows only its document
(``tests/fakes/providers/doc_stubs``), with the draws the document cannot list taken from the
banca's draws file: what a player sees, and what the provider really holds."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.harness import FakeClock, RunningBot, make_settings, running_bot
from tests.fakes.providers.doc_stubs.banklot import BanklotDocStub
from tests.fakes.providers.doc_stubs.jackpot import JackpotDocStub
from tests.fakes.providers.doc_stubs.soportex import SoportexDocStub
from tests.fakes.telegram import FakeTelegram, SentMessage

PLAYER = 5201
CONFIRMING = "⏳ Confirmando con el proveedor…"


async def tap(run: RunningBot, message: SentMessage, text: str) -> None:
    """Press a button of a question the bot answers by editing it in place."""
    edits = len(message.history)
    run.tg.press_button(PLAYER, message, text=text)
    await run.tg.wait_for(lambda: len(message.history) > edits or None)


@pytest.fixture
def draws(tmp_path: Path) -> Path:
    path = tmp_path / "draws.json"
    path.write_text(json.dumps({
        "lotteries": [{"name": "Triple Zamorano", "key": "M",
                       "games": ["triple", "terminal", "triple_sign", "terminal_sign"],
                       "draws": [{"time": "12:00", "ids": {"A": "M1A", "C": "M1C"}}]}],
        "betcards": [{"code": "JP-1", "name": "Jackpot del lunes",
                      "closes": "2026-11-23T18:00:00-04:00", "price": "1.00",
                      "prize": "5000.00", "events": [
                          {"id": 1, "name": "Caracas - Magallanes",
                           "bets": [{"id": 1, "name": "1", "odds": "2.10"},
                                    {"id": 2, "name": "2", "odds": "1.70"}]},
                          {"id": 2, "name": "Lara - Zulia",
                           "bets": [{"id": 1, "name": "1", "odds": "1.90"},
                                    {"id": 2, "name": "2", "odds": "1.95"}]}]}],
    }), encoding="utf-8")
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "taquilla.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def soportex_stub() -> AsyncIterator[SoportexDocStub]:
    async with SoportexDocStub(token="sx-doc", codes=("M1A", "M1C")) as stub:
        yield stub


async def test_soportex_sells_with_the_banca_s_draws(
    tg: FakeTelegram, sqlite_url: str, soportex_stub: SoportexDocStub, draws: Path
) -> None:
    settings = make_settings(tg, sqlite_url, provider="soportex", provider_timeout=0.5,
                             soportex_url=soportex_stub.base_url, soportex_token="sx-doc",
                             soportex_draws_file=str(draws))
    async with running_bot(tg, settings, FakeClock()) as run:
        await run.fund(PLAYER, balance=10_000)
        preview = await run.say(PLAYER, "123-ARI 5 zamorano 12pm")
        assert "Triple Zamorano" in preview.content and "123 Aries" in preview.content
        said = await run.press(PLAYER, preview, "✅ Confirmar")
        assert said.content == CONFIRMING
        ticket = await run.tg.next_message(PLAYER)
        assert "Serial" in ticket.content
        [(number, held)] = list(soportex_stub.tickets.items())
        assert number.isdigit() and len(number) == 8
        assert [(j["codigo"], j["numero"]) for j in held["jugadas"]] == [("M1C", "123-ARI")]


async def test_banklot_sells_the_products_own_draws(
    tg: FakeTelegram, sqlite_url: str
) -> None:
    clock = FakeClock(datetime(2024, 10, 23, 13, 30, tzinfo=UTC))  # the products example's day
    async with BanklotDocStub(email="taquilla@banklot.net", password="pw", clock=clock) as stub:
        settings = make_settings(tg, sqlite_url, provider="banklot", provider_timeout=0.5,
                                 banklot_url=stub.base_url, banklot_email="taquilla@banklot.net",
                                 banklot_password="pw")
        async with running_bot(tg, settings, clock) as run:
            await run.fund(PLAYER, balance=10_000)
            preview = await run.say(PLAYER, "123 5 zulia 4:45pm")
            assert "Triple Zulia" in preview.content and "23 oct" in preview.content
            await run.press(PLAYER, preview, "✅ Confirmar")
            ticket = await run.tg.next_message(PLAYER)
            assert "Serial" in ticket.content and "PIN" in ticket.content
            assert len(stub.sold()) == 1


async def test_jackpot_sells_the_banca_s_betcards_with_one_operation(
    tg: FakeTelegram, sqlite_url: str, draws: Path
) -> None:
    clock = FakeClock()
    odds = {(1, 1): "2.10", (1, 2): "1.70", (2, 1): "1.90", (2, 2): "1.95"}
    async with JackpotDocStub(operator="taquilla", token="jp-doc", odds=odds,
                              clock=clock) as stub:
        settings = make_settings(tg, sqlite_url, provider="jackpot", jackpot_url=stub.base_url,
                                 jackpot_operator="taquilla", jackpot_token="jp-doc",
                                 jackpot_draws_file=str(draws))
        async with running_bot(tg, settings, clock) as run:
            await run.fund(PLAYER, balance=10_000)
            menu = await run.say(PLAYER, "/jackpot")
            assert "Jackpot del lunes" in menu.content
            await tap(run, menu, menu.button_texts[0])
            for name in ("1", "2"):
                await tap(run, menu, next(t for t in menu.button_texts
                                          if t.split(" · ")[0] == name))
            summary = await run.say(PLAYER, "2")
            ticket = await run.press(PLAYER, summary, "✅ Confirmar")
            assert "Serial" in ticket.content
            [booked] = stub.approved()
            assert booked["price"] == 200 and stub.ops() == ["create"]
