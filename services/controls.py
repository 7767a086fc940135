"""The banca's controls, changed from the chat: each change ends what it replaces, adds the new
control, and logs both (actor, before, after) in one unit of work; every process reads it at
its next update (``storage.repositories.controls.refresh``).

A control's scope is what the admin wrote (``lottery.control_input``); a new control on the
same kind and scope replaces the old one, and "quitar" ends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.controls import Control, Controls, Kind, LiveControls
from storage.repositories.activity import log_activity
from storage.repositories.controls import add_control, end_controls, refresh, same_scope

if TYPE_CHECKING:
    from bot.context import AppContext


async def refresh_app(session: AsyncSession, app: AppContext) -> Controls:
    """The controls in force; in house mode the app's catalog becomes theirs."""
    assert app.controls is not None
    controls = await refresh(session, app.controls)
    app.catalog = app.controls.catalog
    return controls


async def read_live(session: AsyncSession, catalog: Catalog) -> LiveControls:
    """The controls in force, read now, for a process that keeps none (a remote provider's)."""
    live = LiveControls(catalog)
    await refresh(session, live, force=True)
    return live


@dataclass(frozen=True)
class Change:
    before: tuple[Control, ...]
    after: Control | None


async def change_control(
    session: AsyncSession, live: LiveControls, kind: Kind, *, actor_id: int, now: datetime,
    amount: int | None = None, reason: str | None = None, remove: bool = False,
    **scope: Any,
) -> Change:
    """Replace (or with ``remove``, end) the control of ``kind`` on exactly ``scope``."""
    before = tuple(await same_scope(session, kind, **scope))
    await end_controls(session, [c.id for c in before], at=now, actor_id=actor_id)
    after = None
    if not remove:
        after = await add_control(session, kind, at=now, actor_id=actor_id, amount=amount,
                                  reason=reason, **scope)
    await log_activity(
        session, "CONTROL_END" if remove else "CONTROL_SET", actor_id=actor_id,
        target_type="CONTROL", target_id=str(kind), at=now,
        details={"kind": str(kind), "scope": _json(scope),
                 "before": [_doc(c) for c in before], "after": _doc(after) if after else None})
    await refresh(session, live, force=True)
    return Change(before, after)


async def end_matching(
    session: AsyncSession, live: LiveControls, kinds: tuple[Kind, ...], *, actor_id: int,
    now: datetime, lottery: str | None, number: str | None = None,
    draw_at: datetime | None = None, day: date | None = None, exact: bool = False,
) -> tuple[Control, ...]:
    """End every control of ``kinds`` that the scope covers (/liberar 555 zamorano ends every
    block of 555 on Zamorano, whatever its draw or day; with a draw, only that draw's and the
    lottery-wide ones). ``exact``: only the controls of that lottery, not the banca-wide."""
    controls = await refresh(session, live, force=True)
    ended = tuple(
        c for c in controls.of(*kinds)
        if (lottery is None or c.lottery == lottery or (c.lottery is None and not exact))
        and (number is None or c.number == number)
        and (draw_at is None or c.draw_at in (None, draw_at))
        and (day is None or c.day in (None, day)))
    if ended:
        await end_controls(session, [c.id for c in ended], at=now, actor_id=actor_id)
        await log_activity(
            session, "CONTROL_END", actor_id=actor_id, target_type="CONTROL",
            target_id=str(kinds[0]), at=now,
            details={"kinds": [str(k) for k in kinds], "before": [_doc(c) for c in ended],
                     "after": None})
        await refresh(session, live, force=True)
    return ended


def in_force(controls: Controls, now: datetime) -> list[Control]:
    """What still applies at ``now``: a draw's control until its draw, a day's through it."""
    today = now.date()
    return [c for c in controls.items
            if (c.draw_at is None or c.draw_at > now)
            and (c.day is None or c.day >= today - timedelta(days=1))]


def _json(scope: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime | date) else v)
            for k, v in scope.items() if v is not None}


def _doc(c: Control) -> dict[str, Any]:
    return _json({"id": c.id, "kind": str(c.kind), "lottery": c.lottery, "game": c.game,
                  "number": c.number, "draw_at": c.draw_at, "day": c.day,
                  "user_id": c.user_id, "amount": c.amount, "reason": c.reason})
