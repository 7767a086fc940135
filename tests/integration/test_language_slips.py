"""Language slips in what the bot writes (issue #18, item 11), on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.winner_notices import winner_notices
from tests.integration.test_payments_service import SELLER2, VE, World


async def test_a_spanish_sellers_winner_notice_reads_del_cliente_not_de_el(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = World(sessionmaker)
    await world.users()
    await world.sell(buyer=SELLER2, seller=SELLER2, customer="Juan")
    summary = await world.result()
    async with world.sm() as s:
        [(chat, text)] = await winner_notices(s, VE, summary)
    assert chat == SELLER2
    assert "de el" not in text
    assert "de Juan ganó" in text


async def test_a_notice_without_the_customers_name_reads_de_un_cliente(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = World(sessionmaker)
    await world.users()
    await world.sell(buyer=SELLER2, seller=SELLER2)
    summary = await world.result()
    async with world.sm() as s:
        [(_, text)] = await winner_notices(s, VE, summary)
    assert "de un cliente ganó" in text
