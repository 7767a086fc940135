"""The banca's controls applied to a sale: suspended and early-closed draws, blocked numbers,
the layered tope per number and a seller's own limits (``lottery.controls`` decides which one
applies). Shared by the preview (``validate_in``) and the booking, which reserves the same caps
atomically.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from lottery.catalog import Catalog
from lottery.controls import Controls, Kind
from lottery.limits import shown
from lottery.money import from_minor, to_minor
from lottery.plays import Wager
from lottery.plays import messages as M
from lottery.schedule import local_date
from providers.base import ErrorCode, WagerRejection
from providers.house import messages as HM
from storage.repositories.seller_sales import SellerKey

DrawIds = Mapping[tuple[str, object], int]


def control_rejections(
    catalog: Catalog, controls: Controls, wagers: Sequence[Wager], indexes: Iterable[int],
    seller_id: int | None,
) -> dict[int, WagerRejection]:
    """Suspensions, early closes, blocks, then the seller's largest ticket (the first plays that
    fit stay sellable, as with the number of plays per ticket)."""
    found: dict[int, WagerRejection] = {}
    ticket_limit = controls.seller_limit(Kind.SELLER_TICKET, seller_id)
    total = 0
    for i in indexes:
        w = wagers[i]
        lottery = catalog.lottery(w.lottery)
        at = w.draw.astimezone(lottery.timezone)
        day = at.date()
        where = {"lottery": lottery.name, "time": M.When(at, local_date(lottery, at)),
                 "text": shown(w)}
        if (c := controls.suspension(w.lottery, w.draw, day)) is not None:
            msgid = HM.SUSPENDED if c.reason else HM.SUSPENDED_NO_REASON
            found[i] = _reject(i, ErrorCode.SUSPENDED, msgid, where | {"reason": c.reason or ""})
        elif controls.closed_early(w.lottery, w.draw) is not None:
            found[i] = _reject(i, ErrorCode.CLOSED_DRAW, HM.CLOSED_EARLY, where)
        elif controls.block(w.lottery, w.number, w.draw, day) is not None:
            found[i] = _reject(i, ErrorCode.BLOCKED, HM.BLOCKED, where)
        elif ticket_limit is not None:
            amount = to_minor(w.amount, catalog.currency)
            if total + amount > ticket_limit:
                found[i] = _reject(i, ErrorCode.LIMIT, HM.SELLER_TICKET, where | {
                    "limit": from_minor(ticket_limit, catalog.currency),
                    "total": from_minor(total + amount, catalog.currency)})
            else:
                total += amount
    return found


def layered_cap(catalog: Catalog, controls: Controls, wager: Wager, base: int) -> int:
    """The tope of that number on that draw: the most specific control, else ``base`` (the
    catalog's tope of the game)."""
    lottery = catalog.lottery(wager.lottery)
    day = wager.draw.astimezone(lottery.timezone).date()
    found = controls.tope(wager.lottery, wager.game, wager.number, wager.draw, day)
    return base if found is None or found.amount is None else int(found.amount)


def seller_key(wager: Wager, draw_id: int) -> SellerKey:
    return (draw_id, wager.game, wager.number, wager.sign or "")


def seller_amounts(catalog: Catalog, wagers: Sequence[Wager], indexes: Iterable[int],
                   draw_ids: Mapping[tuple[str, object], int]) -> dict[SellerKey, int]:
    amounts: dict[SellerKey, int] = {}
    for i in indexes:
        key = seller_key(wagers[i], draw_ids[(wagers[i].lottery, wagers[i].draw)])
        amounts[key] = amounts.get(key, 0) + to_minor(wagers[i].amount, catalog.currency)
    return amounts


def seller_rejections(
    catalog: Catalog, wagers: Sequence[Wager], indexes: Iterable[int], limit: int,
    draw_ids: Mapping[tuple[str, object], int], taken: Mapping[SellerKey, int],
) -> dict[int, WagerRejection]:
    """The plays past the seller's limit per number, given what they sold already."""
    used = dict(taken)
    found: dict[int, WagerRejection] = {}
    for i in indexes:
        w = wagers[i]
        draw_id = draw_ids.get((w.lottery, w.draw))
        key = seller_key(w, draw_id if draw_id is not None else -1)
        amount = to_minor(w.amount, catalog.currency)
        if used.get(key, 0) + amount > limit:
            found[i] = seller_number_rejection(catalog, w, i, limit, used.get(key, 0))
        else:
            used[key] = used.get(key, 0) + amount
    return found


def seller_number_rejection(catalog: Catalog, wager: Wager, index: int, limit: int,
                            taken: int) -> WagerRejection:
    lottery = catalog.lottery(wager.lottery)
    at = wager.draw.astimezone(lottery.timezone)
    return _reject(index, ErrorCode.LIMIT, HM.SELLER_NUMBER, {
        "text": shown(wager), "lottery": lottery.name, "time": M.When(at, at.date()),
        "limit": from_minor(limit, catalog.currency),
        "left": from_minor(max(limit - taken, 0), catalog.currency)})


def _reject(index: int, code: ErrorCode, msgid: str, params: Mapping[str, object]
            ) -> WagerRejection:
    return WagerRejection(index, code, M.render_message(msgid, dict(params)), readable=True)
