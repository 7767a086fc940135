"""The soportex adapter: our wagers as the jugadas of soportex's document, and back (assumptions:
``__init__``)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
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
    OutcomeUnknown,
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
from providers.soportex.board import JUGADA_ERRORS, Board, board_from_file, items_of, read_board
from providers.soportex.settings import SoportexSettings

log = logging.getLogger("providers.soportex")
STATES = {"0": TicketState.SOLD, "1": TicketState.VOID, "2": TicketState.WINNER,
          "3": TicketState.PAID, "4": TicketState.LOSER}
CENT = Decimal("0.01")
#: the seed's ``"ticket": "12345678"``: our ticket numbers have its eight digits
TICKET_DIGITS = 8


class TokenRefused(ProviderUnavailable):
    """respuesta "2": the configured token is not (or no longer) valid; nothing was done."""


class SoportexProvider:
    name = "soportex"
    #: its API has no pay operation: the booth pays the prizes
    capabilities = frozenset({Capability.SELLS_PLAYS, Capability.FEEDS_RESULTS,
                              Capability.CANCELS, Capability.REPORTS})

    def __init__(
        self, *, base_url: str, token: str, base_catalog: Catalog,
        clock: Clock, timeout: float = 10.0,
        catalog_ttl: timedelta = timedelta(minutes=15), journal: Journal | None = None,
        draws_file: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._token = token
        self._base = base_catalog
        self._clock = clock
        self._journal: Journal = journal or MemoryJournal()
        self._draws_file = draws_file
        self._http = make_client(base_url, timeout, transport=transport)
        self._board_cache: TTLCache[Board] = TTLCache(
            self._load_board, ttl=catalog_ttl, clock=clock, name="soportex.sorteos")
        self.test_mode = token == ""
        if self.test_mode:
            log.warning("soportex token is empty: selling in the provider's test environment")

    @classmethod
    def from_settings(cls, settings: SoportexSettings, *, timeout: float,
                      catalog_ttl: timedelta, clock: Clock, catalog: Catalog,
                      journal: Journal | None = None,
                      transport: httpx.AsyncBaseTransport | None = None) -> SoportexProvider:
        return cls(base_url=settings.url, token=settings.token.get_secret_value(),
                   base_catalog=catalog, clock=clock, timeout=timeout, catalog_ttl=catalog_ttl,
                   journal=journal, draws_file=settings.draws_file, transport=transport)

    def __repr__(self) -> str:
        url = str(self._http.base_url)
        return f"SoportexProvider(base_url={url!r}, test_mode={self.test_mode})"

    # -- catalog ---------------------------------------------------------------------------
    async def catalog(self) -> Catalog:
        return (await self._board()).catalog

    async def refresh(self) -> Catalog:
        """Reload sorteos now (the scheduled refresh)."""
        return (await self._board_cache.refresh()).catalog

    async def probe(self) -> None:
        """Whether the lottery system answers now (``services.provider_watch``): one sorteos
        call, not the board (which falls back to the banca's draws file)."""
        await self._read_json("sorteos", {"token": self._token})

    async def _board(self) -> Board:
        board = await self._board_cache.get()
        if board.day != self._clock().astimezone(board.catalog.timezone).date():
            board = await self._board_cache.refresh()
        return board

    async def _load_board(self) -> Board:
        """sorteos and simbolos (any shape, see ``board``); when they cannot be asked or read,
        the banca's draws file. A refused token is not hidden behind the file."""
        today = self._clock().astimezone(self._base.timezone).date()
        simbolos: Any = None
        try:
            sorteos = await self._read_json("sorteos", {"token": self._token})
            simbolos = await self._read_json("simbolos", {"token": self._token}, optional=True)
            return read_board(self._base, sorteos, simbolos, today)
        except TokenRefused:
            raise
        except (ProviderUnavailable, KeyError, TypeError, ValueError) as exc:
            detail = exc.detail if isinstance(exc, ProviderUnavailable) \
                else "sorteos: nothing readable"
            draws = load_draws_file(self._draws_file)
            if draws is None:
                raise ProviderUnavailable(f"{detail}; set SOPORTEX_DRAWS_FILE to list the draws"
                                          ) from None
            log.warning("soportex draws from the banca's file", extra={"detail": detail})
            return board_from_file(self._base, draws, today, simbolos)

    async def _read_json(self, op: str, body: Mapping[str, Any], *, optional: bool = False
                         ) -> Any:
        """A discovery answer as it comes (list or object); None for an optional one that
        failed."""
        try:
            response = await call(self._http, "POST", f"/monitor/{op}", log=log, op=op,
                                  json=body)
            if response.status_code != 200:
                raise ProviderUnavailable(f"{op}: HTTP {response.status_code}")
            try:
                data = response.json()
            except ValueError:
                raise ProviderUnavailable(f"{op}: not JSON") from None
        except ProviderUnavailable:
            if optional:
                return None
            raise
        if isinstance(data, dict) and str(data.get("respuesta")) == "2":
            raise TokenRefused(f"{op}: soportex refused the token")
        return data

    # -- selling ---------------------------------------------------------------------------
    async def validate(self, wagers: Sequence[Wager], now: datetime) -> list[WagerRejection]:
        board = await self._board()
        out = [r for i, w in enumerate(wagers) if (r := self._check(board, i, w, now))]
        limit = board.catalog.limits.max_wagers
        if limit is not None:
            out += [WagerRejection(i, ErrorCode.LIMIT, f"at most {limit} plays per ticket")
                    for i in range(limit, len(wagers))]
        return sorted(out, key=lambda r: r.index)

    def _check(self, board: Board, index: int, wager: Wager, now: datetime
               ) -> WagerRejection | None:
        sorteo = board.sorteo_for(wager)
        lottery = board.catalog.get_lottery(wager.lottery)
        if sorteo is None or lottery is None or not sorteo.abierto \
                or now >= wager.draw - timedelta(minutes=lottery.close_minutes):
            return WagerRejection(index, ErrorCode.CLOSED_DRAW, "draw not open at soportex")
        if board.numero(wager) is None:
            return WagerRejection(index, ErrorCode.INVALID_NUMBER, wager.number)
        limits = board.catalog.limits
        amount = wager.amount
        if amount <= 0 or amount != amount.quantize(CENT) \
                or (limits.min_bet is not None and amount < limits.min_bet) \
                or (limits.max_bet is not None and amount > limits.max_bet) \
                or (limits.amount_step and amount % limits.amount_step):
            return WagerRejection(index, ErrorCode.INVALID_AMOUNT, str(amount))
        return None

    async def create_ticket(self, request: TicketRequest, now: datetime) -> ProviderTicket:
        board = await self._board()
        sent: list[int] = []
        jugadas: list[dict[str, str]] = []
        unsent: dict[int, WagerRejection] = {}
        for i, wager in enumerate(request.wagers):
            sorteo, numero = board.sorteo_for(wager), board.numero(wager)
            if sorteo is None or numero is None:
                code = ErrorCode.CLOSED_DRAW if sorteo is None else ErrorCode.INVALID_NUMBER
                unsent[i] = WagerRejection(i, code, "no soportex code for this play")
                continue
            sent.append(i)
            jugadas.append({"codigo": sorteo.codigo, "numero": numero,
                            "monto": str(wager.amount.quantize(CENT))})
        if not jugadas or (unsent and not request.partial):
            raise _refusal(list(unsent.values()))
        op = "registrarticketparcial" if request.partial else "registrarticket"
        number = await self._number(request.reference, now)
        body = {"token": self._token, "ticket": number, "jugadas": jugadas}
        try:
            data = await self._post(op, body)
        except TokenRefused:
            raise
        except CallFailed as failure:
            return await settle_create(failure, request.reference, self.find_ticket, log)
        answer = str(data.get("respuesta"))
        if answer == "0":
            return self._booked(request, sent, unsent, data, now)
        if answer == "1":
            rejections = dict(unsent)
            for i, item in zip(sent, _jugadas(data), strict=False):
                code = JUGADA_ERRORS.get(str(item.get("id")))
                if code is not None:
                    rejections[i] = WagerRejection(i, code, str(item.get("numero", "")))
            raise _refusal([rejections[k] for k in sorted(rejections)])
        if answer in JUGADA_ERRORS:  # the document's codes, for the whole ticket
            raise _refusal(_top_level(answer, sent, unsent, data),
                           str(data.get("mensaje") or "soportex refused the ticket"))
        if answer == "3":  # the id exists: our own earlier attempt, never someone else's
            found = await self.find_ticket(request.reference)
            if found is None:
                raise OutcomeUnknown("soportex says the ticket exists but cannot show it")
            return found
        failure = CallFailed(f"{op}: unexpected respuesta {answer!r}", Stage.ANSWERED)
        return await settle_create(failure, request.reference, self.find_ticket, log)

    def _booked(self, request: TicketRequest, sent: list[int], unsent: dict[int, WagerRejection],
                data: Mapping[str, Any], now: datetime) -> ProviderTicket:
        refused = dict(unsent)
        for i, item in zip(sent, _jugadas(data), strict=False):
            code = JUGADA_ERRORS.get(str(item.get("id")))
            if code is not None:
                refused[i] = WagerRejection(i, code)
        wagers = tuple(BookedWager(w, sold=i not in refused,
                                   rejection=refused[i].code if i in refused else None)
                       for i, w in enumerate(request.wagers))
        sold = [b.wager for b in wagers if b.sold]
        return ProviderTicket(
            reference=request.reference, provider_ticket_id=str(data.get("serialTicket", "")),
            state=STATES.get(str(data.get("statusTicket")), TicketState.SOLD), wagers=wagers,
            total=_money(data.get("totalTicket")), currency=request.currency, created_at=now,
            cancel_deadline=self._deadline(sold), extra={"test_mode": self.test_mode},
        )

    def _deadline(self, wagers: Sequence[Wager]) -> datetime | None:
        """Reversal is possible while every draw is open: until the first draw closes."""
        closes = [w.draw - timedelta(minutes=self._close_minutes(w.lottery)) for w in wagers]
        return min(closes) if closes else None

    def _close_minutes(self, lottery_id: str) -> int:
        board = self._board_cache.peek()
        catalog = board.catalog if board is not None else self._base
        lottery = catalog.get_lottery(lottery_id)
        return lottery.close_minutes if lottery else catalog.close_minutes

    async def _number(self, reference: str, now: datetime) -> str:
        """The ticket number soportex knows this sale by: numeric, the seed's eight digits,
        unique (a journal claim guards it, across workers with the database journal), and the
        same on every attempt of the same sale."""
        known = await self._known_number(reference)
        if known is not None:
            return known
        for _attempt in range(20):
            first = 10 ** (TICKET_DIGITS - 1)
            number = str(first + secrets.randbelow(9 * first))
            await self._journal.record(SentCreate(reference, {"ticket": number}, now))
            if await self._journal.claim(reference, number):
                return number
        raise ProviderUnavailable("soportex: no free ticket number")

    async def _known_number(self, reference: str) -> str | None:
        entry = await self._journal.get(reference)
        content = entry.content if entry is not None else None
        if isinstance(content, Mapping) and content.get("ticket"):
            return str(content["ticket"])
        return None

    async def find_ticket(self, reference: str) -> ProviderTicket | None:
        """By our ticket number; a sale from before numbers were journalled went under the
        reference itself."""
        number = await self._known_number(reference) or reference
        data = await self._post("consultarticket", {"token": self._token, "ticket": number})
        answer = str(data.get("respuesta"))
        if answer == "4":
            return None
        if answer != "0":
            raise ProviderUnavailable(f"consultarticket: unexpected respuesta {answer!r}")
        return await self._ticket(reference, data)

    async def _ticket(self, reference: str, data: Mapping[str, Any]) -> ProviderTicket:
        board = await self._board()
        created = self._created(data)
        day = created.date()
        wagers = [w for item in _jugadas(data) if (w := board.wager(item, day)) is not None]
        prize = _money(data.get("premioTicket"))
        return ProviderTicket(
            reference=reference, provider_ticket_id=str(data.get("serialTicket", "")),
            state=STATES.get(str(data.get("statusTicket")), TicketState.SOLD),
            wagers=tuple(BookedWager(w) for w in wagers), total=_money(data.get("totalTicket")),
            currency=self._base.currency, created_at=created,
            cancel_deadline=self._deadline(wagers), prize=prize or None,
            extra={"test_mode": self.test_mode},
        )

    def _created(self, data: Mapping[str, Any]) -> datetime:
        try:
            stamp = datetime.strptime(str(data.get("fechaTicket")), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return self._clock().astimezone(self._base.timezone)
        return stamp.replace(tzinfo=self._base.timezone)

    async def cancel_ticket(self, ticket: ProviderTicket, now: datetime, *,
                            actor_id: int | None = None) -> ProviderTicket:
        number = await self._known_number(ticket.reference) or ticket.reference
        body = {"token": self._token, "ticket": number}
        try:
            data = await self._post("reversarticket", body)
        except TokenRefused:
            raise
        except CallFailed:
            current = await self.find_ticket(ticket.reference)
            if current is not None and current.state is TicketState.VOID:
                return current
            raise
        answer = str(data.get("respuesta"))
        if answer == "0":
            return replace(ticket, state=TicketState.VOID)
        if answer == "4":
            raise ProviderError(ErrorCode.NOT_FOUND, "soportex has no such ticket")
        if answer == "5":
            raise ProviderError(ErrorCode.NOT_CANCELLABLE, str(data.get("mensaje", "")))
        raise ProviderUnavailable(f"reversarticket: unexpected respuesta {answer!r}")

    async def pay_ticket(self, ticket: ProviderTicket, pin: str, now: datetime, *,
                         actor_id: int | None = None) -> ProviderTicket:
        raise ProviderError(ErrorCode.NOT_SUPPORTED, "soportex's API has no pay operation")

    # -- reports ---------------------------------------------------------------------------
    async def results(self, day: date, lottery: str | None = None) -> list[DrawResult]:
        board = await self._board()
        data = await self._read_json("resultados", {"fecha": day.isoformat(), "sorteo": ""})
        grouped: dict[tuple[str, datetime], dict[str, str]] = {}
        for item in items_of(data, "resultados"):
            sorteo = board.by_code.get(str(item.get("codigo") or item.get("sorteo") or ""))
            lottery_id = board.lottery_of(sorteo) if sorteo else None
            if sorteo is None or lottery_id is None or lottery not in (None, lottery_id):
                continue
            draw = datetime.combine(day, sorteo.hora,
                                    tzinfo=board.catalog.lottery(lottery_id).timezone)
            numero = str(item.get("numero") or item.get("resultado") or "")
            _merge(grouped.setdefault((lottery_id, draw), {}), sorteo.tipo, sorteo.sorteo,
                   numero, board)
        return [DrawResult(lot, draw, values) for (lot, draw), values in sorted(grouped.items())]

    async def sales_report(self, since: date, until: date) -> SalesReport:
        board = await self._board()
        data = await self._post("ventas", {"token": self._token, "desde": since.isoformat(),
                                           "hasta": until.isoformat()})
        lines = []
        for item in data.get("ventas") or []:
            producto = str(item.get("producto", ""))
            lines.append(SalesLine(
                day=date.fromisoformat(str(item.get("fecha"))),
                lottery=board.built.lottery_ids.get(producto, producto),
                sales=_money(item.get("venta")), cancelled=_money(item.get("anulado")),
                prizes=_money(item.get("premios")),
            ))
        return SalesReport(self._base.currency, tuple(lines))

    async def close(self) -> None:
        await self._http.aclose()

    # -- wire ------------------------------------------------------------------------------
    async def _post(self, op: str, body: Mapping[str, Any]) -> dict[str, Any]:
        response = await call(self._http, "POST", f"/monitor/{op}", log=log, op=op, json=body)
        data = decode_object(response, op)
        if str(data.get("respuesta")) == "2":
            raise TokenRefused(f"{op}: soportex refused the token")
        return data


def _merge(values: dict[str, str], tipo: str, sorteo: str, numero: str, board: Board) -> None:
    """Result values: A → number, B → number_b, C → sign (+ sign_number), D → ab; animals."""
    if tipo == "animalito":
        values["animal"] = numero
    elif sorteo == "A":
        values["number"] = numero
    elif sorteo == "B":
        values["number_b"] = numero
    elif sorteo == "C":
        number, _, sign = numero.partition("-")
        values["sign"] = board.sign(sign)
        values["sign_number"] = number
    elif sorteo == "D":
        values["ab"] = numero


def _jugadas(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    items = data.get("jugadas")
    return [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []


def _refusal(rejections: Sequence[WagerRejection], detail: str = "soportex refused the ticket"
             ) -> ProviderError:
    code = rejections[0].code if rejections else ErrorCode.CLOSED_DRAW
    return ProviderError(code, detail, rejections)


def _top_level(answer: str, sent: Sequence[int], unsent: Mapping[int, WagerRejection],
               data: Mapping[str, Any]) -> list[WagerRejection]:
    """A ticket refused by a top-level ``respuesta`` -1…-4: the jugadas it marks, or, when it
    marks none, every play sent."""
    code = JUGADA_ERRORS[answer]
    marked = {i: JUGADA_ERRORS[str(item.get("id"))]
              for i, item in zip(sent, _jugadas(data), strict=False)
              if str(item.get("id")) in JUGADA_ERRORS}
    chosen = marked or dict.fromkeys(sent, code)
    out = {**unsent, **{i: WagerRejection(i, c, str(data.get("mensaje") or ""))
                        for i, c in chosen.items()}}
    return [out[k] for k in sorted(out)]


def _money(raw: Any) -> Decimal:
    try:
        return Decimal(str(raw)).quantize(CENT)
    except ArithmeticError:
        return Decimal("0.00")
