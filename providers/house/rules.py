"""The house banca's pure rules: what can be sold, up to how much, and why not.

Everything here is computed from the catalog, the wagers, ``now`` and (for the tope) totals the
caller read from the database, so it is tested without a database and shared by ``validate``
(a preview) and ``create_ticket`` (the sale).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from lottery.catalog import Catalog, Lottery
from lottery.controls import Controls
from lottery.limits import check_wagers, shown
from lottery.money import from_minor, to_minor
from lottery.plays import Wager
from lottery.plays import messages as M
from lottery.schedule import Draw, draw_at, is_open, local_date
from providers.base import ErrorCode, WagerRejection
from providers.house import messages as HM
from providers.house.controls_check import layered_cap

#: Cap used where the catalog sets no tope: sales are still counted (exposure), never refused.
NO_CAP = 2**62

#: (lottery, draw instant, game, number, sign): what one tope counter is kept for.
TopeKey = tuple[str, datetime, str, str, str]


def scheduled_draw(lottery: Lottery, at: datetime) -> Draw | None:
    """The catalog draw at exactly ``at`` (aware), or None when the lottery has no such draw."""
    if at.tzinfo is None:
        return None
    local = at.astimezone(lottery.timezone)
    draw = draw_at(lottery, local.date(), local.hour, local.minute)
    return draw if draw is not None and draw.at == at else None


def cap_minor(catalog: Catalog, lottery: Lottery, game: str) -> int:
    """The tope of ``game`` per number and draw (the lottery's, else the catalog's), in minor
    units; ``NO_CAP`` when neither sets one."""
    tope = lottery.tope.get(game, catalog.tope.get(game))
    return NO_CAP if tope is None else to_minor(tope, catalog.currency)


def tope_key(wager: Wager) -> TopeKey:
    return (wager.lottery, wager.draw, wager.game, wager.number, wager.sign or "")


def static_rejections(
    catalog: Catalog, wagers: Sequence[Wager], now: datetime
) -> dict[int, WagerRejection]:
    """Rejections that need no database: the draw exists and is open at ``now``, then limits."""
    found: dict[int, WagerRejection] = {}
    for index, wager in enumerate(wagers):
        lottery = catalog.get_lottery(wager.lottery)
        if lottery is None:
            continue  # reported by the limits below
        reason = draw_problem(lottery, wager.draw, now)
        if reason is not None:
            found[index] = WagerRejection(index, ErrorCode.CLOSED_DRAW, reason, readable=True)
    for problem in check_wagers(catalog, wagers):
        if problem.index not in found:
            found[problem.index] = WagerRejection(
                problem.index, ErrorCode(problem.code), problem.message, readable=True
            )
    return found


def draw_problem(lottery: Lottery, at: datetime, now: datetime) -> str | None:
    """Why the lottery's draw at ``at`` cannot be sold at ``now`` (a message), or None."""
    draw = scheduled_draw(lottery, at)
    if draw is None:
        times = [t.strftime("%H:%M") for t in lottery.times]
        shown_at = at.astimezone(lottery.timezone) if at.tzinfo else at
        return M.render_message(
            M.NO_SUCH_DRAW, {"lottery": lottery.name, "text": shown_at.strftime("%d/%m %H:%M"),
                             "times": times})
    if not is_open(draw, now):
        return closed_message(lottery, draw, now)
    return None


def closed_message(lottery: Lottery, draw: Draw, now: datetime) -> str:
    today = local_date(lottery, now)
    return M.render_message(M.CLOSED_DRAW_NO_NEXT, {
        "lottery": lottery.name, "time": M.When(draw.at, today),
        "closed": draw.closes_at.time()})


@dataclass(frozen=True)
class TopeItem:
    """One wager's claim on a tope counter (amount and cap in minor units)."""

    index: int
    key: TopeKey
    amount: int
    cap: int


def tope_items(catalog: Catalog, wagers: Sequence[Wager], indexes: Iterable[int],
               controls: Controls | None = None) -> list[TopeItem]:
    """``controls``: the banca's topes set from the chat, over the catalog's."""
    items = []
    for i in indexes:
        w = wagers[i]
        cap = cap_minor(catalog, catalog.lottery(w.lottery), w.game)
        if controls is not None and controls.items:
            cap = layered_cap(catalog, controls, w, cap)
        items.append(TopeItem(i, tope_key(w), to_minor(w.amount, catalog.currency), cap))
    return items


def sold_out(
    catalog: Catalog,
    wagers: Sequence[Wager],
    items: Sequence[TopeItem],
    sold: Mapping[TopeKey, int],
    *,
    whole_keys: bool = False,
) -> list[WagerRejection]:
    """Which items do not fit under their cap, given what is already ``sold`` per key.

    Items are taken in index order and the ones that fit count against the cap (what a partial
    sale does); with ``whole_keys`` every item of a key whose sum does not fit is refused (what
    an all-or-nothing sale does).
    """
    used: dict[TopeKey, int] = {}
    refused: list[TopeItem] = []
    if whole_keys:
        sums: dict[TopeKey, int] = {}
        for item in items:
            sums[item.key] = sums.get(item.key, 0) + item.amount
        refused = [it for it in items if sold.get(it.key, 0) + sums[it.key] > it.cap]
    else:
        for item in sorted(items, key=lambda it: it.index):
            total = sold.get(item.key, 0) + used.get(item.key, 0) + item.amount
            if total > item.cap:
                refused.append(item)
            else:
                used[item.key] = used.get(item.key, 0) + item.amount
    return [sold_out_rejection(catalog, wagers, it, sold.get(it.key, 0) + used.get(it.key, 0))
            for it in sorted(refused, key=lambda it: it.index)]


def sold_out_rejection(
    catalog: Catalog, wagers: Sequence[Wager], item: TopeItem, taken: int
) -> WagerRejection:
    wager = wagers[item.index]
    lottery = catalog.lottery(wager.lottery)
    free = max(item.cap - taken, 0)
    params = {"text": shown(wager), "lottery": lottery.name,
              "time": wager.draw.astimezone(lottery.timezone),
              "left": from_minor(free, catalog.currency),
              "cap": from_minor(item.cap, catalog.currency)}
    msgid = HM.SOLD_OUT if free == 0 else HM.OVER_TOPE if taken == 0 else HM.TOPE_LEFT
    return WagerRejection(item.index, ErrorCode.SOLD_OUT, M.render_message(msgid, params),
                          readable=True, cap=item.cap, available=free)


def refusal_code(rejections: Sequence[WagerRejection]) -> ErrorCode:
    """The code of a whole-ticket refusal: the first refused wager's."""
    return min(rejections, key=lambda r: r.index).code
