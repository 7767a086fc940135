"""A big order cut into tickets of at most the per-ticket limit (``limits.max_wagers``).

A preview sells the first ``max_wagers`` plays and refuses the rest with the limit. When that
limit is the only thing in the way, the seller is offered to sell the whole order as several
tickets. Every ticket has its own reference and is confirmed through ``confirm_sale``, which
books a reference at most once: a double tap or a press again after a restart can never sell a
play twice. The first ticket takes the preview's own reference (the others are minted here), so
the preview's Confirm and its split can never both sell, whichever is pressed first. The plan
lives in the conversation's FSM data (SQL or Redis) beside the draft: it survives a
restart.

The plays of one number in one draw share a tope, and a provider checks the tope of one ticket
against what is already sold: so they are kept on one ticket, and validating each ticket at
preview time answers what confirming it would (unless one number alone outgrows a ticket).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lottery.catalog import Catalog
from lottery.limits import check_wager
from lottery.plays import Wager
from providers.base import BooksInTransaction, ErrorCode, Provider, WagerRejection
from services.draft import SaleDraft, new_reference
from services.sales import Preview, Rejected, available_funds
from storage.models import User


@dataclass(frozen=True)
class SplitPlan:
    """The whole order as tickets; ``blocked``: plays past the first ticket that cannot be
    sold either (then no split is offered); ``shortfall``: what the buyer lacks for them all."""

    drafts: tuple[SaleDraft, ...]
    blocked: Rejected = ()
    shortfall: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return sum((d.total for d in self.drafts), Decimal("0.00"))

    @property
    def plays(self) -> int:
        return sum(len(d.wagers) for d in self.drafts)

    @property
    def offered(self) -> bool:
        """One button sells it all: nothing else stands in the way."""
        return len(self.drafts) > 1 and not self.blocked and self.shortfall is None

    def to_data(self) -> list[dict[str, Any]]:
        return [d.to_data() for d in self.drafts]

    @classmethod
    def from_data(cls, data: Sequence[dict[str, Any]], catalog: Catalog) -> SplitPlan:
        return cls(tuple(SaleDraft.from_data(d, catalog) for d in data))


def only_the_count(wager: Wager, rejection: WagerRejection, catalog: Catalog) -> bool:
    """Refused for the number of plays on the ticket alone: the play itself is within every
    limit of the catalog (the provider says ``limit``, and the catalog finds nothing else)."""
    return rejection.code is ErrorCode.LIMIT and check_wager(catalog, wager) is None


async def plan_split(
    session: AsyncSession,
    *,
    provider: Provider,
    catalog: Catalog,
    user: User,
    preview: Preview,
    now: datetime,
) -> SplitPlan | None:
    """The split of ``preview``'s order, or None when the per-ticket limit is not (only) what
    refused its plays. The plays past the first ticket were refused for the count before
    anything else was looked at (draw, tope), so each further ticket is validated here as the
    provider would at confirm; a play refused there blocks the offer and is shown."""
    draft = preview.draft
    if draft is None or not preview.rejected:
        return None
    if not all(only_the_count(w, r, catalog) for w, r in preview.rejected):
        return None
    order = (*draft.wagers, *(w for w, _r in preview.rejected))  # as written (by index)
    drafts = []
    blocked: list[tuple[Wager, WagerRejection]] = []
    for number, chunk in enumerate(pack(order, len(draft.wagers))):
        if chunk == draft.wagers:  # the preview's own plays, validated by the preview
            drafts.append(draft)
            continue
        for rejection in await _validate(session, provider, chunk, now):
            if 0 <= rejection.index < len(chunk):
                blocked.append((chunk[rejection.index], rejection))
        reference = draft.reference if number == 0 else new_reference()
        drafts.append(SaleDraft(reference, chunk, draft.currency, draft.customer_name))
    plan = SplitPlan(tuple(drafts), tuple(sorted(blocked, key=lambda pair: pair[0].line)))
    funds = available_funds(user)
    if funds is not None and plan.total > funds:
        plan = SplitPlan(plan.drafts, plan.blocked, plan.total - funds)
    return plan


def pack(wagers: Sequence[Wager], size: int) -> list[tuple[Wager, ...]]:
    """``wagers`` as tickets of at most ``size`` plays, in the order written, the plays of one
    number in one draw on one ticket (a group bigger than a ticket fills tickets of its own)."""
    groups: dict[tuple[str, datetime, str, str, str | None], list[int]] = {}
    for index, w in enumerate(wagers):
        groups.setdefault((w.lottery, w.draw, w.game, w.number, w.sign), []).append(index)
    tickets: list[list[int]] = []
    current: list[int] = []
    for group in groups.values():
        if current and len(current) + len(group) > size:
            tickets.append(current)
            current = []
        while len(group) > size:
            tickets.append(group[:size])
            group = group[size:]
        current.extend(group)
    if current:
        tickets.append(current)
    return [tuple(wagers[i] for i in sorted(ticket)) for ticket in tickets]


async def _validate(
    session: AsyncSession, provider: Provider, wagers: Sequence[Wager], now: datetime
) -> list[WagerRejection]:
    if isinstance(provider, BooksInTransaction):
        return await provider.validate_in(session, wagers, now)  # our own database
    await session.commit()  # release the connection (and any write lock) before the call
    return await provider.validate(wagers, now)
