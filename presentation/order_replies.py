"""What the open ticket's conversation says beyond the preview itself: additions, edits,
Corregir, a confirm that found a draw closed, an edit after the sale (Telegram HTML)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from html import escape

from lottery.catalog import Catalog
from lottery.i18n import _, ngettext
from lottery.plays import PlayError
from presentation.formatting import Formatter
from presentation.sale_text import draw_text, rejected_lines
from services.line_places import ONE_MESSAGE, LinePlaces
from services.sales import Rejected
from storage.models import User


def open_ticket_header(messages: int) -> str:
    """Above a preview built from more than one message."""
    return ngettext(
        "➕ Open ticket: {count} message. A new message with plays adds to it; ✖️ Cancel "
        "empties it.",
        "➕ Open ticket: {count} messages. A new message with plays adds to it; ✖️ Cancel "
        "empties it.",
        messages,
    ).format(count=messages)


def edited_note() -> str:
    return _("✏️ You edited a message of the open ticket: I read it again.")


def nothing_added() -> str:
    return _(
        "I found no plays in that message, so your open ticket stays as it is: confirm or "
        "cancel it on its preview above, or send more plays."
    )


def changed_preview() -> str:
    """A button of a preview the open ticket has grown past."""
    return _("This preview changed: the open ticket has a newer one below. Use that one.")


def correction(text: str, errors: Iterable[tuple[str, PlayError]], fits_button: bool) -> str:
    """Corregir's answer: the order in a code block, then each failed line as written in it
    (not by number: the block's lines are not the preview's) with its reason."""
    lines = [
        _("✏️ Your whole order, line by line. Copy it, fix it and send it back: it will replace "
          "the open ticket."),
        f"<pre>{escape(text)}</pre>",
    ]
    errors = list(errors)
    if errors:
        lines.append(_("⚠️ <b>To fix:</b>"))
        lines += [f"«{escape(line[:60])}» — {escape(e.message)}" for line, e in errors]
    if fits_button:
        lines.append(_("Or press <b>Edit here</b> to get it in your message box."))
    return "\n".join(lines)


def closed_at_confirm(rejected: Rejected, open_total: Decimal | None, catalog: Catalog,
                      user: User, places: LinePlaces = ONE_MESSAGE) -> str:
    """Confirm found draws closed: nothing was sold, and the two ways on are offered
    (``places``: the messages of the order, whose lines the refusals name)."""
    fmt = Formatter.for_reader(user.locale, catalog)
    lines = ["❌ " + _("Nothing was sold: a draw closed before you confirmed.")]
    lines += rejected_lines(rejected, catalog, fmt, places)
    lines.append("")
    if open_total is not None:
        lines.append(_("You can sell the plays still open ({total}), or move the closed ones "
                       "to their lottery's next draw (you will see the new total first).")
                     .format(total=fmt.money(open_total)))
    else:
        lines.append(_("You can move them to their lottery's next draw (you will see the new "
                       "total first)."))
    return "\n".join(lines)


def sell_open_button(total: Decimal, catalog: Catalog, user: User) -> str:
    fmt = Formatter.for_reader(user.locale, catalog)
    return _("✅ Sell the open ones · {total}").format(total=fmt.money(total))


def move_button() -> str:
    return _("⏭️ Move to the next draw")


def moved_note(moves: Iterable[tuple[str, datetime, datetime]], catalog: Catalog, user: User
               ) -> str:
    fmt = Formatter.for_reader(user.locale, catalog)
    return "\n".join(  # no final period: Spanish times already end in one ("7:05 p. m.")
        _("⏭️ {lottery} {closed} was closed: those plays now go to {when}").format(
            lottery=escape(catalog.lottery(lot).name), closed=draw_text(old, fmt),
            when=draw_text(new, fmt))
        for lot, old, new in moves
    )


def nothing_to_move() -> str:
    return _("Those draws have no later draw open: nothing was moved. Cancel or send the plays "
             "again with another draw.")


def edited_after_sale(serial: str) -> str:
    return _(
        "This message was already sold as ticket {serial}: I do not change a sold ticket. To "
        "change it, cancel the ticket (the button below, or /tickets) and send the plays again."
    ).format(serial=serial)


def cancel_ticket_button(serial: str) -> str:
    return _("🗑️ Cancel ticket {serial}").format(serial=serial)


def edit_here_button() -> str:
    return _("✏️ Edit here")
