"""What the jackpot chat says: betcards, the question for each event, the price prompt, the
summary with its payouts and taxes, the sold ticket and the refusals (``services.jackpot`` holds
the logic)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from html import escape

from lottery.catalog import Catalog
from lottery.i18n import _, ngettext
from lottery.ticket_codes import format_serial
from presentation.formatting import Formatter
from providers.base import ErrorCode, ProviderError
from providers.jackpot import Betcard
from services.jackpot import JackpotSale, Picking, Summary, wrong_currency
from storage.models import Ticket, TicketStatus, User, UserRole


def _reader(catalog: Catalog, user: User, currency: str | None = None) -> Formatter:
    """``user``'s formatter, on the operator's currency when it is not the market's."""
    fmt = Formatter.for_reader(user.locale, catalog)
    return fmt.with_currency(currency) if currency else fmt


def _odds(fmt: Formatter, odds: Decimal) -> str:
    return fmt.number(odds, "#,##0.00")


def _rate(fmt: Formatter, rate: Decimal) -> str:
    """``12,5 %``: a tax rate as the operator gives it (a percentage)."""
    return fmt.number(rate, "#,##0.##") + " %"


def not_available() -> str:
    return _("Jackpot tickets are not sold with this bot's lottery system.")


def card_details(card: Betcard, catalog: Catalog, user: User) -> str:
    return _card_details(card, _reader(catalog, user))


def _card_details(card: Betcard, fmt: Formatter) -> str:
    count = len(card.events)
    return ngettext("closes {when} · {count} event", "closes {when} · {count} events",
                    count).format(when=fmt.day_time(card.closes_at), count=count)


def card_button(card: Betcard, catalog: Catalog, user: User) -> str:
    return f"{card.name} · {card_details(card, catalog, user)}"


def betcards_text(cards: Sequence[Betcard], catalog: Catalog, user: User, currency: str) -> str:
    if not cards:
        return _("There is no jackpot on sale right now. Try again later.")
    fmt = _reader(catalog, user, currency)
    lines = [_("🎯 <b>Jackpots on sale</b>"), ""]
    for card in cards:
        lines.append(f"<b>{escape(card.name)}</b>")
        lines.append(escape(_card_details(card, fmt)))
        lines.append(_("Prize: {prize} · a line costs {price}").format(
            prize=fmt.money(card.prize), price=fmt.money(card.price)))
        lines.append("")
    lines.append(_("Choose one to pick the outcome of each event."))
    return "\n".join(lines)


def _pick_lines(card: Betcard, picking: Picking, fmt: Formatter) -> list[str]:
    lines = []
    for i, (event_id, bet_id) in enumerate(picking.picks, 1):
        event = card.event(event_id)
        bet = event.bet(bet_id) if event else None
        if event is None or bet is None:
            continue
        lines.append(f"{i}. {escape(event.name)}: <b>{escape(bet.name)}</b> "
                     f"({_odds(fmt, bet.odds)})")
    return lines


def event_text(card: Betcard, picking: Picking, catalog: Catalog, user: User) -> str:
    """The question for the next event, with what was picked so far."""
    event = picking.next_event(card)
    assert event is not None
    fmt = _reader(catalog, user)
    lines = [
        f"🎯 <b>{escape(card.name)}</b>",
        _("Event {n} of {total}").format(n=len(picking.picks) + 1, total=len(card.events)),
        "",
        f"<b>{escape(event.name)}</b>",
    ]
    if event.starts_at is not None:
        lines.append(_("Starts {when}").format(when=fmt.day_time(event.starts_at)))
    lines += ["", _("Choose the outcome:")]
    picked = _pick_lines(card, picking, fmt)
    if picked:
        lines += ["", _("Your picks so far:"), *picked]
    return "\n".join(lines)


def bet_button(name: str, odds: Decimal, catalog: Catalog, user: User) -> str:
    return f"{name} · {_odds(_reader(catalog, user), odds)}"


def price_prompt(card: Betcard, picking: Picking, catalog: Catalog, user: User, currency: str
                 ) -> str:
    fmt = _reader(catalog, user, currency)
    return "\n".join([
        f"🎯 <b>{escape(card.name)}</b>",
        "",
        _("Your picks:"),
        *_pick_lines(card, picking, fmt),
        "",
        _("How much do you play? One line costs {line}; write a multiple of it (for example "
          "{example}) or choose:").format(
            line=fmt.money(card.price),
            example=f"<code>{_odds(fmt, card.price * 2)}</code>"),
    ])


def _figures(summary: Summary, fmt: Formatter) -> list[str]:
    """Odds, price, taxes and payouts: the same lines on the summary and on the ticket."""
    m = fmt.money
    lines = [
        _("Total odds: {odds}").format(odds=_odds(fmt, summary.odds)),
        _("Price: {amount}").format(amount=m(summary.price)),
    ]
    if summary.ext_amount:
        lines.append(_("Excise tax ({rate}): {amount}").format(
            rate=_rate(fmt, summary.ext), amount=m(summary.ext_amount)))
    return [
        *lines,
        _("Stake: {amount}").format(amount=m(summary.stake)),
        _("Gross payout: {amount}").format(amount=m(summary.gross_payout)),
        _("Withholding tax ({rate}): {amount}").format(
            rate=_rate(fmt, summary.wht), amount=m(summary.wht_amount)),
        "<b>" + _("Net payout: {amount}").format(amount=m(summary.net_payout)) + "</b>",
    ]


def summary_text(summary: Summary, catalog: Catalog, user: User, *,
                 before: Summary | None = None, short: Decimal | None = None) -> str:
    """The summary: every pick and its odds, price, stake, payouts and taxes."""
    fmt = _reader(catalog, user, summary.currency)
    old = {p.event_id: p.odds for p in before.lines} if before else {}
    parts = []
    if before is not None:
        parts += [_("⚠️ <b>The odds changed</b> since you chose. Nothing was sold; these are "
                    "the new odds:"), ""]
    parts += [
        _("🧾 <b>Jackpot ticket</b> — nothing has been sold yet"),
        _("<b>{name}</b> · closes {when}").format(
            name=escape(summary.name), when=fmt.day_time(summary.closes_at)),
        "",
    ]
    for i, line in enumerate(summary.lines, 1):
        shown = _odds(fmt, line.odds)
        if line.event_id in old and old[line.event_id] != line.odds:
            shown = f"<s>{_odds(fmt, old[line.event_id])}</s> → <b>{shown}</b>"
        parts.append(f"{i}. {escape(line.event)}: <b>{escape(line.bet)}</b> ({shown})")
    parts += ["", *_figures(summary, fmt)]
    if wrong_currency(user, summary):
        parts += ["", _("💰 This jackpot is sold in {currency} and your account is in {mine}: "
                        "it cannot be paid from it.").format(currency=summary.currency,
                                                             mine=user.currency)]
    elif short is not None:
        parts += ["", (_("💰 Not enough balance: you are {missing} short. Ask for a top-up.")
                       if user.role == UserRole.PLAYER else
                       _("💰 Not enough credit: you are {missing} short. Ask the banca to raise "
                         "your limit.")).format(missing=fmt.money(short))]
    else:
        parts += ["", _("Press <b>Confirm</b> to buy it.")]
    return "\n".join(parts)


def ticket_text(ticket: Ticket, pin: str | None, summary: Summary, catalog: Catalog,
                user: User) -> str:
    """The sold ticket: serial, PIN, picks, what was paid and what it pays."""
    fmt = _reader(catalog, user, summary.currency)
    parts = [
        _("✅ <b>Jackpot ticket sold</b>"),
        escape(_("Serial: {serial}")).format(
            serial=f"<code>{format_serial(ticket.serial)}</code>"),
        _("<b>{name}</b> · closes {when}").format(
            name=escape(summary.name), when=fmt.day_time(summary.closes_at)),
    ]
    if ticket.provider_ticket_id:
        parts.append(escape(_("Provider ref.: {ref}")).format(
            ref=f"<code>{escape(ticket.provider_ticket_id)}</code>"))
    parts.append("")
    parts += [f"{i}. {escape(p.event)}: <b>{escape(p.bet)}</b> ({_odds(fmt, p.odds)})"
              for i, p in enumerate(summary.lines, 1)]
    parts += ["", *_figures(summary, fmt)]
    if pin:
        parts += ["", escape(_("PIN: {pin}")).format(pin=f"<code>{escape(pin)}</code>"),
                  escape(_("Keep your PIN: you need it to collect a prize."))]
    return "\n".join(parts)


def closed_text(summary_name: str, closes_at: datetime | None, catalog: Catalog, user: User
                ) -> str:
    if closes_at is None:
        return "❌ " + _("Nothing was sold: the jackpot {name} is no longer on sale.").format(
            name=f"<b>{escape(summary_name)}</b>")
    return "❌ " + _("Nothing was sold: the jackpot {name} closed at {when}.").format(
        name=f"<b>{escape(summary_name)}</b>", when=_reader(catalog, user).day_time(closes_at))


def refusal_text(sale: JackpotSale, summary: Summary, catalog: Catalog, user: User) -> str:
    """Why nothing was sold, in the player's words."""
    code = sale.code
    if code is ErrorCode.CLOSED_DRAW:
        return closed_text(summary.name, summary.closes_at, catalog, user) + "\n" + _(
            "/jackpot shows the jackpots on sale.")
    if code is ErrorCode.INSUFFICIENT_FUNDS:
        return "❌ " + (_("Not enough balance for this ticket. Nothing was sold; ask for a top-up.")
                       if user.role == UserRole.PLAYER else
                       _("Not enough credit for this ticket. Nothing was sold."))
    if code is ErrorCode.UNAVAILABLE:
        return "❌ " + _("The lottery system is not answering right now. Nothing was sold; "
                        "try again in a moment.")
    if code is ErrorCode.INVALID_AMOUNT:
        return "❌ " + _("Nothing was sold: the operator refused the price.")
    if code is ErrorCode.INVALID_NUMBER:
        return "❌ " + _("Nothing was sold: the betcard changed. Choose your picks again with "
                        "/jackpot.")
    if code is ErrorCode.ODDS_CHANGED:
        return "❌ " + _("Nothing was sold: the odds changed. Choose your picks again with "
                        "/jackpot.")
    return "❌ " + _("Nothing was sold: the operator refused the ticket.")


def provider_error_text(exc: ProviderError) -> str:
    if exc.code is ErrorCode.UNAVAILABLE:
        return "❌ " + _("The lottery system is not answering right now. Nothing was sold; "
                        "try again in a moment.")
    if exc.code is ErrorCode.CLOSED_DRAW:
        return "❌ " + _("That jackpot is no longer on sale. /jackpot shows the ones that are.")
    if exc.code is ErrorCode.INVALID_AMOUNT:
        return "❌ " + _("The operator does not accept that price.")
    return "❌ " + _("The betcard changed while you were choosing. Choose your picks again with "
                    "/jackpot.")


def stale_text(ticket: Ticket | None) -> str:
    if ticket is not None and ticket.status is not TicketStatus.REJECTED:
        return _("This jackpot was already sold as ticket {serial}.").format(
            serial=format_serial(ticket.serial))
    return _("This jackpot summary is no longer current. /jackpot starts again.")
