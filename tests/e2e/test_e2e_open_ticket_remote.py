"""A confirm that finds a draw closed, through a remote provider (issue 18, item 4): the plays
still open sell behind one button, or the closed ones move to the next draw after a new
preview; ``PROVIDER=soportex`` and ``banklot`` against their simulators (SQLite)."""

from __future__ import annotations

from tests.e2e.test_e2e_provider_sales import (  # noqa: F401 (fixtures)
    PLAYER,
    Env,
    _confirm,
    _fund,
    _tickets,
    env,
    sqlite_url,
)

ORDER = "123 x5 zamorano 10am\n456 x5 zamorano 12pm"


async def test_the_open_plays_sell_after_a_draw_closed(env: Env) -> None:  # noqa: F811 (the fixture)
    async with env.bot() as run:
        await _fund(run)
        preview = await run.say(PLAYER, ORDER)
        assert "Total: Bs. 10,00" in preview.content
        run.clock.advance(minutes=26)  # 09:56 in Caracas: the 10:00 draw closed at 09:55
        refused = await _confirm(run, preview)
        assert "No se vendió nada" in refused.content
        assert env.sim.tickets == [] and await _tickets(run) == []
        sell = "✅ Vender las abiertas · Bs. 5,00"
        assert refused.button_texts == [sell, "⏭️ Pasar al próximo sorteo", "✖️ Cancelar"]
        said = await run.press(PLAYER, refused, sell)
        assert said.content.startswith("⏳")
        ticket = await run.tg.next_message(PLAYER)
        assert "456" in ticket.content and "123" not in ticket.content
        (held,) = env.sim.tickets
        assert env.sim.plays_of(held) == ["456"]


async def test_the_closed_plays_move_to_the_next_draw(env: Env) -> None:  # noqa: F811 (the fixture)
    async with env.bot() as run:
        await _fund(run)
        preview = await run.say(PLAYER, ORDER)
        run.clock.advance(minutes=26)
        refused = await _confirm(run, preview)
        moved = await run.press(PLAYER, refused, "⏭️ Pasar al próximo sorteo")
        assert "ya cerró" in moved.content and "Total: Bs. 10,00" in moved.content
        assert env.sim.tickets == []  # a preview first
        ticket = await _confirm(run, moved)
        assert "123" in ticket.content and "456" in ticket.content
        (held,) = env.sim.tickets
        assert sorted(env.sim.plays_of(held)) == ["123", "456"]
