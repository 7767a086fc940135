"""aiogram's answer models, built once per process.

aiogram reads every Bot API answer through ``Response[method.__returning__]``, a pydantic
generic model. Pydantic keeps parametrized generics in a weak cache and nothing else holds
them, so each full pass of the garbage collector frees them and the next answer builds its
model again: about 4 ms for ``Response[Message]``, ~12% of a webhook worker's CPU during a
burst of sales (``bench/scale.py``). This session middleware holds one reference to the model
of each answer type the bot meets; the models are the ones aiogram builds itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods.base import Response, TelegramMethod, TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

_KEPT: dict[Any, type] = {}


class KeepResponseModels(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in _KEPT:
            _KEPT[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)
