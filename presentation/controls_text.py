"""How the banca's controls read in the chat: one line each, and the list of what is in force."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from html import escape

from lottery.catalog import Catalog
from lottery.controls import Control, Kind
from lottery.i18n import _
from lottery.money import to_minor
from presentation.formatting import Formatter
from presentation.labels import game_name


def where(c: Control, catalog: Catalog, fmt: Formatter) -> str:
    """The scope: lottery (or all), game, number, draw or day, or "from now on"."""
    lottery = catalog.get_lottery(c.lottery) if c.lottery else None
    parts = [escape(lottery.name) if lottery else (escape(c.lottery) if c.lottery
                                                   else _("every lottery"))]
    if c.game:
        parts.append(escape(game_name(c.game)))
    if c.number:
        parts.append(_("number {number}").format(number=escape(c.number)))
    if c.draw_at is not None:
        zone = lottery.timezone if lottery else catalog.timezone
        parts.append(_("draw of {when}").format(when=fmt.day_time(c.draw_at, zone)))
    elif c.day is not None:
        parts.append(_("on {day}").format(day=fmt.date(c.day)))
    return " · ".join(parts)


def describe(c: Control, catalog: Catalog, fmt: Formatter) -> str:
    scope = where(c, catalog, fmt)
    amount = c.amount or 0
    if c.kind is Kind.TOPE:
        return _("Tope {amount} per number · {scope}").format(amount=fmt.minor(amount),
                                                              scope=scope)
    if c.kind is Kind.BLOCK:
        until = "" if c.draw_at or c.day else " · " + _("until unblocked")
        return _("🔥 Blocked · {scope}").format(scope=scope) + until
    if c.kind is Kind.SELLER_TICKET:
        return _("Seller {user}: largest ticket {amount}").format(user=c.user_id,
                                                                  amount=fmt.minor(amount))
    if c.kind is Kind.SELLER_NUMBER:
        return _("Seller {user}: at most {amount} per number and draw").format(
            user=c.user_id, amount=fmt.minor(amount))
    if c.kind is Kind.SUSPEND:
        reason = f" ({escape(c.reason)})" if c.reason else ""
        return _("⛔ Suspended · {scope}").format(scope=scope) + reason
    if c.kind is Kind.CLOSE_EARLY:
        return _("🔒 Closed early · {scope}").format(scope=scope)
    if c.kind is Kind.CLOSE_MINUTES:
        return _("Sales close {minutes} min before each draw · {scope}").format(
            minutes=amount, scope=scope)
    if c.kind is Kind.PAYOUT:
        return _("Pays ×{times} · {scope} (tickets sold from now on)").format(
            times=amount, scope=scope)
    if c.kind is Kind.GAME_OFF:
        return _("Not sold · {scope}").format(scope=scope)
    if c.kind is Kind.ALERT_CHAT:
        return _("Alerts go to chat {chat}").format(chat=c.amount)
    if c.kind is Kind.ALERT_TICKET:
        return _("Alert: a ticket above {amount}").format(amount=fmt.minor(amount))
    return _("Alert: a number past {share} of its draw's worst case").format(
        share=fmt.percent(Decimal(amount)))


def in_force_text(controls: Iterable[Control], catalog: Catalog, fmt: Formatter) -> str:
    lines = [_("<b>In force</b>")]
    listed = sorted(controls, key=lambda c: (str(c.kind), c.lottery or "", c.id))
    lines += [f"• {describe(c, catalog, fmt)}" for c in listed]
    if not listed:
        lines.append(_("Nothing beyond the catalog."))
    topes = ", ".join(f"{escape(game_name(game))} {fmt.minor(to_minor(v, catalog.currency))}"
                      for game, v in catalog.tope.items())
    if topes:
        lines += ["", _("Catalog topes per number and draw: {topes}").format(topes=topes)]
    return "\n".join(lines)
