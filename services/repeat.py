"""Repeating a ticket (*repetir*, banklot's document "Copy Tickets"): the same plays, each on the
next open draw of its lottery at the same time of day, through the normal preview and confirm."""

from __future__ import annotations

from datetime import datetime, timedelta

from lottery.catalog import Catalog
from lottery.money import from_minor
from lottery.plays import Wager
from lottery.schedule import draw_at, is_open
from storage.models import Ticket

DAYS_AHEAD = 8  # a week covers every lottery's days; one more for today's closed draw


def next_same_time(
    catalog: Catalog, lottery_id: str, at: datetime, now: datetime
) -> datetime | None:
    lottery = catalog.get_lottery(lottery_id)
    if lottery is None:  # a jackpot betcard, or a lottery no longer sold: nothing to repeat on
        return None
    local = at.astimezone(lottery.timezone)
    today = now.astimezone(lottery.timezone).date()
    for offset in range(DAYS_AHEAD):
        draw = draw_at(lottery, today + timedelta(days=offset), local.hour, local.minute)
        if draw is not None and is_open(draw, now):
            return draw.at
    return None


def repeated_wagers(ticket: Ticket, catalog: Catalog, now: datetime) -> list[Wager]:
    wagers = []
    for position, w in enumerate(ticket.wagers, start=1):
        when = next_same_time(catalog, w.lottery_id, w.draw.draw_at, now)
        if when is not None:
            wagers.append(
                Wager(
                    w.lottery_id,
                    when,
                    w.game,
                    w.number,
                    w.sign,
                    from_minor(w.amount, ticket.currency),
                    position,
                )
            )
    return wagers


def moved_to_later_day(
    wagers: list[Wager], catalog: Catalog, now: datetime
) -> list[tuple[str, datetime]]:
    """The (lottery, draw) pairs a repeat put on a later day than today, on the lottery's own
    clock: the person pressed Repetir for today's draws and must hear they went to another day."""
    moved: dict[tuple[str, datetime], None] = {}
    for w in wagers:
        lottery = catalog.get_lottery(w.lottery)
        tz = lottery.timezone if lottery else catalog.timezone
        if w.draw.astimezone(tz).date() > now.astimezone(tz).date():
            moved[(w.lottery, w.draw)] = None
    return sorted(moved, key=lambda pair: (pair[1], pair[0]))
