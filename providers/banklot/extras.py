"""Banklot's reads and changes around a sale: view, last, lists, printed image, cancel and revert,
copy, results and reports. A mixin of ``BanklotProvider`` (it uses its session, board and journal).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from providers.banklot.board import Board, GameLimits, day_span, iso_z, money
from providers.banklot.session import AuthExpired, BanklotSession, Reply
from providers.banklot.tickets import content_of, ticket_from_view
from providers.base import (
    DrawResult,
    ErrorCode,
    ProviderError,
    ProviderTicket,
    ProviderUnavailable,
    SalesLine,
    SalesReport,
    TicketState,
)
from providers.http import CallFailed, Journal, SentCreate, Stage, settle_create

if TYPE_CHECKING:
    from lottery.catalog import Catalog

log = logging.getLogger("providers.banklot")


class BanklotExtras:
    _session: BanklotSession
    _journal: Journal
    _base: Catalog
    _create_lock: asyncio.Lock

    async def _board(self) -> Board:
        raise NotImplementedError

    async def find_ticket(self, reference: str) -> ProviderTicket | None:
        raise NotImplementedError

    async def _find_fresh(self, reference: str) -> ProviderTicket | None:
        raise NotImplementedError

    # -- reads -----------------------------------------------------------------------------
    async def _read_reply(self, op: str, path: str, body: Any) -> Reply:
        return await self._session.request(op, "POST", path, body)

    async def _read(self, op: str, path: str, body: Any) -> Any:
        reply = await self._read_reply(op, path, body)
        if not reply.ok:
            raise ProviderUnavailable(f"{op}: banklot status {reply.status}")
        return reply.response

    async def _view(self, number: int, day: str) -> dict[str, Any] | None:
        reply = await self._read_reply("view", "/user/ticket", {"ticket_number": number,
                                                                "date": day})
        if reply.ok and isinstance(reply.response, dict):
            return reply.response
        if reply.has("no rows"):
            return None
        raise ProviderUnavailable(f"view: banklot status {reply.status}")

    async def _refetch(self, ticket: ProviderTicket) -> ProviderTicket | None:
        """The ticket as banklot has it now (by number and day)."""
        if not ticket.provider_ticket_id.isdigit():
            return None
        day = ticket.extra.get("date") or ticket.created_at.date().isoformat()
        view = await self._view(int(ticket.provider_ticket_id), str(day))
        if view is None:
            return None
        board = await self._board()
        return ticket_from_view(board, ticket.reference, view, currency=ticket.currency,
                                extra={"uuid": ticket.extra.get("uuid")}, prize=ticket.prize)

    async def last_ticket(self) -> dict[str, Any] | None:
        """This terminal's last ticket as banklot shows it (seed: ``POST /user/ticket/last``)."""
        # the seed: "Content-Type: application/json", "No body is required": an empty object
        reply = await self._read_reply("last", "/user/ticket/last", {})
        return reply.response if reply.ok and isinstance(reply.response, dict) else None

    async def list_tickets(self, since: datetime, until: datetime, *, status: str | None = None,
                           transaction_type: str | None = None) -> list[dict[str, Any]]:
        """Ticket summaries created in [since, until], oldest first, by status (``canceled``,
        ``winner``…) and/or transaction type (``wager``)."""
        filters: dict[str, Any] = {"between_created_at": [iso_z(since), iso_z(until)]}
        body: dict[str, Any] = {"filter": filters}
        if status is not None:
            filters["status"] = status
            body["sort"] = {"created_at": 1}
        if transaction_type is not None:
            filters["transaction_type"] = transaction_type
            body["order_by"] = [{"name": "created_at", "value": "desc"}]
        items = await self._read("list", "/user/ticket/", body) or []
        return sorted((i for i in items if isinstance(i, dict)),
                      key=lambda i: int(i.get("created_at", 0)))

    async def server_time(self) -> datetime | None:
        """Banklot's clock (seed: ``GET /gaming/time``), to check ours against it."""
        reply = await self._session.request("time", "GET", "/gaming/time")
        stamp = reply.response.get("timestamp") if isinstance(reply.response, dict) else None
        if not reply.ok or not isinstance(stamp, int):
            return None
        return datetime.fromtimestamp(stamp, (await self._board()).tz)

    async def limits(self) -> Mapping[tuple[int, int], GameLimits]:
        """get-data's limits per (game id, product id): min/max bet, multiple, wagers per ticket."""
        return (await self._board()).limits

    async def ticket_image(self, ticket: ProviderTicket) -> bytes:
        """The printed ticket (seed: ``GET /user/ticket/image/<uuid>``)."""
        uuid = ticket.extra.get("uuid")
        if not uuid:
            start = ticket.created_at - timedelta(seconds=1)
            uuid = next((s.get("id") for s in await self.list_tickets(
                start, start + timedelta(seconds=2), transaction_type="wager")
                if str(s.get("ticket_number")) == ticket.provider_ticket_id), None)
        if not uuid:
            raise ProviderError(ErrorCode.NOT_FOUND, "no printed ticket")
        response = await self._session.raw("image", f"/user/ticket/image/{uuid}")
        if response.status_code != 200 or not response.headers.get("content-type", "").startswith(
                "image/"):
            raise ProviderError(ErrorCode.NOT_FOUND, "no printed ticket")
        return response.content

    # -- changes ---------------------------------------------------------------------------
    async def _send_once(self, op: str, path: str, body: Any, reference: str
                         ) -> Reply | ProviderTicket:
        """Send a create (or copy) once. An expired token: log in, look for the ticket, and send
        again only when it is not there (the auth layer refused the first one). No answer: ask,
        never resend (``settle_create``)."""
        try:
            try:
                return await self._session.request(op, "POST", path, body, mutating=True)
            except AuthExpired:
                await self._session.relogin()
                found = await self._find_fresh(reference)
                if found is not None:
                    return found
                try:
                    return await self._session.request(op, "POST", path, body, mutating=True)
                except AuthExpired:
                    raise ProviderUnavailable(f"{op}: banklot refused a fresh token") from None
        except CallFailed as failure:
            return await settle_create(failure, reference, self._find_fresh, log)

    async def _change(self, op: str, path: str, body: Any, ticket: ProviderTicket,
                      done: TicketState) -> Reply | ProviderTicket:
        """Send a change once; on an expired token or no answer, look before anything else."""
        try:
            return await self._session.request(op, "POST", path, body, mutating=True)
        except AuthExpired:
            await self._session.relogin()
            current = await self._refetch(ticket)
            if current is not None and current.state is done:
                return current
            try:
                return await self._session.request(op, "POST", path, body, mutating=True)
            except AuthExpired:
                raise ProviderUnavailable(f"{op}: banklot refused a fresh token") from None
        except CallFailed:
            current = await self._refetch(ticket)
            if current is not None and current.state is done:
                return current
            raise

    async def _void(self, ticket: ProviderTicket, op: str) -> ProviderTicket:
        if not ticket.provider_ticket_id.isdigit():
            raise ProviderError(ErrorCode.NOT_FOUND, "not a banklot ticket number")
        body = {"ticket_number": int(ticket.provider_ticket_id)}
        reply = await self._change(op, f"/user/ticket/{op}", body, ticket, TicketState.VOID)
        if isinstance(reply, ProviderTicket):
            return reply
        if reply.ok:
            return replace(ticket, state=TicketState.VOID)
        if reply.has("no rows"):
            raise ProviderError(ErrorCode.NOT_FOUND, reply.error or "")
        if reply.error is not None:
            raise ProviderError(ErrorCode.NOT_CANCELLABLE, reply.error)
        raise ProviderUnavailable(f"{op}: unexpected answer {reply.status}")

    async def revert_ticket(self, ticket: ProviderTicket, now: datetime) -> ProviderTicket:
        """Void a ticket outside the cancel window while its draws are open (seed: revert); the
        reconciliation job can use it for a sale nobody wants any more."""
        return await self._void(ticket, "revert")

    async def copy_ticket(self, ticket: ProviderTicket, reference: str, now: datetime
                          ) -> ProviderTicket:
        """A new ticket with the same plays in their next draws (seed: copy), under ``reference``
        so that ``find_ticket`` settles it like any sale when the answer is lost."""
        day = str(ticket.extra.get("date") or ticket.created_at.date().isoformat())
        if not ticket.provider_ticket_id.isdigit():
            raise ProviderError(ErrorCode.NOT_FOUND, "not a banklot ticket number")
        old = await self._view(int(ticket.provider_ticket_id), day)
        if old is None:
            raise ProviderError(ErrorCode.NOT_FOUND, "no such ticket")
        body = {"ticket_number": int(ticket.provider_ticket_id), "date": day}
        async with self._create_lock:
            await self._journal.record(SentCreate(
                reference, content_of(old.get("wagers") or [], any_event=True), now))
            reply = await self._send_once("copy", "/user/ticket/copy", body, reference)
        if isinstance(reply, ProviderTicket):
            return reply
        if not (reply.ok and isinstance(reply.response, dict)):
            if reply.error is not None:
                code = ErrorCode.CLOSED_DRAW if reply.status == 409 else ErrorCode.NOT_FOUND
                raise ProviderError(code, reply.error)
            failure = CallFailed(f"copy: unexpected answer {reply.status}", Stage.ANSWERED)
            return await settle_create(failure, reference, self.find_ticket, log)
        number = reply.response.get("ticket_number")
        uuid = reply.response.get("ticket_uuid")
        await self._journal.claim(reference, str(number), {"uuid": uuid})
        found = await self.find_ticket(reference)
        if found is None:
            raise ProviderUnavailable("copy: the new ticket cannot be viewed")
        return replace(found, extra={**found.extra, "uuid": reply.response.get("ticket_uuid"),
                                     "copied_from": ticket.provider_ticket_id})

    # -- results and reports ---------------------------------------------------------------
    async def results(self, day: date, lottery: str | None = None) -> list[DrawResult]:
        board = await self._board()
        body = {"filter": {"between_created_at": day_span(day, day, board.tz)},
                "order_by": [{"name": "event_timestamp", "value": "desc"}]}
        grouped: dict[tuple[str, datetime], dict[str, str]] = {}
        for item in await self._read("results", "/gaming/result/0", body) or []:
            lottery_id = board.built.lottery_ids.get(str(item.get("game_product_id")))
            result = item.get("main_result")
            if lottery_id is None or result is None or lottery not in (None, lottery_id):
                continue
            when = datetime.fromtimestamp(int(item["event_timestamp"]["seconds"]), board.tz)
            values = grouped.setdefault((lottery_id, when), {})
            _merge(values, item.get("list_id"), str(item.get("game_category", "")), str(result))
        return [DrawResult(lot, when, v) for (lot, when), v in sorted(grouped.items())]

    async def sales_report(self, since: date, until: date) -> SalesReport:
        """Per day, all lotteries together (``lottery="*"``): banklot's report has no per-lottery
        split; sales and prizes from ``/gaming/reports`` per category, cancellations from the
        list of canceled tickets."""
        board = await self._board()
        first, last = (datetime.fromisoformat(s) for s in day_span(since, until, board.tz))
        cancelled: dict[date, Decimal] = {}
        for summary in await self.list_tickets(first, last, status="canceled"):
            day = datetime.fromtimestamp(int(summary["created_at"]), board.tz).date()
            cancelled[day] = cancelled.get(day, Decimal("0.00")) + money(summary.get("total", 0))
        lines = []
        for offset in range((until - since).days + 1):
            day = since + timedelta(days=offset)
            sale = prize = Decimal("0.00")
            for category in board.categories:
                reply = await self._read_reply("reports", "/gaming/reports", {
                    "between_timestamp": day_span(day, day, board.tz), "group": "user",
                    "category": category})
                total = reply.body.get("total") if reply.ok else None
                if not isinstance(total, dict):
                    raise ProviderUnavailable(f"reports: banklot status {reply.status}")
                sale += money(total.get("sale", 0))
                prize += money(total.get("prize", 0))
            if sale or prize or cancelled.get(day):
                lines.append(SalesLine(day, "*", sale, cancelled.get(day, Decimal("0.00")), prize))
        return SalesReport(self._base.currency, tuple(lines))


def _merge(values: dict[str, str], list_id: Any, category: str, result: str) -> None:
    """List A → number, B → number_b, C → sign (+ sign_number); animal products → animal."""
    if list_id is None and category.startswith("animal"):
        values["animal"] = result
    elif list_id == 2:
        values["number_b"] = result
    elif list_id == 3:
        number, _, sign = result.partition("-")
        values["sign"], values["sign_number"] = sign, number
    else:
        values["number"] = result
