"""The admins' commands on draws and lotteries: suspend (with a reason buyers read), close a
draw early, reopen, and the minutes before each draw when sales close. The sale path, /sorteos
and /riesgo read the same controls (``lottery.controls``)."""

from __future__ import annotations

from lottery.control_input import ControlInputError
from lottery.controls import Control, Kind
from lottery.i18n import N_, _
from services.control_commands import UNREAD, Ctx, _now_in_force, _scope, _where
from services.controls import end_matching

NEEDS_TIME = N_("Which draw? Write its time, e.g. {example}")
BAD_MINUTES = N_("«{text}» is not a number of minutes between 0 and 120. Example: {example}")
DRAW_KINDS = (Kind.SUSPEND, Kind.CLOSE_EARLY, Kind.CLOSE_MINUTES)


async def suspend(ctx: Ctx, args: str | None) -> str:
    """/suspender zamorano [4pm] REASON"""
    example = "/suspender zamorano 4pm falla del proveedor"
    scope, _last = _scope(ctx, args, example, amount_last=False)
    where = _where(scope)
    where.pop("game")
    reason = " ".join(scope.rest + scope.numbers)[:200] or None
    await ctx.change(Kind.SUSPEND, reason=reason, **where)
    return "⛔ " + _now_in_force(ctx, DRAW_KINDS, where["lottery"])  # type: ignore[arg-type]


async def close_early(ctx: Ctx, args: str | None) -> str:
    """/cerrar zamorano 4pm"""
    example = "/cerrar zamorano 4pm"
    scope, _last = _scope(ctx, args, example, amount_last=False)
    if scope.rest or scope.numbers:
        raise ControlInputError(UNREAD, {"text": " ".join(scope.rest + scope.numbers),
                                         "example": example})
    if scope.draw_at is None or scope.lottery is None:
        raise ControlInputError(NEEDS_TIME, {"example": example})
    await ctx.change(Kind.CLOSE_EARLY, lottery=scope.lottery.id, draw_at=scope.draw_at)
    return "🔒 " + _now_in_force(ctx, DRAW_KINDS, scope.lottery.id)


async def reopen(ctx: Ctx, args: str | None) -> str:
    """/reabrir zamorano [4pm]: ends its suspensions and early closes."""
    example = "/reabrir zamorano 4pm"
    scope, _last = _scope(ctx, args, example, amount_last=False)
    lottery = scope.lottery.id if scope.lottery else None
    ended: tuple[Control, ...] = await end_matching(
        ctx.session, ctx.live, (Kind.SUSPEND, Kind.CLOSE_EARLY), actor_id=ctx.admin.id,
        now=ctx.now, lottery=lottery, draw_at=scope.draw_at, day=scope.day, exact=True)
    head = (_("Reopened:") + "\n" + ctx.lines(ended)) if ended else _(
        "Nothing was suspended or closed early there.")
    return head + "\n\n" + _now_in_force(ctx, DRAW_KINDS, lottery)


async def closing_minutes(ctx: Ctx, args: str | None) -> str:
    """/cierre zamorano 10 (todas 5; quitar: the catalog's)"""
    example = "/cierre zamorano 10"
    scope, last = _scope(ctx, args, example, amount_last=True)
    assert last is not None
    if scope.rest or scope.numbers or scope.draw_at or scope.game:
        raise ControlInputError(UNREAD, {"text": args or "", "example": example})
    remove = last.lower() in ("quitar", "borrar", "remove", "off")
    minutes = None
    if not remove:
        if not (last.isascii() and last.isdigit() and int(last) <= 120):
            raise ControlInputError(BAD_MINUTES, {"text": last, "example": example})
        minutes = int(last)
    lottery = scope.lottery.id if scope.lottery else None
    await ctx.change(Kind.CLOSE_MINUTES, amount=minutes, remove=remove, lottery=lottery)
    return "✅ " + _now_in_force(ctx, DRAW_KINDS, lottery)
