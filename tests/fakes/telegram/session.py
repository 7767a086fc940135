"""aiogram session for loopback tests."""

from __future__ import annotations

from aiogram.client.session.aiohttp import AiohttpSession


class LoopbackSession(AiohttpSession):
    """aiogram waits 250 ms on close for TLS shutdown; plain loopback HTTP has none."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
