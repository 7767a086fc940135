"""The one answer every admin command gives to anyone else."""

from __future__ import annotations

from aiogram.types import Message

from lottery.i18n import _
from storage.models import User, UserRole


async def refuse_non_admin(message: Message, user: User) -> bool:
    """Tell a non-admin the command is not theirs; True when the handler must stop there."""
    if user.role == UserRole.ADMIN:
        return False
    await message.answer(_("This command is for the banca's admins only."))
    return True
