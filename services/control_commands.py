"""The admins' control commands, from their words to the answer: what is now in force.

Each reads its arguments (``lottery.control_input``), changes the controls
(``services.controls``) and answers in the reader's language with the controls now in force on
what it touched; bad input is answered with what was wrong and an example.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.control_input import (
    ControlInputError,
    Scope,
    read_amount,
    read_scope,
    require_lottery,
)
from lottery.controls import Control, Kind, LiveControls
from lottery.i18n import N_, _
from lottery.money import to_minor
from presentation.controls_text import describe, in_force_text
from presentation.formatting import Formatter
from services.accounts import find_user
from services.controls import change_control, end_matching, in_force
from storage.models import User, UserRole

REMOVE = ("quitar", "borrar", "remove", "off")
UNREAD = N_("I did not understand «{text}». Example: {example}")
NEEDS_NUMBER = N_("Which number? Example: {example}")
NEEDS_ARGS = N_("Write what to change, e.g. {example}")


class Ctx:
    """What every control command needs."""

    def __init__(self, session: AsyncSession, live: LiveControls, admin: User, now: datetime,
                 fmt: Formatter, chat_id: int | None = None) -> None:
        self.session, self.live, self.admin, self.now, self.fmt = session, live, admin, now, fmt
        self.chat_id = chat_id if chat_id is not None else admin.id

    @property
    def catalog(self) -> Catalog:
        return self.live.catalog

    def lines(self, controls: Sequence[Control]) -> str:
        return "\n".join(f"• {describe(c, self.catalog, self.fmt)}" for c in controls)

    async def change(self, kind: Kind, **kwargs: object) -> Control | None:
        changed = await change_control(self.session, self.live, kind, actor_id=self.admin.id,
                                       now=self.now, **kwargs)  # type: ignore[arg-type]
        return changed.after


def _scope(ctx: Ctx, args: str | None, example: str, *, amount_last: bool
           ) -> tuple[Scope, str | None]:
    words = (args or "").split()
    if not words:
        raise ControlInputError(NEEDS_ARGS, {"example": example})
    last = words.pop() if amount_last else None
    scope = read_scope(ctx.catalog, " ".join(words), ctx.now, example)
    require_lottery(scope, example)
    return scope, last


def _where(scope: Scope) -> dict[str, object]:
    return {"lottery": scope.lottery.id if scope.lottery else None, "game": scope.game,
            "draw_at": scope.draw_at, "day": scope.day}


def _unread(scope: Scope, example: str) -> None:
    if scope.rest:
        raise ControlInputError(UNREAD, {"text": " ".join(scope.rest), "example": example})


def _now_in_force(ctx: Ctx, kinds: tuple[Kind, ...], lottery: str | None) -> str:
    shown = [c for c in in_force(ctx.live.controls, ctx.now)
             if c.kind in kinds and (lottery is None or c.lottery in (None, lottery))]
    if not shown:
        return _("Nothing set: the catalog's values apply.")
    return _("Now in force:") + "\n" + ctx.lines(shown)


async def tope(ctx: Ctx, args: str | None) -> str:
    """/tope zamorano [triple] [555] [4pm|hoy|mañana] 50 | quitar"""
    example = "/tope zamorano 555 50"
    scope, last = _scope(ctx, args, example, amount_last=True)
    _unread(scope, example)
    assert last is not None
    remove = last.lower() in REMOVE
    amount = None if remove else to_minor(read_amount(last, example), ctx.catalog.currency)
    for number in scope.numbers or [None]:
        await ctx.change(Kind.TOPE, amount=amount, remove=remove, number=number,
                         **_where(scope))
    return "✅ " + _now_in_force(ctx, (Kind.TOPE,), _where(scope)["lottery"])  # type: ignore[arg-type]


async def block(ctx: Ctx, args: str | None) -> str:
    """/quemar zamorano 555 [4pm|hoy|mañana]: not sold until /liberar (or that draw or day)."""
    example = "/quemar zamorano 555 4pm"
    scope, _last = _scope(ctx, args, example, amount_last=False)
    _unread(scope, example)
    if not scope.numbers:
        raise ControlInputError(NEEDS_NUMBER, {"example": example})
    for number in scope.numbers:
        await ctx.change(Kind.BLOCK, number=number, **{k: v for k, v in _where(scope).items()
                                                        if k != "game"})
    return "🔥 " + _now_in_force(ctx, (Kind.BLOCK,), _where(scope)["lottery"])  # type: ignore[arg-type]


async def unblock(ctx: Ctx, args: str | None) -> str:
    """/liberar zamorano 555 [4pm|hoy]: ends the blocks of those numbers."""
    example = "/liberar zamorano 555"
    scope, _last = _scope(ctx, args, example, amount_last=False)
    _unread(scope, example)
    if not scope.numbers:
        raise ControlInputError(NEEDS_NUMBER, {"example": example})
    lottery = scope.lottery.id if scope.lottery else None
    ended: list[Control] = []
    for number in scope.numbers:
        ended += await end_matching(ctx.session, ctx.live, (Kind.BLOCK,), actor_id=ctx.admin.id,
                                    now=ctx.now, lottery=lottery, number=number,
                                    draw_at=scope.draw_at, day=scope.day)
    head = (_("Unblocked:") + "\n" + ctx.lines(ended)) if ended else _(
        "No block in force on that number.")
    return head + "\n\n" + _now_in_force(ctx, (Kind.BLOCK,), lottery)


async def payout(ctx: Ctx, args: str | None) -> str:
    """/pago zamorano triple 500: the multiplier of tickets sold from now on."""
    example = "/pago zamorano triple 500"
    scope, last = _scope(ctx, args, example, amount_last=True)
    _unread(scope, example)
    assert last is not None
    if scope.game is None or scope.numbers:
        raise ControlInputError(UNREAD, {"text": escape(args or ""), "example": example})
    remove = last.lower() in REMOVE
    times = None
    if not remove:
        value = read_amount(last, example)
        if value != value.to_integral_value() or value < 1:
            raise ControlInputError(UNREAD, {"text": last, "example": example})
        times = int(value)
    await ctx.change(Kind.PAYOUT, amount=times, remove=remove, lottery=_where(scope)["lottery"],
                     game=scope.game)
    return "✅ " + _now_in_force(ctx, (Kind.PAYOUT,), _where(scope)["lottery"])  # type: ignore[arg-type]


GAME_USAGE = "/juego zamorano terminal no"
YES, NO = ("si", "sí", "yes", "on"), ("no", "off")


async def game(ctx: Ctx, args: str | None) -> str:
    """/juego zamorano terminal no | si: a game not sold (or sold again) in a lottery."""
    words = (args or "").split()
    if not words or words[-1].lower() not in YES + NO:
        raise ControlInputError(NEEDS_ARGS, {"example": GAME_USAGE})
    # the bundled catalog: a game turned off is still one that can be turned on
    scope = read_scope(ctx.live.base, " ".join(words[:-1]), ctx.now, GAME_USAGE)
    require_lottery(scope, GAME_USAGE)
    _unread(scope, GAME_USAGE)
    if scope.game is None or scope.numbers or scope.draw_at or scope.day:
        raise ControlInputError(NEEDS_ARGS, {"example": GAME_USAGE})
    lottery = scope.lottery.id if scope.lottery else None
    await ctx.change(Kind.GAME_OFF, remove=words[-1].lower() in YES, lottery=lottery,
                     game=scope.game)
    return "✅ " + _now_in_force(ctx, (Kind.GAME_OFF, Kind.PAYOUT), lottery)


SELLER_USAGE = "/limite @vendedor ticket 500"
NO_SELLER = N_("{who} is not a seller here. Example: {example}")
SELLER_KINDS = {"ticket": Kind.SELLER_TICKET, "numero": Kind.SELLER_NUMBER,
                "número": Kind.SELLER_NUMBER, "number": Kind.SELLER_NUMBER}


async def seller_limit(ctx: Ctx, args: str | None) -> str:
    """/limite @vendedor ticket 500 | numero 100 | quitar"""
    words = (args or "").split()
    if len(words) != 3 or words[1].lower() not in SELLER_KINDS:
        raise ControlInputError(NEEDS_ARGS, {"example": SELLER_USAGE})
    target = await find_user(ctx.session, words[0])
    if target is None or target.role != UserRole.SELLER:
        raise ControlInputError(NO_SELLER, {"who": escape(words[0]), "example": SELLER_USAGE})
    kind = SELLER_KINDS[words[1].lower()]
    remove = words[2].lower() in REMOVE
    amount = None if remove else to_minor(read_amount(words[2], SELLER_USAGE),
                                          ctx.catalog.currency)
    await ctx.change(kind, amount=amount, remove=remove, user_id=target.id)
    mine = [c for c in in_force(ctx.live.controls, ctx.now)
            if c.kind in (Kind.SELLER_TICKET, Kind.SELLER_NUMBER) and c.user_id == target.id]
    return "✅ " + (_("Now in force:") + "\n" + ctx.lines(mine) if mine else _(
        "No limit of their own: the banca's apply."))


async def listing(ctx: Ctx, args: str | None) -> str:
    """/limites [lotería]: every control in force (of that lottery and the banca-wide ones)."""
    lottery = None
    if args and args.strip():
        found = ctx.catalog.get_lottery(args.strip())
        if found is None:
            raise ControlInputError(UNREAD, {"text": escape(args.strip()),
                                             "example": "/limites zamorano"})
        lottery = found.id
    shown = [c for c in in_force(ctx.live.controls, ctx.now)
             if lottery is None or c.lottery in (None, lottery)]
    return in_force_text(shown, ctx.catalog, ctx.fmt)
