"""The banklot adapter: the Provider protocol over banklot's documents (assumptions in
``__init__``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from lottery.catalog import Catalog
from lottery.clock import Clock
from lottery.plays import Wager
from providers.banklot.board import (
    GAME_IDS,
    Board,
    EventInfo,
    day_span,
    event_info,
    file_events,
    file_products,
    kiosk_items,
    merge_events,
    money,
    product_events,
    read_board,
)
from providers.banklot.extras import BanklotExtras
from providers.banklot.session import BanklotSession, Reply
from providers.banklot.settings import BanklotSettings
from providers.banklot.tickets import content_of, matches, offending, refusal, ticket_from_view
from providers.base import (
    BookedWager,
    Capability,
    ErrorCode,
    ProviderError,
    ProviderTicket,
    ProviderUnavailable,
    TicketRequest,
    TicketState,
    WagerRejection,
)
from providers.http import (
    CallFailed,
    Journal,
    MemoryJournal,
    SentCreate,
    Stage,
    TTLCache,
    make_client,
    settle_create,
)
from providers.http.draws_file import load_draws_file

log = logging.getLogger("providers.banklot")
#: how long a listed draw is remembered, to read tickets back by event id
EVENTS_KEPT = timedelta(days=7)


class BanklotProvider(BanklotExtras):
    name = "banklot"
    capabilities = frozenset({Capability.SELLS_PLAYS, Capability.FEEDS_RESULTS,
                              Capability.CANCELS, Capability.PAYS, Capability.REPORTS})

    def __init__(
        self, *, base_url: str, email: str, password: str, base_catalog: Catalog,
        clock: Clock, timeout: float = 10.0,
        catalog_ttl: timedelta = timedelta(minutes=15), journal: Journal | None = None,
        match_window: timedelta = timedelta(minutes=15), draws_file: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._draws_file = draws_file
        self._base = base_catalog
        self._clock = clock
        self._http = make_client(base_url, timeout, transport=transport)
        self._session = BanklotSession(self._http, email, password)
        self._journal: Journal = journal or MemoryJournal()
        self._window = match_window
        self._events: dict[int, EventInfo] = {}
        self._create_lock = asyncio.Lock()
        self._board_cache: TTLCache[Board] = TTLCache(
            self._load_board, ttl=catalog_ttl, clock=clock, name="banklot.board")

    @classmethod
    def from_settings(cls, settings: BanklotSettings, *, timeout: float, catalog_ttl: timedelta,
                      clock: Clock, catalog: Catalog, journal: Journal | None = None,
                      transport: httpx.AsyncBaseTransport | None = None) -> BanklotProvider:
        """``ValueError`` names a missing required setting (``BANKLOT_URL``…)."""
        return cls(base_url=settings.need("url"), email=settings.need("email"),
                   password=settings.need("password"), base_catalog=catalog, clock=clock,
                   timeout=timeout, catalog_ttl=catalog_ttl, journal=journal,
                   draws_file=settings.draws_file, transport=transport)

    def __repr__(self) -> str:
        return f"BanklotProvider(base_url={str(self._http.base_url)!r})"

    # -- catalog ---------------------------------------------------------------------------
    async def catalog(self) -> Catalog:
        return (await self._board()).catalog

    async def refresh(self) -> Catalog:
        return (await self._board_cache.refresh()).catalog

    async def probe(self) -> None:
        """Whether the lottery system answers now (``services.provider_watch``): its get-data
        call only, not the whole board (products, valid plays, kiosk searches)."""
        await self._read("get-data", "/gaming/get-data", {})

    async def _board(self) -> Board:
        return await self._board_cache.get()

    async def _load_board(self) -> Board:
        """get-data, products and valid plays; the draws from the kiosk search, the products'
        own events and the banca's draws file (``board``). Without products, the file's."""
        data = await self._read("get-data", "/gaming/get-data", {})
        draws = load_draws_file(self._draws_file)
        try:
            products = await self._read("products", "/gaming/products/search", {})
        except ProviderUnavailable:
            if draws is None:
                raise
            products = file_products(draws)
        template = await self._read("template", "/gaming/inventory/template", {})
        try:
            products, template = list(products or []), list(template or [])
            tz = self._base.timezone
            categories = sorted({str(p.get("game_category")) for p in products})
            today = self._clock().astimezone(tz).date()
            kiosk = [e for category in categories for day in (today, today + timedelta(days=1))
                     for e in await self._kiosk(category, day, tz)]
            oldest = self._clock() - EVENTS_KEPT  # old tickets read back by event name instead
            self._events = merge_events(
                kiosk, product_events(products, tz, self._base),
                file_events(draws, tz, self._base) if draws else [],
                [e for e in self._events.values() if e.at >= oldest])
            return read_board(self._base, data or {}, products, template, self._events)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ProviderUnavailable(f"banklot data: unexpected shape ({type(exc).__name__})"
                                      ) from None

    async def _kiosk(self, category: str, day: date, tz: Any) -> list[EventInfo]:
        """One day's open draws of a category; none when the search answers none (the seed's
        only example) or fails (the products' events still count)."""
        body = {"filter": {"between_created_at": day_span(day, day, tz),
                           "game_category": category, "status": "open"},
                "sort": {"game_category": "desc", "event_timestamp": "desc", "display_order": "0"}}
        try:
            reply = await self._read_reply("kiosk", "/gaming/events/search/kiosk", body)
        except ProviderUnavailable as exc:
            log.warning("banklot kiosk search failed", extra={"detail": exc.detail})
            return []
        out = []
        answer = reply.response if reply.response is not None else reply.body
        for item in kiosk_items(answer if reply.ok else None):
            try:
                out.append(event_info(item, tz))
            except (KeyError, TypeError, ValueError):
                continue
        return out

    # -- selling ---------------------------------------------------------------------------
    async def validate(self, wagers: Sequence[Wager], now: datetime) -> list[WagerRejection]:
        board = await self._board()
        out = [r for i, w in enumerate(wagers) if (r := _check(board, i, w, now))]
        limit = min((g.ticket_max_wagers for g in board.limits.values()), default=0)
        if limit:
            out += [WagerRejection(i, ErrorCode.LIMIT, f"at most {limit} plays per ticket")
                    for i in range(limit, len(wagers))]
        return sorted(out, key=lambda r: r.index)

    async def create_ticket(self, request: TicketRequest, now: datetime) -> ProviderTicket:
        board = await self._board()
        refused: dict[int, WagerRejection] = {}
        if request.partial:
            refused = {r.index: r for r in await self.validate(request.wagers, now)}
        index, wire = [], []
        for i, wager in enumerate(request.wagers):
            event = board.event_for(wager)
            if i in refused:
                continue
            if event is None or wager.amount != wager.amount.to_integral_value():
                code = ErrorCode.CLOSED_DRAW if event is None else ErrorCode.INVALID_AMOUNT
                refused[i] = WagerRejection(i, code, "not sellable at banklot")
                continue
            index.append(i)
            wire.append(board.wire(wager, event))
        async with self._create_lock:  # one create at a time: "last ticket" stays meaningful
            while True:
                if not wire or (refused and not request.partial):
                    raise _refused(refused)
                outcome = await self._send_create(request.reference, wire, now)
                if isinstance(outcome, ProviderTicket):
                    return outcome
                if outcome.ok and isinstance(outcome.response, dict):
                    return await self._sold(board, request, outcome.response, refused)
                if outcome.error is None or outcome.status < 400:
                    failure = CallFailed(f"create: unexpected answer {outcome.status}",
                                         Stage.ANSWERED)
                    return await settle_create(failure, request.reference, self._find_fresh, log)
                error = refusal(outcome, wire, index)
                named = set(offending(outcome, wire, index))
                if not request.partial or not named:
                    raise ProviderError(error.code, error.detail,
                                        [*refused.values(), *error.rejections])
                refused.update({r.index: r for r in error.rejections})  # drop them, send again
                kept = [(i, w) for i, w in zip(index, wire, strict=True) if i not in named]
                index, wire = [i for i, _ in kept], [w for _, w in kept]

    async def _send_create(self, reference: str, wire: list[dict[str, Any]], now: datetime
                           ) -> Reply | ProviderTicket:
        await self._journal.record(SentCreate(reference, content_of(wire), now))
        return await self._send_once("create", "/user/ticket/create",
                                     {"ticket": {"wagers": wire}}, reference)

    async def _sold(self, board: Board, request: TicketRequest, view: dict[str, Any],
                    refused: dict[int, WagerRejection]) -> ProviderTicket:
        uuid = view.get("ticket_uuid")
        await self._journal.claim(request.reference, str(view.get("ticket_number")),
                                  {"uuid": uuid})
        ticket = ticket_from_view(board, request.reference, view, currency=request.currency,
                                  extra={"uuid": uuid})
        wagers = tuple(BookedWager(w, sold=i not in refused,
                                   rejection=refused[i].code if i in refused else None)
                       for i, w in enumerate(request.wagers))
        return replace(ticket, wagers=wagers)

    async def find_ticket(self, reference: str) -> ProviderTicket | None:
        """The oldest unclaimed ticket listed around the send with exactly the journalled plays."""
        return await self._find(reference, last_first=False)

    async def _find_fresh(self, reference: str) -> ProviderTicket | None:
        """Right after a create without an answer (creates run one at a time, so nothing of ours
        came later): this terminal's last ticket first, then the list."""
        return await self._find(reference, last_first=True)

    async def _find(self, reference: str, *, last_first: bool) -> ProviderTicket | None:
        entry = await self._journal.get(reference)
        if entry is None:
            return None
        board = await self._board()
        if entry.provider_id is not None:
            day = (entry.extra or {}).get("date") or entry.sent_at.astimezone(board.tz).date()
            view = await self._view(int(entry.provider_id), str(day))
            return None if view is None else await self._ticket(board, reference, view,
                                                               entry.extra or {})
        if last_first:
            last = await self._read_reply("last", "/user/ticket/last", {})
            if last.ok and isinstance(last.response, dict):
                found = await self._match(board, entry, [last.response])
                if found is not None:
                    return found
        span = [entry.sent_at - timedelta(minutes=2), entry.sent_at + self._window]
        for summary in await self.list_tickets(span[0], span[1], transaction_type="wager"):
            if int(summary.get("total", -1)) != sum(row[3] for row in entry.content):
                continue
            day = datetime.fromtimestamp(int(summary["created_at"]), board.tz).date()
            view = await self._view(int(summary["ticket_number"]), day.isoformat())
            if view is not None:
                listed = {**view, "ticket_uuid": summary.get("id")}
                found = await self._match(board, entry, [listed])
                if found is not None:
                    return found
        return None

    async def _match(self, board: Board, entry: SentCreate, views: list[dict[str, Any]]
                     ) -> ProviderTicket | None:
        for view in views:
            created = datetime.fromtimestamp(int(view.get("created_at", 0)), board.tz)
            if created < entry.sent_at - timedelta(minutes=2) or not matches(entry.content, view):
                continue
            extra = {"uuid": view.get("ticket_uuid"), "date": created.date().isoformat()}
            if await self._journal.claim(entry.reference, str(view.get("ticket_number")), extra):
                return await self._ticket(board, entry.reference, view, extra)
        return None

    async def _ticket(self, board: Board, reference: str, view: Mapping[str, Any],
                      extra: Mapping[str, Any]) -> ProviderTicket:
        ticket = ticket_from_view(board, reference, view, currency=self._base.currency,
                                  extra={"uuid": extra.get("uuid")})
        if ticket.state.value in ("winner", "paid"):
            ticket = replace(ticket, prize=await self._prize(ticket))
        return ticket

    async def _prize(self, ticket: ProviderTicket) -> Decimal | None:
        start = ticket.created_at - timedelta(seconds=1)
        for summary in await self.list_tickets(start, start + timedelta(seconds=2),
                                               transaction_type="wager"):
            if str(summary.get("ticket_number")) == ticket.provider_ticket_id:
                return money(summary.get("prize", 0))
        return None

    async def cancel_ticket(self, ticket: ProviderTicket, now: datetime, *,
                            actor_id: int | None = None) -> ProviderTicket:
        return await self._void(ticket, "cancel")

    async def pay_ticket(self, ticket: ProviderTicket, pin: str, now: datetime, *,
                         actor_id: int | None = None) -> ProviderTicket:
        if not pin.isdigit():
            raise ProviderError(ErrorCode.WRONG_PIN, "the PIN is a number")
        body = {"ticket_number": int(ticket.provider_ticket_id), "pin_number": int(pin),
                "date": ticket.extra.get("date") or ticket.created_at.date().isoformat()}
        reply = await self._change("pay", "/user/ticket/pay", body, ticket, TicketState.PAID)
        if isinstance(reply, ProviderTicket):
            return reply
        if reply.ok and isinstance(reply.response, dict):
            prize = money(reply.response.get("prize", ticket.prize or 0))
            current = await self._refetch(ticket)
            return replace(current or replace(ticket, state=TicketState.PAID), prize=prize)
        for text, code in (("not a winner", ErrorCode.NOT_A_WINNER), ("pin", ErrorCode.WRONG_PIN),
                           ("already paid", ErrorCode.ALREADY_PAID),
                           ("expired", ErrorCode.EXPIRED), ("no rows", ErrorCode.NOT_FOUND)):
            if reply.has(text):
                raise ProviderError(code, reply.error or "")
        raise ProviderUnavailable(f"pay: unexpected answer {reply.status}")

    async def close(self) -> None:
        try:
            await self._session.logout()
        finally:
            await self._http.aclose()


def _check(board: Board, index: int, wager: Wager, now: datetime) -> WagerRejection | None:
    event = board.event_for(wager)
    if event is None or now >= event.closes:
        return WagerRejection(index, ErrorCode.CLOSED_DRAW, "draw not open at banklot")
    if not board.valid_number(wager):
        return WagerRejection(index, ErrorCode.INVALID_NUMBER, wager.number)
    limits = board.limits.get((GAME_IDS[wager.game], event.product_id))
    amount = wager.amount
    whole = amount == amount.to_integral_value() and amount > 0
    if not whole or (limits is not None and (not limits.min_bet <= amount <= limits.max_bet
                                             or int(amount) % limits.amount_multiple)):
        return WagerRejection(index, ErrorCode.INVALID_AMOUNT, str(amount))
    return None


def _refused(refused: Mapping[int, WagerRejection]) -> ProviderError:
    rejections = [refused[k] for k in sorted(refused)]
    code = rejections[0].code if rejections else ErrorCode.CLOSED_DRAW
    return ProviderError(code, "banklot cannot sell these plays", rejections)
