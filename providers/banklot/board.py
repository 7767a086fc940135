"""Banklot's products, kiosk draws, limits and valid plays as one snapshot, and wagers both ways.

A product has one event per draw and list: list 1 (A) takes ``triple``/``terminal``, list 3 (C,
the zodiac) ``triple_sign``/``terminal_sign``; animal products have events without a list.
Game ids: 1 triple, 2 terminal, 3 triple + sign, 4 terminal + sign, 5 animal (seed: 1 = "341",
3 = "444-ARI" on list 3, 5 = "0"/"1"/"2" on an animalitos product).

Events come from three places, the first that names a draw winning: the kiosk search (whose
answer the seeds never show: read as a list of events shaped like the results report's items,
under ``response`` or any key), the products' own ``data`` (``event_id``, ``event_date``,
``event_time``: the product's next draw, list A), and the banca's draws file. A closing time
after the draw (the results example's ``closing_timestamp`` is weeks after its
``event_timestamp``) is read as the draw itself: a draw is never open once it has happened.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from lottery.catalog import Catalog, fold_name
from lottery.plays import Wager
from providers.http import RemoteLottery, build_catalog
from providers.http.catalog import BuiltCatalog
from providers.http.draws_file import DrawsFile

GAME_IDS = {"triple": 1, "terminal": 2, "triple_sign": 3, "terminal_sign": 4, "animal": 5}
GAME_NAMES = {v: k for k, v in GAME_IDS.items()}
LIST_OF_GAME = {"triple": 1, "terminal": 1, "triple_sign": 3, "terminal_sign": 3, "animal": None}
CATEGORY_GAMES = {"lottery": (1, 2, 3, 4), "animalitos": (5,), "animalitos77": (5,)}
LIST_OF_PART = {"A": 1, "B": 2, "C": 3}
#: words of an event's name that are not the lottery's (``ASTRO ZAMORANO``, ``ZODÍACO DEL ZULIA``)
_EVENT_WORDS = {"triple", "astro", "zodiaco", "signo", "signos", "del", "de", "la", "el",
                "lotto", "loteria", "terminal"}


@dataclass(frozen=True)
class EventInfo:
    id: int
    product_id: int
    name: str
    at: datetime
    closes: datetime
    list_id: int | None


@dataclass(frozen=True)
class GameLimits:
    min_bet: int
    max_bet: int
    amount_multiple: int
    ticket_max_wagers: int


@dataclass(frozen=True)
class Board:
    built: BuiltCatalog
    tz: ZoneInfo
    events: Mapping[int, EventInfo]
    limits: Mapping[tuple[int, int], GameLimits]
    valid: Mapping[int, frozenset[str]]
    seconds_to_cancel: int
    categories: tuple[str, ...]

    @property
    def catalog(self) -> Catalog:
        return self.built.catalog

    def product_of(self, lottery_id: str) -> int | None:
        key = self.built.key_of(lottery_id)
        return int(key) if key is not None else None

    def event_for(self, wager: Wager) -> EventInfo | None:
        product = self.product_of(wager.lottery)
        if product is None or wager.game not in LIST_OF_GAME:
            return None
        list_id = LIST_OF_GAME[wager.game]
        return next((e for e in self.events.values() if e.product_id == product
                     and e.list_id == list_id and e.at == wager.draw), None)

    def wire(self, wager: Wager, event: EventInfo) -> dict[str, Any]:
        text = f"{wager.number}-{wager.sign}" if wager.game.endswith("_sign") else wager.number
        return {"amount": int(wager.amount), "event_id": event.id,
                "game_id": GAME_IDS[wager.game], "wager": text}

    def valid_number(self, wager: Wager) -> bool:
        game_id = GAME_IDS.get(wager.game)
        if game_id is None:
            return False
        if game_id in (3, 4):
            base = self.valid.get(game_id - 2)
            return (base is None or wager.number in base) and wager.sign is not None
        allowed = self.valid.get(game_id)
        return allowed is None or wager.number in allowed

    def wager(self, item: Mapping[str, Any], created: datetime) -> Wager | None:
        """A wager of a ticket view read back; None when neither the event nor its name is known."""
        game = GAME_NAMES.get(item.get("game_id"))  # type: ignore[arg-type]
        if game is None:
            return None
        event = self.events.get(item.get("event_id")) \
            or self.events.get(item.get("current_event_id"))  # type: ignore[arg-type]
        lottery_id = self.built.lottery_ids.get(str(event.product_id)) if event else None
        if event is not None and lottery_id is not None:
            draw = event.at
        else:
            lottery_id, draw = self._by_name(item, created)
        number, _, sign = str(item.get("wager", "")).partition("-")
        return Wager(lottery_id, draw, game, number, sign or None, money(item.get("amount", 0)))

    def _by_name(self, item: Mapping[str, Any], created: datetime) -> tuple[str, datetime]:
        """An event we never listed (an old ticket, a copy): the lottery its name names
        (``ASTRO ZAMORANO`` → zamorano) at ``p_event_time`` that day. A ticket keeps every
        wager it has: a name we cannot place keeps its own (folded) name, an unreadable time
        the ticket's."""
        raw = str(item.get("event_name", ""))
        name = fold_name(raw)
        core = " ".join(w for w in name.split() if w not in _EVENT_WORDS)
        lottery = next((lot for lot in self.catalog.lotteries
                        if name == fold_name(lot.name) or name in lot.aliases
                        or (core and core in lot.aliases)), None)
        text = str(item.get("p_event_time", "")).upper()
        try:
            hour = datetime.strptime(text, "%I:%M %p").time()
        except ValueError:
            hour = created.astimezone(self.tz).time().replace(second=0, microsecond=0)
        when = datetime.combine(created.astimezone(self.tz).date(), hour, tzinfo=self.tz)
        return (lottery.id if lottery is not None else (name or "banklot")), when


def money(raw: object) -> Decimal:
    """Banklot's whole amounts with our two decimals (``5`` → ``5.00``)."""
    return Decimal(str(raw)).quantize(Decimal("0.01"))


def event_info(item: Mapping[str, Any], tz: ZoneInfo) -> EventInfo:
    """A kiosk (or results) item; a closing time after the draw closes at the draw."""
    at = _stamp(item["event_timestamp"], tz)
    closing = item.get("closing_timestamp")
    closes = min(_stamp(closing, tz), at) if closing is not None else at
    return EventInfo(
        id=int(item["id"]), product_id=int(item["game_product_id"]), name=str(item.get("name")),
        at=at, closes=closes, list_id=item.get("list_id"),
    )


def kiosk_items(response: Any) -> list[Mapping[str, Any]]:
    """The kiosk search's events in whatever shape it answers: a list under ``response``, a
    list under another key, or nothing (the seed's ``{"status": 201, "total": 0}``)."""
    if isinstance(response, Mapping):
        response = next((v for v in response.values() if isinstance(v, list)), [])
    return [i for i in response if isinstance(i, Mapping)] if isinstance(response, list) else []


def product_events(products: list[Mapping[str, Any]], tz: ZoneInfo, base: Catalog
                   ) -> list[EventInfo]:
    """The products' own next draws (seed: ``data`` of ``event_id``, ``event_date``,
    ``event_time``), list A of a lottery product; closing ``close_minutes`` before the draw
    (the market's, or the base lottery's of that name: the seeds give no closing time)."""
    out = []
    for product in products:
        animal = str(product.get("game_category", "")).startswith("animal")
        known = _base_lottery(base, str(product.get("name", "")))
        close = known.close_minutes if known is not None else base.close_minutes
        for item in product.get("data") or []:
            try:
                at = datetime.combine(date.fromisoformat(str(item["event_date"])),
                                      time.fromisoformat(str(item["event_time"])), tzinfo=tz)
                out.append(EventInfo(int(item["event_id"]), int(product["id"]),
                                     str(product.get("name", "")), at,
                                     at - timedelta(minutes=close), None if animal else 1))
            except (KeyError, TypeError, ValueError):
                continue
    return out


def file_events(draws: DrawsFile, tz: ZoneInfo, base: Catalog) -> list[EventInfo]:
    """The banca's draws file: ``key`` the product id, ``ids`` the event of each list."""
    out = []
    for lottery in draws.lotteries:
        close = lottery.close_minutes if lottery.close_minutes is not None \
            else base.close_minutes
        for draw in lottery.draws:
            if draw.day is None or not lottery.key.isdigit():
                continue  # a banklot event is one day's
            at = datetime.combine(draw.day, draw.time, tzinfo=tz)
            for part, event_id in draw.ids.items():
                list_id = None if lottery.animal else LIST_OF_PART.get(part)
                out.append(EventInfo(int(event_id), int(lottery.key), lottery.name, at,
                                     at - timedelta(minutes=close), list_id))
    return out


def file_products(draws: DrawsFile) -> list[dict[str, Any]]:
    """Products as the products search would list them, for the file's lotteries."""
    return [{"id": int(lot.key), "name": lot.name, "status": "active",
             "game_category": "animalitos" if lot.animal else "lottery"}
            for lot in draws.lotteries if lot.key.isdigit()]


def merge_events(*sources: list[EventInfo]) -> dict[int, EventInfo]:
    """One event per id and per (product, list, draw); an earlier source wins."""
    out: dict[int, EventInfo] = {}
    seen: set[tuple[int, int | None, datetime]] = set()
    for source in sources:
        for event in source:
            key = (event.product_id, event.list_id, event.at)
            if event.id in out or key in seen:
                continue
            out[event.id] = event
            seen.add(key)
    return out


def _stamp(raw: Any, tz: ZoneInfo) -> datetime:
    """``{"seconds": 1726603200}`` as the seed writes it, or bare seconds."""
    seconds = raw.get("seconds") if isinstance(raw, Mapping) else raw
    return datetime.fromtimestamp(int(seconds), tz)


def _base_lottery(base: Catalog, name: str) -> Any:
    folded = fold_name(name)
    return next((lot for lot in base.lotteries
                 if folded == fold_name(lot.name) or folded in lot.aliases), None)


def read_board(base: Catalog, data: Mapping[str, Any], products: list[Mapping[str, Any]],
               template: list[Mapping[str, Any]], events: Mapping[int, EventInfo]) -> Board:
    """One snapshot from get-data, products, the valid-plays template and kiosk events."""
    entity = data.get("entity_data") or {}
    tz = ZoneInfo(str(entity.get("time_zone") or base.timezone.key))
    game_data = list(data.get("game_data") or [])
    limits = {(int(g["game_id"]), int(g["product_id"])): GameLimits(
        int(g.get("min_bet", 1)), int(g.get("max_bet", 0)), int(g.get("amount_multiple", 1)) or 1,
        int(g.get("ticket_max_wagers", 0))) for g in game_data}
    valid: dict[int, set[str]] = {}
    for item in template:
        valid.setdefault(int(item["game_id"]), set()).add(str(item["wager"]))
    remote = []
    for product in products:
        if str(product.get("status", "active")) != "active":
            continue
        pid = int(product["id"])
        own = [e for e in events.values() if e.product_id == pid]
        lists = {e.list_id for e in own}
        sold = {g for (g, p) in limits if p == pid}
        category = str(product.get("game_category", ""))
        games = tuple(GAME_NAMES[g] for g in CATEGORY_GAMES.get(category, ())
                      if g in sold and LIST_OF_GAME[GAME_NAMES[g]] in lists)
        times = tuple(sorted({e.at.astimezone(tz).time().replace(second=0) for e in own}))
        close = max(0, round((own[0].at - own[0].closes).total_seconds() / 60)) if own else None
        remote.append(RemoteLottery(
            key=str(pid), name=str(product.get("name", pid)), games=games, times=times,
            animal_numbers=frozenset(valid.get(5, ())) if 5 in valid else None,
            close_minutes=close,
        ))
    first = game_data[0] if game_data else {}
    built = build_catalog(
        base, remote, timezone=tz.key,
        cancel_seconds=int(entity.get("seconds_to_cancel", base.cancel_seconds)),
        ticket_expiration_days=int(entity.get("ticket_expiration_days",
                                              base.ticket_expiration_days)),
        commission_percent=Decimal(str(first.get("commission", base.commission_percent))),
        limits=_catalog_limits(limits.values()),
    )
    categories = tuple(sorted({str(p.get("game_category")) for p in products
                               if str(p.get("game_category")) in CATEGORY_GAMES}))
    return Board(built, tz, dict(events), limits, {g: frozenset(v) for g, v in valid.items()},
                 int(entity.get("seconds_to_cancel", base.cancel_seconds)), categories)


def _catalog_limits(limits: Any) -> dict[str, Any]:
    items = list(limits)
    if not items:
        return {}
    return {"min_bet": str(min(g.min_bet for g in items)),
            "max_bet": str(max(g.max_bet for g in items)),
            "amount_step": str(min(g.amount_multiple for g in items)),
            "max_wagers": min(g.ticket_max_wagers for g in items)}


def day_span(first: date, last: date, tz: ZoneInfo) -> list[str]:
    """``between_*`` for local days, as the seeds write it (Caracas: ``…T04:00:00.000Z`` to
    ``…T03:59:59.999Z``)."""
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(last, time(23, 59, 59, 999000), tzinfo=tz)
    return [iso_z(start), iso_z(end)]


def iso_z(moment: datetime) -> str:
    utc = moment.astimezone(ZoneInfo("UTC"))
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
