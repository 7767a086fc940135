"""Settling a draw: every wager on it (and the tripletas it decides) against its current result,
then every ticket touched: ``winner``, ``loser``, or still ``sold`` while a wager is pending.

The rules are :mod:`lottery.settlement` (pure); this applies them to the database in the
caller's unit of work (nothing here commits), through the rows of
:mod:`storage.repositories.settlement_rows`.

- From scratch and idempotent: each run evaluates the wagers against the *current* result
  revision and writes only what differs, so settling twice changes nothing the second time, and
  a corrected result re-settles winners into losers and back.
- A tripleta is re-evaluated whenever any draw of its lottery that day is settled: the wagers
  looked at are those on the draw plus the tripletas booked on that lottery's draws of the same
  local day up to this one (a tripleta plays in its own draw and the later ones).
- Void, pending (booking unconfirmed), rejected, paid and expired tickets are never changed,
  nor is a wager whose outcome is ``void``; a void wager counts as neither won nor pending.
- A correction (a wager already won or lost gets another outcome or prize) is refused with
  ``CorrectionRefused`` — and nothing is written — once any ticket whose wagers depend on the
  draw has been paid. ``enter_and_settle`` stores a result and settles it in one unit of work,
  so a refused correction leaves no new revision behind either.
- Concurrency: settlements of the same lottery and day are serialized by locking that day's draw
  rows (``FOR UPDATE`` on PostgreSQL; on SQLite, the database write lock taken up front), and
  every touched ticket row is locked, in id order, before its wagers are read to decide it — so
  two settlements sharing a ticket, or a payment racing a correction, cannot both go by stale
  reads.
- ``TICKET_SETTLE`` is logged for every ticket whose status or prize changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog, Lottery
from lottery.i18n import N_
from lottery.money import Money
from lottery.plays import messages as M
from lottery.schedule import local_date
from lottery.settlement import (
    BadResult,
    Verdict,
    later_draws_of_day,
    ticket_verdict,
    wager_prize,
)
from providers.house.results import SOURCE_MANUAL, checked_entry
from storage.models import Draw, TicketStatus, WagerOutcome
from storage.repositories import settlement_rows as rows_repo
from storage.repositories.activity import log_activity
from storage.repositories.draw_rows import ensure_draw_rows
from storage.repositories.draws import get_draw
from storage.repositories.results import add_result, current_result
from storage.repositories.tickets import SETTLEABLE

CORRECTION_REFUSED = N_("The result of {lottery} {time} cannot be corrected any more: ticket "
                        "{serial} was already paid on it.")
UNKNOWN_DRAW = N_("There is no draw number {draw}.")
NOT_IN_CATALOG = N_("{lottery} is not in the catalog any more; its draws cannot be settled.")
BROKEN_RESULT = N_("The result of {lottery} {time} cannot settle its plays: {values}.")

_VERDICT_STATUS = {Verdict.PENDING: TicketStatus.SOLD, Verdict.WINNER: TicketStatus.WINNER,
                   Verdict.LOSER: TicketStatus.LOSER}


class SettlementError(M.LocalizedError):
    """Settlement cannot go on; ``message`` says why."""


class CorrectionRefused(SettlementError):
    """A corrected result would change a settled outcome after a prize was paid."""


@dataclass(frozen=True)
class WinningTicket:
    ticket_id: int
    serial: str
    buyer_id: int
    seller_id: int | None
    prize: Money
    #: True when this settlement made it a winner or changed its prize (notify the buyer).
    changed: bool


@dataclass(frozen=True)
class SettlementSummary:
    """The tickets with wagers decided by this draw, as they stand after settling it."""

    draw_id: int
    lottery_id: str
    draw_at: datetime  # aware, in the lottery's time zone
    revision: int | None  # the result revision settled against (None: no result yet)
    winners: int
    losers: int
    pending: int  # still ``sold``: some wager awaits another draw
    changed: int  # tickets whose status or prize changed in this run
    total_prizes: Mapping[str, Decimal]  # of the winners, by currency
    winning_tickets: tuple[WinningTicket, ...]


@dataclass(frozen=True)
class SettledResult:
    draw_id: int
    revision: int
    #: False when the same values were already the current revision (no new revision).
    new_revision: bool
    summary: SettlementSummary


async def settle_draw(
    session: AsyncSession, catalog: Catalog, draw_id: int, *, now: datetime,
    actor_id: int | None,
) -> SettlementSummary:
    """Settle every wager the draw decides against its current result (see the module doc).

    Raises ``CorrectionRefused`` (nothing written) and ``SettlementError`` (unknown draw,
    lottery gone from the catalog, a stored result that does not fit the lottery)."""
    draw = await _draw(session, draw_id)
    lottery = _lottery(catalog, draw)
    await rows_repo.lock_day(session, draw)
    results = await rows_repo.day_results(session, draw.lottery_id, draw.local_date)
    own = results.get(draw.draw_at)
    rows = await rows_repo.wager_rows(session, draw)
    tickets = await rows_repo.lock_tickets(session, {r.ticket_id for r in rows})
    when = draw.draw_at.astimezone(lottery.timezone)

    decided: list[tuple[rows_repo.WagerRow, WagerOutcome, int | None]] = []
    paid: rows_repo.TicketRow | None = None
    corrected = False
    for row in rows:
        if row.outcome is WagerOutcome.VOID:  # taken off its ticket: never settled
            continue
        outcome, prize = _evaluate(catalog, row, results, when, lottery)
        ticket = tickets[row.ticket_id]
        if ticket.status is TicketStatus.PAID:
            paid = paid or ticket
        if (outcome, prize) == (row.outcome, row.prize):
            continue
        if row.outcome in (WagerOutcome.WON, WagerOutcome.LOST):
            corrected = True
        if ticket.status in SETTLEABLE:
            decided.append((row, outcome, prize))
    if corrected and paid is not None:
        raise CorrectionRefused(CORRECTION_REFUSED, {
            "lottery": lottery.name, "time": M.When(when, local_date(lottery, now)),
            "serial": paid.serial})

    await rows_repo.write_wagers(session, decided)
    settleable = sorted(t for t, ticket in tickets.items() if ticket.status in SETTLEABLE)
    prizes = await rows_repo.ticket_prizes(session, settleable)
    moves: dict[tuple[TicketStatus, int | None], list[int]] = {}
    for ticket_id in settleable:
        ticket = tickets[ticket_id]
        verdict, total = ticket_verdict(prizes.get(ticket_id, ()))
        target = (_VERDICT_STATUS[verdict], None if total is None else int(total))
        if target != (ticket.status, ticket.prize):
            moves.setdefault(target, []).append(ticket_id)
    moved = await rows_repo.move_tickets(session, moves)
    entries = []
    for ticket_id in sorted(moved):
        ticket = tickets[ticket_id]
        before = ticket.status
        ticket.status, ticket.prize = moved[ticket_id]
        entries.append({
            "at": now, "actor_id": actor_id, "action": "TICKET_SETTLE", "target_type": "TICKET",
            "target_id": ticket.serial,
            "details": {"from": str(before), "to": str(ticket.status), "prize": ticket.prize,
                        "currency": ticket.currency, "draw_id": draw.id,
                        "lottery": draw.lottery_id, "draw_at": when.isoformat(),
                        "revision": None if own is None else own[0]}})
    await rows_repo.log_entries(session, entries)
    return _summary(draw, when, own, [tickets[t] for t in settleable], set(moved))


async def correction_allowed(session: AsyncSession, draw_id: int) -> bool:
    """False once a ticket whose wagers depend on the draw (a wager on it, or a tripleta of that
    lottery and day booked on it or before) has been paid."""
    return await rows_repo.a_paid_serial(session, await _draw(session, draw_id)) is None


async def enter_and_settle(
    session: AsyncSession, catalog: Catalog, lottery_id: str, draw_at: datetime,
    values: Mapping[str, str], *, now: datetime, actor_id: int | None,
    source: str = SOURCE_MANUAL,
) -> SettledResult:
    """Store a draw's result (a new revision when it differs from the current one, logged as
    ``RESULT_ENTER`` / ``RESULT_CORRECT``) and settle the draw, in the caller's unit of work.

    Raises ``InvalidResult`` (unknown lottery, no such draw, not drawn yet, values that do not
    fit: the house provider's messages) and ``CorrectionRefused`` when the values differ from
    the current result and a prize on the draw was paid — before anything is written."""
    lottery, scheduled = checked_entry(catalog, lottery_id, draw_at, values, now)
    when = M.When(draw_at.astimezone(lottery.timezone), local_date(lottery, now))
    rows = await ensure_draw_rows(session, catalog, [(lottery.id, scheduled.at)], now)
    draw_id = rows[(lottery.id, scheduled.at)][0]
    draw = await _draw(session, draw_id)
    await rows_repo.lock_day(session, draw)
    previous = await current_result(session, draw_id)
    fresh = dict(values)
    if previous is not None and previous.values == fresh:
        revision, new = previous.revision, False
    else:
        serial = None if previous is None else await rows_repo.a_paid_serial(session, draw)
        if serial is not None:
            raise CorrectionRefused(CORRECTION_REFUSED, {
                "lottery": lottery.name, "time": when, "serial": serial})
        row = await add_result(session, draw_id, fresh, source=source, at=now,
                               entered_by=actor_id)
        revision, new = row.revision, True
        details: dict[str, object] = {"lottery": lottery.id,
                                      "draw_at": scheduled.at.isoformat(),
                                      "values": fresh, "revision": revision}
        if previous is not None:
            details["previous"] = previous.values
        await log_activity(session, "RESULT_ENTER" if previous is None else "RESULT_CORRECT",
                           actor_id=actor_id, target_type="DRAW", target_id=draw_id, at=now,
                           details=details)
        if previous is not None:
            from services import alerts  # it reads results.result_text, which imports this

            await alerts.result_corrected(session, catalog, draw_id, lottery,
                                          scheduled.at.astimezone(lottery.timezone),
                                          previous.values, fresh, now)
    summary = await settle_draw(session, catalog, draw_id, now=now, actor_id=actor_id)
    return SettledResult(draw_id, revision, new, summary)


# --- the draw, and deciding ------------------------------------------------------------------


async def _draw(session: AsyncSession, draw_id: int) -> Draw:
    draw = await get_draw(session, draw_id)
    if draw is None:
        raise SettlementError(UNKNOWN_DRAW, {"draw": str(draw_id)})
    return draw


def _lottery(catalog: Catalog, draw: Draw) -> Lottery:
    lottery = catalog.get_lottery(draw.lottery_id)
    if lottery is None:
        raise SettlementError(NOT_IN_CATALOG, {"lottery": draw.lottery_id})
    return lottery


def _evaluate(
    catalog: Catalog, row: rows_repo.WagerRow,
    results: Mapping[datetime, tuple[int, dict[str, str]]], when: datetime, lottery: Lottery,
) -> tuple[WagerOutcome, int | None]:
    """The wager's outcome and prize (minor units) against the current results of its
    lottery's day (every wager looked at is of the settled draw's lottery)."""
    own = results.get(row.draw_at)
    later: tuple[dict[str, str] | None, ...] = ()
    if row.game == "tripleta":  # booked on this lottery's draw of the day, this one or before
        later = tuple(_values_at(results, at) for at in later_draws_of_day(lottery, row.draw_at))
    try:
        prize = wager_prize(catalog, lottery, row.game, row.number, row.sign,
                            Decimal(row.amount), None if own is None else own[1],
                            day_results=later, multiplier=row.payout)
    except BadResult as exc:
        raise SettlementError(BROKEN_RESULT, {
            "lottery": lottery.name, "time": when.time(), "values": str(exc)}) from exc
    if prize is None:
        return WagerOutcome.PENDING, None
    return (WagerOutcome.WON, int(prize)) if prize > 0 else (WagerOutcome.LOST, 0)


def _values_at(
    results: Mapping[datetime, tuple[int, dict[str, str]]], at: datetime
) -> dict[str, str] | None:
    found = results.get(at)
    return None if found is None else found[1]


def _summary(
    draw: Draw, when: datetime, own: tuple[int, dict[str, str]] | None,
    tickets: list[rows_repo.TicketRow], changed: set[int],
) -> SettlementSummary:
    counts = {status: 0 for status in (TicketStatus.WINNER, TicketStatus.LOSER,
                                       TicketStatus.SOLD)}
    totals: dict[str, Decimal] = {}
    winners: list[WinningTicket] = []
    for ticket in tickets:
        counts[ticket.status] += 1
        if ticket.status is TicketStatus.WINNER and ticket.prize:
            prize = Money.from_minor(ticket.prize, ticket.currency)
            totals[ticket.currency] = totals.get(ticket.currency, Decimal(0)) + prize.amount
            winners.append(WinningTicket(ticket.id, ticket.serial, ticket.buyer_id,
                                         ticket.seller_id, prize, ticket.id in changed))
    return SettlementSummary(
        draw_id=draw.id, lottery_id=draw.lottery_id, draw_at=when,
        revision=None if own is None else own[0],
        winners=counts[TicketStatus.WINNER], losers=counts[TicketStatus.LOSER],
        pending=counts[TicketStatus.SOLD], changed=len(changed),
        total_prizes=totals, winning_tickets=tuple(winners),
    )
