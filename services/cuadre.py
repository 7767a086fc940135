"""The seller's cash close (*cuadre*) for a day or a period, read from the ledger.

What a seller owes the banca is their ``seller`` ledger account (sales on their cupo, voids,
prizes paid from their till, players' cash they took, collections, payments to them) less the
commission they earned on their net sales (sales − voids) at their rate. The commission is
worked out, not written: ``round(rate × net up to t)``, so a period's commission is the
difference of two such figures and periods add up exactly (a week's cuadre is its days' sum).

    opening + sales − voids − cash prizes − commission + cash top-ups − collections + payments
    = closing (positive: the seller owes the banca; negative: the banca owes the seller)

An admin records a collection (the seller handed cash: ``/cobro``) or a payment to the seller
(``/pagovendedor``); both are ledger rows on the seller's account, logged with the admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from services.accounts import find_user
from services.money_words import Refusal, read_amount
from services.reports.figures import commission_rate
from services.reports.period import Period
from storage.models import Account, Reason, User, UserRole
from storage.repositories import activity, ledger
from storage.repositories import users as users_repo
from storage.repositories.ledger import Entry


@dataclass(frozen=True)
class Cuadre:
    """Minor units of ``currency``; signs as the seller reads them (all positive but
    ``opening`` and ``closing``)."""

    seller: User
    currency: str
    period: Period
    opening: int
    sales: int
    voids: int
    cash_prizes: int
    commission: int
    cash_top_ups: int
    collections: int
    payments: int
    closing: int


def _commission(net_sales: int, rate: Decimal) -> int:
    return int((Decimal(net_sales) * rate).quantize(Decimal(1), ROUND_HALF_EVEN))


async def _owed_at(session: AsyncSession, seller: User, rate: Decimal,
                   moment: datetime) -> tuple[int, int]:
    """(ledger sum, commission earned) before ``moment``."""
    sums = await ledger.sums_by_reason(session, Account.SELLER, since=None, until=moment,
                                       user_id=seller.id)
    total = sum(sums.values())
    net = sum(v for (_u, _c, reason), v in sums.items()
              if reason in (Reason.SALE, Reason.REFUND))
    return total, _commission(net, rate)


async def cuadre(session: AsyncSession, catalog: Catalog, seller: User, period: Period) -> Cuadre:
    start, end = period.bounds(catalog.timezone)
    rate = commission_rate(seller, catalog)
    before, commission_before = await _owed_at(session, seller, rate, start)
    after, commission_after = await _owed_at(session, seller, rate, end)
    sums = await ledger.sums_by_reason(session, Account.SELLER, since=start, until=end,
                                       user_id=seller.id)

    def of(reason: Reason) -> int:
        return sum(v for (_u, _c, r), v in sums.items() if r == reason)

    commission = commission_after - commission_before
    return Cuadre(
        seller=seller, currency=seller.currency, period=period,
        opening=before - commission_before,
        sales=of(Reason.SALE), voids=-of(Reason.REFUND), cash_prizes=-of(Reason.PRIZE_CASH),
        commission=commission, cash_top_ups=of(Reason.TOP_UP_CASH),
        collections=-of(Reason.COLLECTION), payments=of(Reason.PAYOUT),
        closing=after - commission_after,
    )


async def all_sellers(session: AsyncSession, catalog: Catalog, period: Period) -> list[Cuadre]:
    sellers = await users_repo.list_users(session, role=UserRole.SELLER, limit=500)
    return [await cuadre(session, catalog, s, period) for s in sellers]


async def banca_owed_by_sellers(session: AsyncSession, catalog: Catalog,
                                moment: datetime) -> int:
    """The banca's own figure: what all sellers owe it at ``moment`` (their ledger accounts
    less their commission), summed over the ledger rather than seller by seller."""
    sums = await ledger.sums_by_reason(session, Account.SELLER, since=None, until=moment)
    sellers = await users_repo.users_by_id(session, {u for (u, _c, _r) in sums})
    owed = sum(sums.values())
    net_by: dict[int, int] = {}
    for (user_id, _c, reason), value in sums.items():
        if reason in (Reason.SALE, Reason.REFUND):
            net_by[user_id] = net_by.get(user_id, 0) + value
    return owed - sum(_commission(net, commission_rate(sellers.get(u), catalog))
                      for u, net in net_by.items())


@dataclass(frozen=True)
class Recorded:
    seller: User | None = None
    refusal: Refusal | None = None
    amount: int | None = None


async def record(
    session: AsyncSession, admin: User, args: str | None, *, collection: bool, now: datetime
) -> Recorded:
    """``/cobro @luis 500`` (the seller handed the banca cash) or ``/pagovendedor @luis 200``
    (the banca paid the seller)."""
    if admin.role != UserRole.ADMIN:
        return Recorded(refusal=Refusal.NOT_ALLOWED)
    parts = (args or "").split()
    if len(parts) != 2:
        return Recorded(refusal=Refusal.USAGE)
    seller = await find_user(session, parts[0])
    if seller is None or seller.role != UserRole.SELLER:
        return Recorded(refusal=Refusal.NOT_FOUND)
    amount = read_amount(parts[1], seller.currency)
    if isinstance(amount, Refusal):
        return Recorded(seller, amount)
    reason = Reason.COLLECTION if collection else Reason.PAYOUT
    await users_repo.move_seller(session, seller.id, -amount if collection else amount,
                                 seller.currency, Entry(reason, None, admin.id, now))
    await activity.log_activity(
        session, "SELLER_COLLECTION" if collection else "SELLER_PAYOUT", actor_id=admin.id,
        target_type="USER", target_id=seller.id, at=now,
        details={"amount": amount, "currency": seller.currency})
    return Recorded(seller, None, amount)
