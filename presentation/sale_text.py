"""What the sales conversation says: previews, refusals, balances (Telegram HTML, translated)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from html import escape
from itertools import groupby
from typing import TYPE_CHECKING

from lottery.catalog import Catalog
from lottery.i18n import _, ngettext
from lottery.plays import PlayError, Wager
from lottery.ticket_codes import format_serial
from presentation import order_text
from presentation.formatting import Formatter
from presentation.labels import animal_name, game_name, sign_name
from presentation.line_names import error_line
from presentation.preview_summary import (
    PLAYS_BUDGET,
    REASONS_BUDGET,
    Entry,
    capped,
    compact_wager_lines,
    fit,
    fits,
    grouped,
    split_offer,
)
from providers.base import ErrorCode, WagerRejection
from services.draft import NO_ORIGINS, LineOrigins, SaleDraft
from services.line_places import ONE_MESSAGE, LinePlaces
from services.order_split import SplitPlan
from services.sales import Preview, Rejected, SaleResult
from storage.models import Ticket, User, UserRole

if TYPE_CHECKING:
    from bot.context import AppContext


def money_text(amount: Decimal | int, app: AppContext, user: User, *, minor: bool = False) -> str:
    """``user``'s reading of an amount in the catalog's currency (``minor``: minor units)."""
    fmt = Formatter.for_reader(user.locale, app.catalog)
    return fmt.minor(int(amount)) if minor else fmt.money(Decimal(amount))


def role_name(role: UserRole) -> str:
    return {UserRole.PLAYER: _("player"), UserRole.SELLER: _("seller"), UserRole.ADMIN: _("admin")}[
        role
    ]


def draw_text(at: datetime, fmt: Formatter) -> str:
    """On the lottery's clock: wager draws carry their lottery's zone."""
    assert at.tzinfo is not None
    return fmt.day_time(at, at.tzinfo)


def play_text(wager: Wager, catalog: Catalog) -> str:
    """How the play reads to a person: `123 Aries`, `5 León`, `Tripleta 5-10-20`."""
    lottery = catalog.lottery(wager.lottery)
    if wager.sign:
        return f"{wager.number} {sign_name(wager.sign)}"
    if wager.game == "animal":
        return f"{wager.number} {animal_name(lottery.animals, wager.number)}".strip()
    if wager.game == "tripleta":
        return " · ".join(
            f"{n} {animal_name(lottery.animals, n)}".strip() for n in wager.number.split("-")
        )
    return wager.number


def _wager_lines(wagers: Iterable[Wager], catalog: Catalog, fmt: Formatter) -> list[str]:
    lines: list[str] = []
    ordered = sorted(wagers, key=lambda w: (w.draw, w.lottery))
    for (lottery_id, draw), group in groupby(ordered, key=lambda w: (w.lottery, w.draw)):
        name = catalog.lottery(lottery_id).name
        lines.append(f"<b>{escape(name)}</b> · {draw_text(draw, fmt)}")
        for w in group:
            amount = fmt.money(w.amount)
            lines.append(f"  {escape(play_text(w, catalog))} · {game_name(w.game)} · {amount}")
    return lines


def _error_lines(
    errors: Iterable[PlayError], catalog: Catalog, origins: LineOrigins = NO_ORIGINS,
    places: LinePlaces = ONE_MESSAGE,
) -> list[str]:
    """Identical messages said once, for all their lines (``preview_summary.grouped``)."""
    return grouped((
        Entry(e.line, escape(e.message) + (note := order_text.error_note(e, origins, catalog)),
              error_line(e.line, escape(e.text[:60]), escape(e.message), places) + note)
        for e in errors
    ), places)


def rejection_text(code: ErrorCode) -> str:
    return {
        ErrorCode.CLOSED_DRAW: _("the draw is closed"),
        ErrorCode.INVALID_NUMBER: _("that number is not sold"),
        ErrorCode.INVALID_AMOUNT: _("invalid amount"),
        ErrorCode.SOLD_OUT: _("sold out (agotado) for that draw"),
        ErrorCode.LIMIT: _("outside the betting limits"),
        ErrorCode.ODDS_CHANGED: _("the odds changed"),
        ErrorCode.BLOCKED: _("number blocked (quemado)"),
        ErrorCode.SUSPENDED: _("sales suspended"),
    }.get(code, _("refused by the lottery system"))


def rejected_lines(rejected: Rejected, catalog: Catalog, fmt: Formatter,
                   places: LinePlaces = ONE_MESSAGE) -> list[str]:
    """Plays refused for the same reason in the same draw are said once, with their lines
    (``places``: the messages of the order they came from)."""
    out = []
    for wager, rejection in rejected:
        where = f"{catalog.lottery(wager.lottery).name} {draw_text(wager.draw, fmt)}"
        if rejection.cap is not None and rejection.available is not None:
            reason = tope_text(rejection.cap, rejection.available, fmt)
        else:
            detail = f" ({escape(rejection.detail)})" if _shows_detail(rejection) else ""
            reason = f"{rejection_text(rejection.code)}{detail}"
        out.append(Entry(wager.line, f"{escape(where)} — {reason}",
                         f"{escape(play_text(wager, catalog))} · {escape(where)} — {reason}"))
    return grouped(out, places)


def tope_text(cap: int, available: int, fmt: Formatter) -> str:
    """The real reason a play does not fit the tope: "sold out" only when it is."""
    if available <= 0:
        return _("sold out (agotado): the tope per number, {cap}, is all sold").format(
            cap=fmt.minor(cap))
    if available >= cap:
        return _("above the tope per number on that draw, {cap}").format(cap=fmt.minor(cap))
    return _("the tope per number is {cap}; {left} left").format(
        cap=fmt.minor(cap), left=fmt.minor(available))


def fit_button_text(draft: SaleDraft, fmt: Formatter) -> str:
    return _("✅ Sell what is available ({total})").format(total=fmt.money(draft.total))


def fit_offer(draft: SaleDraft, catalog: Catalog, fmt: Formatter) -> str:
    """What the "sell what is available" button would sell, said before it is pressed."""
    return "\n".join([_("You can sell what is available:"),
                      *_wager_lines(draft.wagers, catalog, fmt)])


def _shows_detail(rejection: WagerRejection) -> bool:
    """House details are written for people (limits, what is left); remote ones are not."""
    return rejection.readable and bool(rejection.detail) and rejection.code in (
        ErrorCode.LIMIT,
        ErrorCode.SOLD_OUT,
        ErrorCode.INVALID_AMOUNT,
        ErrorCode.BLOCKED,
        ErrorCode.SUSPENDED,
    )


def render_preview(
    preview: Preview, catalog: Catalog, user: User, split: SplitPlan | None = None
) -> str:
    """At most three messages (``preview_summary``): the plays one by one when they fit, else
    summed up per draw, game and amount; ``split``: the order as several tickets."""
    text = _render_preview(preview, catalog, user, split, compact=False)
    if fits(text):
        return text
    return fit(_render_preview(preview, catalog, user, split, compact=True))


def _render_preview(
    preview: Preview, catalog: Catalog, user: User, split: SplitPlan | None, *, compact: bool
) -> str:
    fmt = Formatter.for_reader(user.locale, catalog)
    parts: list[str] = []
    draft = preview.draft
    if draft is not None:
        parts.append(_("🧾 <b>Preview</b> — nothing has been sold yet"))
        if draft.customer_name:
            parts.append(_("Customer: {name}").format(name=escape(draft.customer_name)))
        parts.extend(order_text.origin_notes(preview.origins, catalog, fmt, preview.places))
        parts.append("")
        if compact:
            parts.extend(capped(compact_wager_lines(draft.wagers, catalog, fmt), PLAYS_BUDGET))
        else:
            parts.extend(_wager_lines(draft.wagers, catalog, fmt))
        parts.append("")
        count = len(draft.wagers)
        parts.append(
            ngettext(
                "<b>Total: {total}</b> ({count} play)",
                "<b>Total: {total}</b> ({count} plays)",
                count,
            ).format(
                total=fmt.money(draft.total),
                count=count,
            )
        )
    if preview.errors:
        parts += ["", _("⚠️ <b>I could not read these lines</b> (fix them and send them again):")]
        errors = _error_lines(preview.errors, catalog, preview.origins, preview.places)
        parts.extend(capped(errors, REASONS_BUDGET) if compact else errors)
    if preview.rejected:
        parts += ["", _("⛔ <b>These plays cannot be sold:</b>")]
        refused = rejected_lines(
            (*preview.rejected, *(split.blocked if split is not None else ())), catalog, fmt,
            preview.places)
        parts.extend(capped(refused, REASONS_BUDGET) if compact else refused)
    if split is not None and draft is not None:
        parts += ["", *split_offer(split, len(draft.wagers), fmt)]
    if preview.shortfall is not None:
        lacking = fmt.money(preview.shortfall)
        parts += [
            "",
            _(
                "💰 Not enough balance: you are {missing} short. Ask for a top-up, "
                "or send fewer plays."
            ).format(missing=lacking)
            if user.role == UserRole.PLAYER
            else _(
                "💰 Not enough credit: you are {missing} short. Ask the banca to raise your "
                "limit, or send fewer plays."
            ).format(missing=lacking),
        ]
    if draft is not None and preview.shortfall is None and not (split and split.offered):
        parts += ["", _("Press <b>Confirm</b> to sell.")]
    if draft is None and not preview.errors and not preview.rejected:
        parts.append(
            _(
                "I found no plays in your message. Write for example {example}; "
                "/help explains more."
            ).format(example="<code>123 x5 zulia 12:45</code>")
        )
    return "\n".join(parts).strip("\n")


def provider_error(code: ErrorCode) -> str:
    if code is ErrorCode.UNAVAILABLE:
        return _(
            "The lottery system is not answering right now. Nothing was sold; "
            "try again in a moment."
        )
    return _("The lottery system refused the request ({reason}). Nothing was sold.").format(
        reason=rejection_text(code)
    )


def stale_preview(ticket: Ticket | None) -> str:
    if ticket is not None:
        return _("This preview was already sold as ticket {serial}.").format(
            serial=format_serial(ticket.serial)
        )
    return _("This preview is no longer current. Send your plays again.")


def refusal(result: SaleResult, catalog: Catalog, user: User,
            places: LinePlaces = ONE_MESSAGE) -> str:
    """Why a confirm sold nothing (``places``: the messages of the order it sold)."""
    if result.code is ErrorCode.INSUFFICIENT_FUNDS:
        text = (
            _("Not enough balance for this ticket. Nothing was sold; ask for a top-up.")
            if user.role == UserRole.PLAYER
            else _("Not enough credit for this ticket. Nothing was sold.")
        )
        return "❌ " + text
    lines = ["❌ " + _("Nothing was sold.")]
    if result.rejected:
        fmt = Formatter.for_reader(user.locale, catalog)
        lines += rejected_lines(result.rejected, catalog, fmt, places)
        if any(r.code is ErrorCode.CLOSED_DRAW for _w, r in result.rejected):
            lines.append(_("Send the plays again to play the next open draw."))
    elif result.code is not None:
        lines.append(provider_error(result.code))
    return "\n".join(lines)


def pending(result: SaleResult) -> str:
    assert result.ticket is not None
    return _(
        "⏳ The lottery system did not confirm ticket {serial} yet. I will tell you as soon "
        "as it does; your money is held, not lost."
    ).format(serial=format_serial(result.ticket.serial))


def moved_draws_note(moved: Iterable[tuple[str, datetime]], catalog: Catalog, user: User) -> str:
    """A repeat whose draws already passed today puts its plays on a later day: said before
    the preview, so nobody confirms tomorrow's draw believing it is today's."""
    fmt = Formatter.for_reader(user.locale, catalog)
    lines = [  # no final period: Spanish times already end in one ("12:45 p. m.")
        _("ℹ️ No {lottery} draw is left today at {time}: these plays go to {when}").format(
            lottery=escape(catalog.lottery(lottery).name),
            time=fmt.clock(at, at.tzinfo),
            when=draw_text(at, fmt),
        )
        for lottery, at in moved
    ]
    return "\n".join(lines)
