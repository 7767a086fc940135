"""Grupo Banklot's world for the simulator: products, events (one per product, day, hour and list),
tickets, results and grading. Routes live in ``banklot.py``."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .world import ANIMAL_HOURS, ANIMALS, PAYOUTS, SIGNS, at, wins

#: game ids (seed: 1 = triple "341", 3 = astral "444-ARI" on list 3, 5 = animalitos "0")
GAMES = {1: "triple", 2: "terminal", 3: "triple_sign", 4: "terminal_sign", 5: "animal"}
LIST_NAMES = {1: "A", 2: "B", 3: "C"}


@dataclass(frozen=True)
class Product:
    id: int
    name: str
    lottery: str
    lottery_id: int
    category: str  # "lottery" | "animalitos"
    hours: tuple[str, ...]
    lists: tuple[int, ...] = (1, 3)
    quota: int = 1_000_000
    zodiac_name: str | None = None


DEFAULT_PRODUCTS = (
    Product(1, "TRIPLE ZAMORANO", "LOTERÍA DEL ZÚLIA", 1, "lottery",
            ("10:00", "12:00", "14:00", "16:00", "19:00"), quota=100, zodiac_name="ASTRO ZAMORANO"),
    Product(2, "TRIPLE ZULIA", "LOTERÍA DEL ZÚLIA", 1, "lottery", ("12:45", "16:45", "19:05"),
            zodiac_name="ZODÍACO DEL ZULIA"),
    Product(17, "TRIPLE DORADO", "LOTERIA DE GUAYANA", 22, "lottery", ("14:00", "18:00"),
            lists=(1,)),
    Product(6, "LOTTO ACTIVO", "LOTERIA DE CARACAS", 5, "animalitos", ANIMAL_HOURS, lists=()),
)


@dataclass
class Event:
    id: int
    product: Product
    day: date
    hour: str
    list_id: int | None
    at: datetime
    closes: datetime
    result: str | None = None

    @property
    def name(self) -> str:
        if self.list_id == 3 and self.product.zodiac_name:
            return self.product.zodiac_name
        return self.product.name

    def games(self) -> tuple[int, ...]:
        if self.list_id is None:
            return (5,)
        return (3, 4) if self.list_id == 3 else (1, 2)


@dataclass
class Ticket:
    uuid: str
    number: int
    pin: int
    created: int
    wagers: list[dict[str, Any]]
    status: str = "sold"  # sold, canceled, winner, loser, paid
    prize: int = 0
    copied_from: int | None = None

    @property
    def total(self) -> int:
        return sum(w["amount"] for w in self.wagers)


@dataclass
class World:
    tz: ZoneInfo
    products: tuple[Product, ...] = DEFAULT_PRODUCTS
    close_minutes: int = 5
    min_bet: int = 1
    max_bet: int = 99
    amount_multiple: int = 1
    ticket_max_wagers: int = 100
    seconds_to_cancel: int = 180
    events: dict[tuple[int, date, str, int | None], Event] = field(default_factory=dict)
    tickets: list[Ticket] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    _next_event: int = 23000

    def events_on(self, day: date) -> list[Event]:
        out = []
        for product in self.products:
            for hour in product.hours:
                for list_id in product.lists or (None,):
                    key = (product.id, day, hour, list_id)
                    if key not in self.events:
                        self._next_event += 1
                        when = at(day, hour, self.tz)
                        self.events[key] = Event(self._next_event, product, day, hour, list_id,
                                                 when, when - timedelta(minutes=self.close_minutes))
                    out.append(self.events[key])
        return out

    def event(self, event_id: int) -> Event | None:
        return next((e for e in self.events.values() if e.id == event_id), None)

    def valid_plays(self) -> list[tuple[int, str]]:
        plays = [(1, f"{n:03d}") for n in range(1000)] + [(2, f"{n:02d}") for n in range(100)]
        return plays + [(5, n) for n in ANIMALS]

    def valid(self, game_id: int, wager: str) -> bool:
        if game_id == 1:
            return len(wager) == 3 and wager.isdigit()
        if game_id == 2:
            return len(wager) == 2 and wager.isdigit()
        if game_id in (3, 4):
            number, _, sign = wager.partition("-")
            size = 3 if game_id == 3 else 2
            return len(number) == size and number.isdigit() and sign in SIGNS
        return game_id == 5 and wager in ANIMALS

    def new_ticket(self, wagers: list[dict[str, Any]], now: datetime) -> Ticket:
        numbers = {t.number for t in self.tickets}
        number = self.rng.randrange(10_000_000, 99_999_999)
        while number in numbers:
            number = self.rng.randrange(10_000_000, 99_999_999)
        ticket = Ticket(str(uuid.UUID(int=self.rng.getrandbits(128), version=4)), number,
                        self.rng.randrange(10_000_000, 99_999_999), int(now.timestamp()),
                        [{**w, "status": "sold"} for w in wagers])
        self.tickets.append(ticket)
        return ticket

    def sold_on(self, event_id: int, wager: str) -> int:
        return sum(w["amount"] for t in self.tickets if t.status != "canceled"
                   for w in t.wagers if w["event_id"] == event_id and w["wager"] == wager)

    def find(self, number: Any, day: Any = None) -> Ticket | None:
        for ticket in self.tickets:
            if ticket.number == number and (day is None or self.day_of(ticket) == str(day)):
                return ticket
        return None

    def day_of(self, ticket: Ticket) -> str:
        return datetime.fromtimestamp(ticket.created, self.tz).date().isoformat()

    def grade(self, event: Event) -> None:
        for ticket in self.tickets:
            if ticket.status not in ("sold", "winner"):
                continue
            for wager in ticket.wagers:
                if wager["event_id"] != event.id:
                    continue
                game = GAMES[wager["game_id"]]
                won = wins(game, wager["wager"], event.result or "")
                wager["status"] = "winner" if won else "loser"
                if won:
                    ticket.prize += int(wager["amount"] * PAYOUTS[game])
            if all(w["status"] != "sold" for w in ticket.wagers):
                ticket.status = "winner" if ticket.prize else "loser"

    def view(self, ticket: Ticket) -> dict[str, Any]:
        wagers = []
        for w in ticket.wagers:
            event = self.event(w["event_id"])
            assert event is not None
            wagers.append({
                "amount": w["amount"], "current_event_id": event.id, "event_id": event.id,
                "event_name": event.name, "game_id": w["game_id"], "list_id": event.list_id,
                "p_event_time": event.at.strftime("%I:%M %p").lower(), "status": w["status"],
                "wager": w["wager"],
            })
        return {"ticket_number": ticket.number, "pin_number": ticket.pin,
                "num_wagers": len(wagers), "entity_id": 213, "parent_id": 212,
                "entity_name": "test-1", "parent_name": "test", "created_at": ticket.created,
                "wagers": wagers, "amount": ticket.total}

    def summary(self, ticket: Ticket) -> dict[str, Any]:
        return {"id": ticket.uuid, "ticket_number": ticket.number, "created_at": ticket.created,
                "user_id": 864, "email": "taquilla@banklot.net", "status": ticket.status,
                "total": ticket.total, "prize": ticket.prize, "entity_id": 213, "parent_id": 212,
                "entity_name": "test-1", "parent_name": "test"}

    def event_json(self, event: Event, now: datetime) -> dict[str, Any]:
        status = "result" if event.result else ("open" if now < event.closes else "closed")
        item = {
            "id": event.id, "game_product_id": event.product.id, "name": event.name,
            "event_time": event.hour, "event_time_utc": event.at.astimezone(UTC).strftime("%H:%M"),
            "closing_timestamp": {"seconds": int(event.closes.timestamp())},
            "game_category": event.product.category, "status": status,
            "event_timestamp": {"seconds": int(event.at.timestamp())},
            "display_order": event.product.id,
            "event_status": "open" if now < event.closes else "closed",
        }
        if event.list_id is not None:
            item.update({"list": LIST_NAMES[event.list_id], "list_id": event.list_id})
        if event.list_id == 3:
            item["zodiac"] = True
        if event.result is not None:
            item["main_result"] = event.result
        return item
