"""/alertas: where the banca's alerts go and what raises them."""

from __future__ import annotations

from lottery.control_input import ControlInputError, read_amount
from lottery.controls import Kind
from lottery.i18n import N_, _
from lottery.money import to_minor
from services.control_commands import REMOVE, Ctx
from services.controls import in_force

USAGE = "/alertas aqui · /alertas ticket 500 · /alertas riesgo 80 · /alertas quitar"
UNREAD_ALERT = N_("I did not understand that. Write one of: {usage}")
BAD_SHARE = N_("«{text}» is not a percentage between 1 and 100.")
HERE = ("aqui", "aquí", "here")
KINDS = {"ticket": Kind.ALERT_TICKET, "riesgo": Kind.ALERT_EXPOSURE,
         "exposicion": Kind.ALERT_EXPOSURE, "risk": Kind.ALERT_EXPOSURE}
ALERT_KINDS = (Kind.ALERT_CHAT, Kind.ALERT_TICKET, Kind.ALERT_EXPOSURE)


async def alerts(ctx: Ctx, args: str | None) -> str:
    words = (args or "").lower().split()
    if words and words[0] in HERE:  # the chat the command was sent in (the admins' group)
        await ctx.change(Kind.ALERT_CHAT, amount=ctx.chat_id)
    elif words and words[0] in REMOVE:
        await ctx.change(Kind.ALERT_CHAT, remove=True)
    elif len(words) == 2 and words[0] in KINDS:
        kind = KINDS[words[0]]
        remove = words[1] in REMOVE
        amount = None
        if not remove and kind is Kind.ALERT_TICKET:
            amount = to_minor(read_amount(words[1], "/alertas ticket 500"), ctx.catalog.currency)
        elif not remove:
            if not (words[1].isascii() and words[1].isdigit() and 1 <= int(words[1]) <= 100):
                raise ControlInputError(BAD_SHARE, {"text": words[1]})
            amount = int(words[1])
        await ctx.change(kind, amount=amount, remove=remove)
    elif words:
        raise ControlInputError(UNREAD_ALERT, {"usage": USAGE})
    shown = [c for c in in_force(ctx.live.controls, ctx.now) if c.kind in ALERT_KINDS]
    if not any(c.kind is Kind.ALERT_CHAT for c in shown):
        off = _("Alerts are off: send /alertas aqui in the chat that should get them.")
        return "\n".join([off, ctx.lines(shown)]).strip()
    return "🔔 " + _("Now in force:") + "\n" + ctx.lines(shown)
