"""The house provider: the bot *is* the banca, booking on its own database (after the banca model).

Each operation runs in a short transaction on a session of its own, taken from the
``sessionmaker`` given at construction, so a sale commits (or not) independently of the
caller's unit of work; the caller records its own ticket row after we answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lottery.catalog import Catalog
from lottery.clock import Clock, system_clock
from lottery.controls import Kind, LiveControls
from lottery.plays import Wager
from lottery.plays import messages as M
from lottery.ticket_codes import PinHasher, new_pin
from providers.base import (
    Capability,
    ErrorCode,
    ProviderError,
    ProviderTicket,
    SalesReport,
    TicketRequest,
    WagerRejection,
)
from providers.base import DrawResult as ProviderDrawResult
from providers.house import messages as HM
from providers.house.booking import Replay, Sale, book, refuse
from providers.house.cancelling import cancel
from providers.house.controls_check import control_rejections, seller_rejections
from providers.house.paying import record_paid
from providers.house.records import to_ticket
from providers.house.reports import sales_report
from providers.house.results import EnteredResult, enter_result, results_on
from providers.house.rules import (
    closed_message,
    scheduled_draw,
    sold_out,
    static_rejections,
    tope_items,
)
from storage.models import DrawStatus, HouseBooking
from storage.repositories.controls import refresh
from storage.repositories.draw_rows import find_draw_rows, sold_totals
from storage.repositories.seller_sales import seller_totals


class HouseProvider:
    """``Provider`` on our own database. ``clock`` is used only where the protocol passes no
    ``now`` (``enter_result`` without one); ``pin_hasher`` holds the server secret for PINs.
    """

    name = "house"
    #: results are typed in by the banca's admins; prizes are paid by the booth, which records
    #: the payment here (``record_payment_in``)
    capabilities = frozenset({Capability.SELLS_PLAYS, Capability.ENTERS_RESULTS,
                              Capability.CANCELS, Capability.REPORTS})

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        catalog: Catalog,
        *,
        pin_hasher: PinHasher,
        clock: Clock = system_clock,
        controls: LiveControls | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._live = controls or LiveControls(catalog)
        self._clock = clock
        self._pins = pin_hasher

    @property
    def _catalog(self) -> Catalog:
        """The bundled catalog with the banca's overrides, as last read."""
        return self._live.catalog

    @property
    def pin_hasher(self) -> PinHasher:
        """How PINs are hashed (payments verify with it, issue 5)."""
        return self._pins

    async def catalog(self) -> Catalog:
        return self._catalog

    @property
    def controls(self) -> LiveControls:
        """The banca's controls this provider sells under (shared with the app)."""
        return self._live

    async def validate(self, wagers: Sequence[Wager], now: datetime) -> list[WagerRejection]:
        async with self._sessionmaker() as session:
            return await self.validate_in(session, wagers, now)

    async def validate_in(
        self, session: AsyncSession, wagers: Sequence[Wager], now: datetime, *,
        actor_id: int | None = None,
    ) -> list[WagerRejection]:
        """Limits, the banca's controls, open draws (by the clock and in the database) and tope
        headroom, read only: nothing is created or reserved. Wagers of one number count against
        each other."""
        controls = await refresh(session, self._live)
        catalog = self._catalog
        wagers = list(wagers)
        found = static_rejections(catalog, wagers, now)
        valid = [i for i in range(len(wagers)) if i not in found]
        if valid and controls.items:
            found.update(control_rejections(catalog, controls, wagers, valid, actor_id))
            valid = [i for i in valid if i not in found]
        if valid:
            rows = await find_draw_rows(
                session, {(wagers[i].lottery, wagers[i].draw) for i in valid})
            for i in valid:
                row = rows.get((wagers[i].lottery, wagers[i].draw))
                if row is not None and row[1] is not DrawStatus.OPEN:
                    found[i] = self._closed(wagers[i], i, now)
            open_ = [i for i in valid if i not in found]
            items = tope_items(catalog, wagers, open_, controls)
            draw_ids = {key: row[0] for key, row in rows.items()}
            totals = await sold_totals(session, draw_ids, {wagers[i].number for i in open_})
            for rejection in sold_out(catalog, wagers, items, totals):
                found[rejection.index] = rejection
            limit = controls.seller_limit(Kind.SELLER_NUMBER, actor_id)
            if limit is not None and actor_id is not None:
                left = [i for i in open_ if i not in found]
                taken = await seller_totals(session, actor_id, draw_ids.values(),
                                            {wagers[i].number for i in left})
                found.update(seller_rejections(catalog, wagers, left, limit, draw_ids, taken))
        return [found[i] for i in sorted(found)]

    async def create_ticket(self, request: TicketRequest, now: datetime) -> ProviderTicket:
        """Book the request once per ``reference``; the clear PIN is only in this answer (a
        replay of the reference answers the booked ticket without it)."""
        existing = await self.find_ticket(request.reference)
        if existing is not None:
            return existing
        sale, pin = self._sale(request, now)
        try:
            async with self._sessionmaker() as session, session.begin():
                controls = await refresh(session, self._live)
                ticket = await book(session, self._catalog, sale, controls)
        except Replay:
            replayed = await self.find_ticket(request.reference)
            assert replayed is not None
            return replayed
        return _with_pin(ticket, pin)

    async def create_ticket_in(
        self, session: AsyncSession, request: TicketRequest, now: datetime
    ) -> ProviderTicket:
        """Book inside the caller's transaction, so the booth's debit, its ticket row and this
        booking commit or roll back together (one transaction per sale instead of three).

        Raises ``ProviderError`` (the caller rolls back) or ``Replay`` when the reference was
        booked meanwhile (the caller rolls back and reads the ticket booked first)."""
        controls = await refresh(session, self._live)  # in the sale's transaction
        sale, pin = self._sale(request, now)
        return _with_pin(await book(session, self._catalog, sale, controls), pin)

    def _sale(self, request: TicketRequest, now: datetime) -> tuple[Sale, str]:
        """The request after the checks that need no database; raises ``ProviderError``."""
        wagers = tuple(request.wagers)
        if not wagers:
            raise ProviderError(ErrorCode.LIMIT, M.render_message(HM.NO_WAGERS, {}))
        if request.currency != self._catalog.currency:
            raise ProviderError(ErrorCode.INVALID_AMOUNT, M.render_message(
                HM.WRONG_CURRENCY,
                {"expected": self._catalog.currency, "given": request.currency}))
        rejected = static_rejections(self._catalog, wagers, now)
        refuse(rejected, len(wagers), request.partial)
        pin = new_pin()
        pin_hash = self._pins.hash(pin)
        sale = Sale(
            reference=request.reference, wagers=wagers, currency=request.currency,
            partial=request.partial, now=now, pin_hash=pin_hash,
            customer_name=request.customer_name,
            actor_id=request.actor_id,
            rejected=rejected,
        )
        return sale, pin

    async def find_ticket(self, reference: str) -> ProviderTicket | None:
        async with self._sessionmaker() as session:
            booking = await session.scalar(
                select(HouseBooking).where(HouseBooking.reference == reference)
                .execution_options(populate_existing=True)
            )
            return None if booking is None else to_ticket(booking)

    async def cancel_ticket(
        self, ticket: ProviderTicket, now: datetime, *, actor_id: int | None = None
    ) -> ProviderTicket:
        """Void a sold ticket before its cancel deadline and before any of its draws closes;
        its tope is released. Raises ``ProviderError(NOT_CANCELLABLE | NOT_FOUND)``."""
        async with self._sessionmaker() as session, session.begin():
            return await cancel(session, self._catalog, ticket.reference, now, actor_id)

    async def results(self, day: date, lottery: str | None = None) -> list[ProviderDrawResult]:
        async with self._sessionmaker() as session:
            return await results_on(session, day, lottery)

    async def enter_result(
        self, lottery_id: str, draw_at: datetime, values: dict[str, str], *,
        actor_id: int | None, now: datetime | None = None,
    ) -> EnteredResult:
        """Store a result revision (house only). Raises ``InvalidResult`` for a lottery or draw
        that does not exist, a draw not drawn yet at ``now``, or values of the wrong shape."""
        return await enter_result(
            self._sessionmaker, self._catalog, lottery_id, draw_at, values,
            actor_id=actor_id, now=now or self._clock())

    async def pay_ticket(
        self, ticket: ProviderTicket, pin: str, now: datetime, *, actor_id: int | None = None
    ) -> ProviderTicket:
        """House prizes are paid by the booth (``services.payments``: who may collect, the PIN,
        the money), which records it here with :meth:`record_payment_in`."""
        raise ProviderError(ErrorCode.NOT_SUPPORTED, "house tickets are paid by the booth")

    async def record_payment_in(
        self, session: AsyncSession, reference: str, now: datetime
    ) -> bool:
        """The booth paid the ticket: the house ledger says so too, in the same transaction."""
        return await record_paid(session, reference, now)

    async def sales_report(self, since: date, until: date) -> SalesReport:
        async with self._sessionmaker() as session:
            return await sales_report(session, since, until, self._catalog.currency)

    async def close(self) -> None:
        """Nothing to release: the sessionmaker (and its engine) belong to the caller."""

    def _closed(self, wager: Wager, index: int, now: datetime) -> WagerRejection:
        lottery = self._catalog.lottery(wager.lottery)
        draw = scheduled_draw(lottery, wager.draw)
        assert draw is not None
        return WagerRejection(
            index, ErrorCode.CLOSED_DRAW, closed_message(lottery, draw, now), readable=True)


def _with_pin(ticket: ProviderTicket, pin: str) -> ProviderTicket:
    return replace(ticket, pin=pin)
