"""Keeps aiogram's parametrised `Response[...]` models alive for the calls the bot makes.

aiogram builds `Response[T]` for every API answer; pydantic caches those generic models only
weakly, so after a garbage collection the next answer rebuilds its schema (~5 ms each, measured in
bench/sale.py's profile). Holding them here makes that a one-time cost at start-up.
"""

from __future__ import annotations

from aiogram.methods import Response
from aiogram.types import BotCommand, Message, Update, User, WebhookInfo

_KEPT: list[object] = []


def keep_response_models() -> None:
    if _KEPT:
        return
    for returning in (Message, bool, Message | bool, User, list[Update], list[BotCommand],
                      WebhookInfo):
        _KEPT.append(Response[returning])  # type: ignore[index]
