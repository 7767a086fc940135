"""A button press's answer (the spinner stopped) that Telegram no longer takes is not a failure.

Telegram refuses ``answerCallbackQuery`` for a press answered already or more than about 15 s
old ("query is too old…"). Among webhook workers that happens when a worker dies after answering
a press and Telegram delivers the press again to another one, or when a person waited behind the
lock of an update that was slow: the press must still be handled (a sale confirmed, once), so
that refusal is logged and answered ``False`` instead of failing the update.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery
from aiogram.methods.base import Response, TelegramMethod, TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

_TOO_OLD = "query is too old"


class StaleAnswersIgnored(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if not isinstance(method, AnswerCallbackQuery) or _TOO_OLD not in exc.message:
                raise
            log.info("button press answered already or too old; handled all the same")
            result: Any = False
            return Response[TelegramType](ok=True, result=result)
