"""The sales-and-prizes chart: a real PNG whose bars follow the figures, readable at phone size."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from PIL import Image

from presentation.report_chart import (
    HEIGHT,
    MAX_WIDTH,
    MIN_WIDTH,
    PLOT_BOTTOM_ROOM,
    PLOT_TOP,
    PRIZES_COLOR,
    SALES_COLOR,
    DayBar,
    chart_width,
    nice_scale,
    render_report_chart,
)
from presentation.ticket_image import Typeface

FIRST = date(2026, 11, 23)


def week(sales: list[str], prizes: list[str] | None = None) -> list[DayBar]:
    prizes = prizes or ["0"] * len(sales)
    return [DayBar(FIRST + timedelta(days=i), Decimal(s), Decimal(p))
            for i, (s, p) in enumerate(zip(sales, prizes, strict=True))]


def render(bars: list[DayBar], **kwargs: object) -> Image.Image:
    png = render_report_chart(bars, "VES", language="es", market_locale="es_VE",
                              subtitle="Luis (@luis) · 23 – 29 de nov. de 2026", **kwargs)  # type: ignore[arg-type]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    return image.convert("RGB")


def runs(image: Image.Image, y: int, color: tuple[int, int, int]) -> list[tuple[int, int]]:
    """Horizontal runs of ``color`` on row ``y``: (start, end) pixel columns."""
    found: list[tuple[int, int]] = []
    start = None
    for x in range(image.width + 1):
        inside = x < image.width and image.getpixel((x, y)) == color
        if inside and start is None:
            start = x
        elif not inside and start is not None:
            found.append((start, x - 1))
            start = None
    return found


def bar_top(image: Image.Image, x: int, color: tuple[int, int, int]) -> int:
    """The highest row of the bar through column ``x``."""
    bottom = HEIGHT - PLOT_BOTTOM_ROOM - 3
    y = bottom
    while y > PLOT_TOP - 20 and image.getpixel((x, y - 1)) == color:
        y -= 1
    return y


BASELINE = HEIGHT - PLOT_BOTTOM_ROOM - 3  # a row just above the zero line


def test_a_week_is_a_phone_sized_png_with_a_bar_per_sale() -> None:
    image = render(week(["120.50", "0", "300", "45", "0", "80", "10"],
                        ["0", "0", "900", "0", "0", "0", "5"]))
    assert image.size == (MIN_WIDTH, HEIGHT)
    assert len(image.getcolors(maxcolors=1 << 16) or []) > 10  # text, bars, grid: not blank
    sales = runs(image, BASELINE, SALES_COLOR)
    prizes = runs(image, BASELINE, PRIZES_COLOR)
    assert len(sales) == 5  # the two quiet days have no bar
    assert len(prizes) == 2
    # Taller for more: 300 over 120.50 over 45; the 900 prize is the tallest bar of all.
    tops = [bar_top(image, (a + b) // 2, SALES_COLOR) for a, b in sales]
    assert tops[1] < tops[0] < tops[2]
    assert bar_top(image, sum(prizes[0]) // 2, PRIZES_COLOR) < min(tops)
    # Each prize bar stands right of its day's sales bar.
    assert sales[1][1] < prizes[0][0] < sales[2][0]


def test_bar_heights_are_proportional() -> None:
    image = render(week(["100", "200", "400"]))
    zero = HEIGHT - PLOT_BOTTOM_ROOM
    heights = [zero - bar_top(image, (a + b) // 2, SALES_COLOR)
               for a, b in runs(image, BASELINE, SALES_COLOR)]
    assert heights[1] == pytest.approx(2 * heights[0], abs=3)
    assert heights[2] == pytest.approx(4 * heights[0], abs=3)


def test_more_days_make_it_wider_then_denser() -> None:
    month = render([DayBar(FIRST + timedelta(days=i), Decimal(10 + i), Decimal(0))
                    for i in range(31)])
    quarter = render([DayBar(FIRST + timedelta(days=i), Decimal(10 + i), Decimal(0))
                      for i in range(93)])
    assert MIN_WIDTH < month.width <= quarter.width == MAX_WIDTH
    assert len(runs(month, BASELINE, SALES_COLOR)) == 31
    assert len(runs(quarter, BASELINE, SALES_COLOR)) == 93
    widths = [b - a + 1 for a, b in runs(quarter, BASELINE, SALES_COLOR)]
    assert min(widths) >= 2  # thin, but every day still visible
    assert chart_width(1) == MIN_WIDTH


def test_no_prizes_no_orange_in_the_plot() -> None:
    image = render(week(["5", "6"]))
    plot = image.crop((0, PLOT_TOP, image.width, HEIGHT - PLOT_BOTTOM_ROOM))
    assert PRIZES_COLOR not in {c for _n, c in plot.getcolors(maxcolors=1 << 16) or []}


def test_the_readers_language_changes_the_words() -> None:
    bars = week(["1234.56", "10"])
    spanish = render_report_chart(bars, "VES", language="es", market_locale="es_VE")
    english = render_report_chart(bars, "VES", language="en", market_locale="es_VE")
    assert spanish != english


def test_without_dejavu_the_bundled_font_still_draws() -> None:
    image = render(week(["1", "2"]), typeface=Typeface())
    assert len(runs(image, BASELINE, SALES_COLOR)) == 2


def test_a_chart_needs_a_day() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        render_report_chart([], "VES", language="es", market_locale="es_VE")


@pytest.mark.parametrize(("top", "step", "axis"), [
    ("4713.5", "1000", "5000"),
    ("100", "20", "100"),
    ("0.3", "0.1", "0.3"),
    ("999999", "200000", "1000000"),
    ("0", "1", "1"),
])
def test_round_ticks(top: str, step: str, axis: str) -> None:
    assert nice_scale(Decimal(top)) == (Decimal(step), Decimal(axis))
