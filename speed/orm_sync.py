"""Keep the session's ORM objects in step with rows read and written by Core statements.

Repositories change counters with one SQL statement (``balance = balance - :x``) for atomicity,
bypassing the ORM; ``refresh_loaded`` writes the values that statement returned into any copy of
the row the session already holds, so a handler that loaded the user earlier does not render
stale money. (The ORM's own ``synchronize_session`` computes the new value in Python from the
loaded one, which is wrong when another process changed the row; ``RETURNING`` the entity with
``populate_existing`` is right, at the cost of an ORM load.) ``attach_loaded`` goes the other
way: a row read with Core becomes the session's object for it, as if the ORM had loaded it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, class_mapper, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value


def refresh_loaded(session: AsyncSession, model: type[Any], pk: Any, **values: Any) -> None:
    mapper: Mapper[Any] = class_mapper(model)
    key = mapper.identity_key_from_primary_key(pk if isinstance(pk, tuple) else (pk,))
    obj = session.sync_session.identity_map.get(key)
    if obj is not None:
        for name, value in values.items():
            set_committed_value(obj, name, value)


async def autoflush(session: AsyncSession) -> None:
    """Flush pending changes, as the ORM does before a query of its own: a row read with Core
    afterwards then sees them, and ``attach_loaded`` does not overwrite them."""
    sync = session.sync_session
    if sync.autoflush and (sync.new or sync.dirty or sync.deleted):
        await session.flush()


def loaded(session: AsyncSession, model: type[Any], pk: Any) -> Any:
    """The session's object for ``pk``, if it holds one (what ``session.get`` would return
    without a query)."""
    mapper: Mapper[Any] = class_mapper(model)
    key = mapper.identity_key_from_primary_key(pk if isinstance(pk, tuple) else (pk,))
    return session.sync_session.identity_map.get(key)


def attach_loaded(session: AsyncSession, model: type[Any], values: Mapping[str, Any]) -> Any:
    """``values`` (every column of one row, as just read) as the session's object for that
    row, as the ORM's own load with ``populate_existing`` leaves it: the object the session
    holds, refreshed, or a new persistent one; unchanged either way, so only what is set on it
    afterwards is flushed. Costs a third of the ORM's load, which every update paid for its
    user and every sale for its ticket. A new object is made as the ORM's load makes it, with no
    constructor: the values go into its dict at once, not one by one through attribute events
    (half the cost of ``model(**values)``)."""
    mapper: Mapper[Any] = class_mapper(model)
    obj = loaded(session, model, tuple(values[c.key] for c in mapper.primary_key))
    if obj is not None:
        for name, value in values.items():
            set_committed_value(obj, name, value)
        return obj
    obj = mapper.class_manager.new_instance()
    instance_state(obj).dict.update(values)
    make_transient_to_detached(obj)  # attributes as loaded, the primary key as its identity
    session.add(obj)
    return obj
