"""The jackpot adapter (jackpot's document): betcards, priced selections, tickets in cents with
taxes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from lottery.catalog import Catalog
from lottery.clock import Clock
from lottery.plays import Wager
from providers.base import (
    BookedWager,
    Capability,
    DrawResult,
    ErrorCode,
    ProviderError,
    ProviderTicket,
    ProviderUnavailable,
    SalesLine,
    SalesReport,
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
    call,
    decode_object,
    make_client,
    settle_create,
)
from providers.http.draws_file import load_draws_file
from providers.jackpot.errors import read_refusal
from providers.jackpot.models import (
    GAME,
    Betcard,
    Quote,
    betcard_from,
    cents,
    from_cents,
    picks_of,
    quote,
    units,
    wager_for,
)
from providers.jackpot.settings import JackpotSettings

log = logging.getLogger("providers.jackpot")
STAMP = "%Y-%m-%dT%H:%M:%S.%f"
#: what an operator without the (undocumented) ticket list answers GET /be/tickets with
NOT_OFFERED = (404, 405, 501)
STATES = {"won": TicketState.WINNER, "lost": TicketState.LOSER}


class OddsChanged(ProviderError):
    """"Ticket odds changed" (or the prize did): ``betcard`` is the betcard as it is now, so the
    chat can show the new odds and ask again."""

    def __init__(self, detail: str, betcard: Betcard | None) -> None:
        super().__init__(ErrorCode.ODDS_CHANGED, detail)
        self.betcard = betcard


class JackpotProvider:
    name = "jackpot"
    #: no draw results (a ticket's own ``result`` tells its outcome), no cancel, and prizes go
    #: to the player's wallet
    capabilities = frozenset({Capability.SELLS_BETCARDS, Capability.REPORTS})

    def __init__(
        self, *, base_url: str, operator: str, token: str, currency: str, base_catalog: Catalog,
        clock: Clock, timeout: float = 10.0, odds_diff: Decimal = Decimal(0),
        source: str = "web", atag: str | None = None, journal: Journal | None = None,
        betcards_ttl: timedelta = timedelta(seconds=30),
        match_window: timedelta = timedelta(minutes=15), draws_file: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._draws_file = draws_file
        self._operator, self._token, self.currency = operator, token, currency.upper()
        self._base, self._clock = base_catalog, clock
        self._odds_diff, self._source, self._atag = odds_diff, source, atag
        self._http = make_client(base_url, timeout, transport=transport)
        self._journal: Journal = journal or MemoryJournal()
        self._window = match_window
        self._lock = asyncio.Lock()
        self._cards: TTLCache[dict[str, Betcard]] = TTLCache(
            self._load_betcards, ttl=betcards_ttl, clock=clock, name="jackpot.betcards")

    @classmethod
    def from_settings(cls, settings: JackpotSettings, *, timeout: float, clock: Clock,
                      catalog: Catalog, journal: Journal | None = None,
                      transport: httpx.AsyncBaseTransport | None = None) -> JackpotProvider:
        """``ValueError`` names a missing required setting (``JACKPOT_URL``…).
        ``PROVIDER_CATALOG_TTL`` does not apply: betcards are kept for ``betcards_ttl``."""
        return cls(base_url=settings.need("url"), operator=settings.need("operator"),
                   token=settings.need("token"), currency=settings.currency or catalog.currency,
                   odds_diff=settings.odds_diff, source=settings.source, atag=settings.atag,
                   base_catalog=catalog, clock=clock, timeout=timeout, journal=journal,
                   draws_file=settings.draws_file, transport=transport)

    def __repr__(self) -> str:
        return f"JackpotProvider(base_url={str(self._http.base_url)!r}, currency={self.currency!r})"

    # -- the chat flow's side ----------------------------------------------------------------
    async def betcards(self) -> list[Betcard]:
        """Open betcards with their events and outcomes (cached for a short while)."""
        return [c for c in (await self._cards.get()).values() if c.open]

    async def betcard(self, code: str) -> Betcard | None:
        return (await self._cards.get()).get(code)

    async def price(self, code: str, choices: Mapping[int, int], price: Decimal | None = None
                    ) -> Quote:
        """Price a selection (event id → bet id): odds, stake, payouts and estimated taxes."""
        card = await self.betcard(code)
        if card is None or not card.open:
            raise ProviderError(ErrorCode.CLOSED_DRAW, "betcard not open")
        priced = quote(card, choices, price, self.currency)
        if isinstance(priced, str):
            code_ = ErrorCode.INVALID_AMOUNT if "price" in priced else ErrorCode.INVALID_NUMBER
            raise ProviderError(code_, priced)
        return priced

    async def buy(self, priced: Quote, reference: str, now: datetime) -> ProviderTicket:
        """Create the ticket for a quote the player accepted."""
        return await self.create_ticket(TicketRequest(reference, (wager_for(priced),),
                                                      priced.currency), now)

    async def _load_betcards(self) -> dict[str, Betcard]:
        """The betcards on sale: the banca's draws file (its document lists none; see
        docs/providers.md), or, without one, ``GET /be/betcards`` where an operator offers it."""
        try:
            draws = load_draws_file(self._draws_file)
            if draws is not None:
                cards = [betcard_from(i, self._file_time, units) for i in draws.betcards]
            else:
                data = await self._get("betcards", "/be/betcards")
                cards = [betcard_from(i, self._time) for i in data["betcards"]]
            return {c.code: c for c in cards}
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise ProviderUnavailable(f"betcards: unexpected shape ({type(exc).__name__})"
                                      ) from None

    # -- Provider --------------------------------------------------------------------------
    async def catalog(self) -> Catalog:
        """Jackpot sells betcards, not lottery draws: the market's catalog stays as it is."""
        return self._base

    async def probe(self) -> None:
        """Whether the lottery system answers now (``services.provider_watch``)."""
        await self._cards.probe()

    async def validate(self, wagers: Sequence[Wager], now: datetime) -> list[WagerRejection]:
        cards = await self._cards.get()
        out = []
        for i, wager in enumerate(wagers):
            picks, card = picks_of(wager), cards.get(wager.lottery)
            if card is None or not card.open or now >= card.closes_at:
                out.append(WagerRejection(i, ErrorCode.CLOSED_DRAW, "betcard not open"))
            elif picks is None:
                out.append(WagerRejection(i, ErrorCode.INVALID_NUMBER, "not a jackpot selection"))
            else:
                priced = quote(card, {p.event_id: p.bet_id for p in picks}, wager.amount,
                               self.currency)
                if isinstance(priced, str):
                    out.append(WagerRejection(i, ErrorCode.INVALID_NUMBER, priced))
                elif any(abs(a.odds - b.odds) > self._odds_diff
                         for a, b in zip(picks, priced.picks, strict=True)):
                    out.append(WagerRejection(i, ErrorCode.ODDS_CHANGED, "odds changed"))
        return out

    async def create_ticket(self, request: TicketRequest, now: datetime) -> ProviderTicket:
        if len(request.wagers) != 1 or picks_of(request.wagers[0]) is None:
            raise ProviderError(ErrorCode.LIMIT, "a jackpot ticket is one betcard selection")
        wager = request.wagers[0]
        picks = picks_of(wager) or ()
        card = await self.betcard(wager.lottery)
        if card is None:
            raise ProviderError(ErrorCode.CLOSED_DRAW, "no such betcard",
                                [WagerRejection(0, ErrorCode.CLOSED_DRAW)])
        body = {
            "operator": self._operator, "token": self._token, "price": cents(wager.amount),
            "currency": request.currency.upper(), "atag": self._atag, "source": self._source,
            "type": "jackpot", "odds_diff": float(self._odds_diff),
            "events": [{"id": p.event_id, "bet": p.bet_id, "odds": float(p.odds)} for p in picks],
            "betcard_code": card.code, "prize": cents(card.prize),
            "bonus_prizes": [cents(p) for p in card.bonus_prizes],
        }
        content = [card.code, cents(wager.amount), sorted([p.event_id, p.bet_id] for p in picks)]
        async with self._lock:
            await self._journal.record(SentCreate(request.reference, content, now))
            try:
                response = await call(self._http, "POST", "/be/tickets", log=log, op="create",
                                      json=body)
                data = decode_object(response, "create")
            except CallFailed as failure:
                return await settle_create(failure, request.reference, self.find_ticket, log)
        if response.status_code == 200 and data.get("id"):
            # the answer is kept: the document has no way to read a ticket again
            await self._journal.claim(request.reference, str(data["id"]), {"answer": data})
            if data.get("approved") is False:
                raise ProviderError(ErrorCode.NOT_APPROVED, "the operator did not approve it",
                                    [WagerRejection(0, ErrorCode.NOT_APPROVED)])
            return self._ticket(request.reference, data, wager)
        if response.status_code == 200:
            failure = CallFailed("create: answer without a ticket id", Stage.ANSWERED)
            return await settle_create(failure, request.reference, self.find_ticket, log)
        raise await self._refusal(response.status_code, data, card.code)

    async def _refusal(self, status: int, data: Mapping[str, Any], betcard_code: str
                       ) -> ProviderError:
        if status == 403:
            return ProviderUnavailable("jackpot: the operator refused the token (403)")
        detail = data.get("detail")
        code, message = read_refusal(data)
        if code is ErrorCode.ODDS_CHANGED:
            self._cards.invalidate()
            return OddsChanged(message, await self._fresh_card(betcard_code))
        if status == 422 and isinstance(detail, list):
            where = ", ".join(".".join(map(str, d.get("loc", []))) for d in detail
                              if isinstance(d, Mapping))
            return ProviderError(ErrorCode.LIMIT, f"jackpot rejected the request: {where}")
        if status == 400:
            return ProviderError(code, message, [WagerRejection(0, code, message)])
        return ProviderError(ErrorCode.LIMIT, f"jackpot refused the ticket (HTTP {status})")

    async def _fresh_card(self, code: str) -> Betcard | None:
        try:
            return await self.betcard(code)
        except ProviderUnavailable:
            return None

    async def find_ticket(self, reference: str) -> ProviderTicket | None:
        """From the operator's ticket list where it offers one (its document lists none);
        otherwise the create's own answer, kept in the journal, or ``ProviderUnavailable``
        when there is none: the sale stays pending until a person checks with the operator.
        A ticket answered ``approved: false`` was not sold."""
        entry = await self._journal.get(reference)
        if entry is None:
            return None
        data = await self._list()
        if data is None:
            answer = (entry.extra or {}).get("answer")
            if entry.provider_id is not None and isinstance(answer, Mapping):
                return self._approved(reference, answer)
            raise ProviderUnavailable("jackpot: the operator's document has no ticket lookup")
        tickets = [t for t in data.get("tickets") or [] if isinstance(t, dict)]
        if entry.provider_id is not None:
            mine = next((t for t in tickets if str(t.get("id")) == entry.provider_id), None)
            return None if mine is None else self._approved(reference, mine)
        code, price, picks = entry.content
        earliest, latest = entry.sent_at - timedelta(minutes=2), entry.sent_at + self._window
        for ticket in sorted(tickets, key=lambda t: str(t.get("created"))):
            created = self._time(ticket.get("created"))
            seen = sorted([int(e.get("id", 0)), int(e.get("bet", 0))]
                          for e in ticket.get("events") or [])
            if (ticket.get("betcard_code"), ticket.get("price"), seen) == (code, price, picks) \
                    and earliest <= created <= latest \
                    and await self._journal.claim(reference, str(ticket.get("id"))):
                return self._approved(reference, ticket)
        return None

    def _approved(self, reference: str, data: Mapping[str, Any]) -> ProviderTicket | None:
        return None if data.get("approved") is False else self._ticket(reference, data)

    async def _list(self) -> dict[str, Any] | None:
        """``GET /be/tickets`` (not in its document); None when the operator does not offer it."""
        try:
            return await self._get("list", "/be/tickets")
        except _NotOffered:
            return None

    def _ticket(self, reference: str, data: Mapping[str, Any], wager: Wager | None = None
                ) -> ProviderTicket:
        created = self._time(data.get("created"))
        if wager is None:
            number = ",".join(f"{e.get('id')}:{e.get('bet')}@{Decimal(str(e.get('odds'))):.2f}"
                              for e in data.get("events") or [])
            wager = Wager(str(data.get("betcard_code")), created, GAME, number, None,
                          from_cents(data.get("price")))
        state = STATES.get(str(data.get("result")), TicketState.SOLD)
        if str(data.get("status")) in ("cancelled", "canceled", "void"):
            state = TicketState.VOID
        money = {k: from_cents(data.get(k)) for k in
                 ("stake", "gross_payout", "net_payout", "wht_amount", "ext_amount", "prize")}
        extra = {**money, "code": data.get("code"), "odds": Decimal(str(data.get("odds", 0))),
                 "wht": Decimal(str(data.get("wht", 0))), "ext": Decimal(str(data.get("ext", 0))),
                 "ext_type": data.get("ext_type"), "betcard_code": data.get("betcard_code"),
                 "bonus_prizes": tuple(from_cents(p) for p in data.get("bonus_prizes") or []),
                 "approved": bool(data.get("approved")), "status": data.get("status"),
                 "result": data.get("result")}
        return ProviderTicket(
            reference=reference, provider_ticket_id=str(data.get("id", "")), state=state,
            wagers=(BookedWager(wager),), total=from_cents(data.get("price")),
            currency=str(data.get("currency", self.currency)), created_at=created, extra=extra)

    async def cancel_ticket(self, ticket: ProviderTicket, now: datetime, *,
                            actor_id: int | None = None) -> ProviderTicket:
        raise ProviderError(ErrorCode.NOT_CANCELLABLE, "jackpot tickets cannot be cancelled")

    async def results(self, day: date, lottery: str | None = None) -> list[DrawResult]:
        return []  # the seed has no results; the ticket's ``result`` tells the outcome

    async def pay_ticket(self, ticket: ProviderTicket, pin: str, now: datetime, *,
                         actor_id: int | None = None) -> ProviderTicket:
        raise ProviderError(ErrorCode.NOT_SUPPORTED, "jackpot prizes go to the player's wallet")

    async def sales_report(self, since: date, until: date) -> SalesReport:
        data = await self._list()
        if data is None:
            raise ProviderError(ErrorCode.NOT_SUPPORTED, "the operator lists no tickets")
        lines: dict[tuple[date, str], Decimal] = {}
        for ticket in data.get("tickets") or []:
            day = self._time(ticket.get("created")).date()
            if since <= day <= until:
                key = (day, str(ticket.get("betcard_code")))
                lines[key] = lines.get(key, Decimal("0.00")) + from_cents(ticket.get("price"))
        return SalesReport(self.currency, tuple(
            SalesLine(day, code, total, Decimal("0.00"), Decimal("0.00"))
            for (day, code), total in sorted(lines.items())))

    async def close(self) -> None:
        await self._http.aclose()

    # -- wire ------------------------------------------------------------------------------
    async def _get(self, op: str, path: str) -> dict[str, Any]:
        response = await call(self._http, "GET", path, log=log, op=op,
                              params={"operator": self._operator},
                              headers={"Authorization": f"Bearer {self._token}"})
        if response.status_code == 403:
            raise ProviderUnavailable(f"{op}: the operator refused the token (403)")
        if response.status_code in NOT_OFFERED:
            raise _NotOffered(f"{op}: HTTP {response.status_code}")
        if response.status_code != 200:
            raise ProviderUnavailable(f"{op}: HTTP {response.status_code}")
        return decode_object(response, op)

    def _file_time(self, raw: Any) -> datetime:
        """A time in the banca's draws file: ISO 8601, in the market's zone unless it says."""
        stamp = datetime.fromisoformat(str(raw))
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=self._base.timezone)

    def _time(self, raw: Any) -> datetime:
        """Seed 003's UTC stamps (``2024-01-28T14:33:01.000000``) in the market's time zone."""
        try:
            stamp = datetime.strptime(str(raw), STAMP).replace(tzinfo=UTC)
        except ValueError:
            stamp = self._clock()
        return stamp.astimezone(self._base.timezone)


class _NotOffered(ProviderUnavailable):
    """The operator has no such (undocumented) operation."""
