"""The /ventas chart's subtitle (issue #18, item 11): a long one wraps inside the picture
instead of being cut at its right edge."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.i18n import gettext
from presentation.formatting import Formatter
from presentation.report_chart import BACKGROUND, MARGIN, MUTED, render_report_chart
from tests.unit.test_report_chart import week

VE = load_catalog(bundled_catalog_path("ve"))


def _week_subtitle() -> str:
    """What `/ventas semana` puts under the title for the banca's admin, in Spanish."""
    period = Formatter.for_reader("es", VE).period(date(2026, 11, 23), date(2026, 11, 29))
    return f"{gettext('All sales: sellers and direct player sales', 'es')} · {period}"


def _chart(subtitle: str) -> Image.Image:
    bars = week(["120", "80", "95", "150", "60", "30", "110"])
    png = render_report_chart(bars, "VES", language="es", market_locale="es_VE",
                              subtitle=subtitle)
    return Image.open(io.BytesIO(png)).convert("RGB")


def _muted_rows(image: Image.Image) -> list[int]:
    return [y for y in range(60, 200)
            if any(image.getpixel((x, y)) == MUTED for x in range(image.width))]


def test_the_week_subtitle_stays_inside_the_picture() -> None:
    image = _chart(_week_subtitle())
    edge = range(image.width - MARGIN // 2, image.width)
    for y in range(60, 200):  # heading band: nothing reaches the right edge
        assert all(image.getpixel((x, y)) == BACKGROUND for x in edge), y


def test_a_long_subtitle_takes_a_second_line_a_short_one_does_not() -> None:
    long_rows, short_rows = _muted_rows(_chart(_week_subtitle())), _muted_rows(_chart("Luis"))
    assert max(long_rows) - min(long_rows) > 32  # two lines of 26 px type
    assert max(short_rows) - min(short_rows) < 32
