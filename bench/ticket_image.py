"""Ticket picture speed: a typical ticket (5 wagers) and a large one (50), PNG bytes included.

Run: ``.venv/bin/python bench/ticket_image.py [--seconds S]``. Target: ``image_ms`` under 15.

Every picture is a different ticket, as in a booth: a new serial, PIN, sale minute, customer,
numbers and stakes each time (drawn from a seeded generator, so runs are comparable). Rendering
the same ticket over and over would flatter the text cache of ``presentation.ticket_image``; what
repeats here is what repeats in real sales (brand, lotteries, draw times, game names, common
stakes). Figures are medians over a warm process; ``cold`` clears the text cache before every
picture (a process's first tickets). The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.ticket_codes import new_pin, new_serial
from lottery.ticket_signature import sign
from presentation.labels import animal_name
from presentation.ticket import TicketLine, TicketView
from presentation.ticket_image import clear_text_cache, default_typeface, render_ticket_png

KEY = b"bench key"
PLAYS = (  # lottery, game, digits of the number (0: an animal), with a sign
    ("zamorano", "triple_sign", 3, True),
    ("tachira", "terminal", 2, False),
    ("activo", "animal", 0, False),
    ("zulia", "triple", 3, False),
    ("caracas", "terminal_sign", 2, True),
)
STAKES = ("1.00", "2.00", "2.50", "5.00", "10.00", "20.00", "50.00", "100.00", "1234.50")
SIGNS = ("ARI", "TAU", "GEM", "CAN", "LEO", "VIR", "LIB", "ESC", "SAG", "CAP", "ACU", "PIS")
CUSTOMERS = ("Ana Pérez", "José Ñáñez", "María", "Luis Rodríguez", None)
CATALOG = load_catalog(bundled_catalog_path("ve"))


def sample_ticket(wagers: int, rng: random.Random) -> TicketView:
    """A plausible Venezuelan ticket sold on 23 Nov 2026 between 8 a.m. and noon."""
    sold_at = datetime(2026, 11, 23, 12, 0, tzinfo=UTC) + timedelta(minutes=rng.randrange(240))
    noon = datetime(2026, 11, 23, 12, 0, tzinfo=CATALOG.timezone)
    lines = []
    for i in range(wagers):
        lottery_id, game, digits, signed = PLAYS[i % len(PLAYS)]
        lottery = CATALOG.lottery(lottery_id)
        if digits:
            number = f"{rng.randrange(10**digits):0{digits}d}"
            animal = None
        else:
            number = rng.choice(sorted(lottery.animals))
            animal = animal_name(lottery.animals, number) or None
        lines.append(TicketLine(
            lottery_name=lottery.name, draw_at=noon + timedelta(hours=(i // len(PLAYS)) % 6),
            game=game, number=number, sign=rng.choice(SIGNS) if signed else None,
            amount=Decimal(rng.choice(STAKES)), animal=animal,
        ))
    return TicketView(
        brand="Taquilla La Suerte", serial=new_serial(), pin=new_pin(), issued_at=sold_at,
        timezone=CATALOG.timezone, currency=CATALOG.currency, market_locale=CATALOG.locale,
        customer_name=rng.choice(CUSTOMERS), seller_name="Pedro", lines=tuple(lines),
        total=sum((x.amount for x in lines), Decimal(0)),
        cancel_deadline=sold_at + timedelta(seconds=CATALOG.cancel_seconds),
    )


def measure(
    wagers: int, seconds: float, *, before_each: Callable[[], None] | None = None
) -> tuple[float, float, int]:
    """Median and 95th percentile in ms, and the median PNG size, over ``seconds`` of tickets."""
    rng = random.Random(wagers)
    tickets = [sample_ticket(wagers, rng) for _ in range(200)]
    payloads = [sign(KEY, t.serial, t.total, t.currency) for t in tickets]
    for ticket, payload in zip(tickets[:20], payloads[:20], strict=True):  # warm up
        render_ticket_png(ticket, "es", payload)
    times: list[float] = []
    sizes: list[int] = []
    deadline = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < deadline or len(times) < 20:
        ticket, payload = tickets[i % len(tickets)], payloads[i % len(tickets)]
        i += 1
        if before_each is not None:
            before_each()
        start = time.perf_counter()
        data = render_ticket_png(ticket, "es", payload)
        times.append((time.perf_counter() - start) * 1000)
        sizes.append(len(data))
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], int(
        statistics.median(sizes)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="per figure (default 1.5)")
    args = parser.parse_args()
    print(f"font: {default_typeface().name}")
    typical_ms, typical_p95, typical_bytes = measure(5, args.seconds)
    print(f"5 wagers:  median {typical_ms:.2f} ms, p95 {typical_p95:.2f} ms, {typical_bytes} bytes")
    cold_ms, cold_p95, _size = measure(5, args.seconds, before_each=clear_text_cache)
    print(f"5 wagers, cold text cache: median {cold_ms:.2f} ms, p95 {cold_p95:.2f} ms")
    large_ms, large_p95, large_bytes = measure(50, args.seconds)
    print(f"50 wagers: median {large_ms:.2f} ms, p95 {large_p95:.2f} ms, {large_bytes} bytes")
    print(f"image_ms={typical_ms:.2f} image_50_ms={large_ms:.2f} png_bytes={typical_bytes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
