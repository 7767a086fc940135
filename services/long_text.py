"""Texts that may outgrow one Telegram message: a seller's order of a hundred plays."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup, Message

from presentation.telegram_text import split_text


async def send_text(
    bot: Bot, chat_id: int, html: str, reply_markup: InlineKeyboardMarkup | None = None
) -> Message:
    """``html`` in as many messages as Telegram's length needs, cut between lines; the buttons
    go with the last, which is returned (the message a press of them points at)."""
    *first, last = split_text(html)
    for piece in first:
        await bot.send_message(chat_id, piece)
    return await bot.send_message(chat_id, last, reply_markup=reply_markup)
