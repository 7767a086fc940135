"""Keep already-loaded ORM objects in step with single-statement UPDATEs.

Repositories change counters with one SQL statement (``balance = balance - :x``) for atomicity,
bypassing the ORM; this writes the values that statement returned into any copy of the row the
session already holds, so a handler that loaded the user earlier does not render stale money.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, class_mapper
from sqlalchemy.orm.attributes import set_committed_value


def refresh_loaded(session: AsyncSession, model: type[Any], pk: Any, **values: Any) -> None:
    mapper: Mapper[Any] = class_mapper(model)
    key = mapper.identity_key_from_primary_key(pk if isinstance(pk, tuple) else (pk,))
    obj = session.sync_session.identity_map.get(key)
    if obj is not None:
        for name, value in values.items():
            set_committed_value(obj, name, value)
