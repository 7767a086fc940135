"""Ticket picture speed: a typical ticket (5 wagers) and a large one (50), PNG bytes included.

Run: ``.venv/bin/python bench/ticket_image.py``. Target: ``image_ms`` under 15 (median of a
warm process; the first picture also loads fonts). The last line is machine-readable.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.labels import animal_name
from lottery.ticket import TicketLine, TicketView
from lottery.ticket_image import default_typeface, render_ticket_png
from lottery.ticket_signature import sign

KEY = b"bench key"
PLAYS = (  # lottery, game, number, sign, amount
    ("zamorano", "triple_sign", "123", "ARI", "5.00"),
    ("tachira", "terminal", "07", None, "1234.50"),
    ("activo", "animal", "3", None, "20.00"),
    ("zulia", "triple", "456", None, "10.00"),
    ("caracas", "terminal_sign", "45", "SAG", "2.50"),
)


def sample_ticket(wagers: int) -> TicketView:
    catalog = load_catalog(bundled_catalog_path("ve"))
    noon = datetime(2026, 11, 23, 12, 0, tzinfo=catalog.timezone)
    lines = []
    for i in range(wagers):
        lottery_id, game, number, sign_code, amount = PLAYS[i % len(PLAYS)]
        lottery = catalog.lottery(lottery_id)
        lines.append(TicketLine(
            lottery_name=lottery.name, draw_at=noon + timedelta(hours=(i // len(PLAYS)) % 6),
            game=game, number=number, sign=sign_code, amount=Decimal(amount),
            animal=(animal_name(lottery.animals, number) or None) if game == "animal" else None,
        ))
    return TicketView(
        brand="Taquilla La Suerte", serial="7K3M9Q2PXD", pin="01234567",
        issued_at=datetime(2026, 11, 23, 13, 30, tzinfo=UTC), timezone=catalog.timezone,
        currency=catalog.currency, market_locale=catalog.locale, customer_name="Ana Pérez",
        seller_name="Pedro", lines=tuple(lines), total=sum((x.amount for x in lines), Decimal(0)),
        cancel_deadline=datetime(2026, 11, 23, 13, 33, tzinfo=UTC),
    )


def measure(ticket: TicketView, seconds: float) -> tuple[float, float, int]:
    """Median and 95th percentile in ms, and the PNG size, over ``seconds`` of renders."""
    payload = sign(KEY, ticket.serial, ticket.total, ticket.currency)
    data = render_ticket_png(ticket, "es", payload)  # warm: fonts, glyph checks
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 20:
        start = time.perf_counter()
        render_ticket_png(ticket, "es", payload)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(data)


def main() -> int:
    print(f"font: {default_typeface().name}")
    typical_ms, typical_p95, typical_bytes = measure(sample_ticket(5), 1.5)
    print(f"5 wagers:  median {typical_ms:.2f} ms, p95 {typical_p95:.2f} ms, {typical_bytes} bytes")
    large_ms, large_p95, large_bytes = measure(sample_ticket(50), 1.5)
    print(f"50 wagers: median {large_ms:.2f} ms, p95 {large_p95:.2f} ms, {large_bytes} bytes")
    print(f"image_ms={typical_ms:.2f} image_50_ms={large_ms:.2f} png_bytes={typical_bytes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
