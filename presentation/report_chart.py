"""Sales and prizes per day as a bar chart (PNG), for the banca's /ventas report.

Pure: figures in, PNG bytes out; no database, no clock. Two bars a day (sales, prizes) over a
zero-based amount axis with round ticks, dates under the bars, a legend and a title. Amounts and
dates are written by Babel in the reader's style (``language`` "es" reads the market's es_VE /
es_CR numbers, "en" reads English), and every word goes through gettext.

Readable on a phone: Telegram shows a photo at the screen's width, so the picture is about 1000
px wide with large type; more days make the bars denser first, then the picture wider (up to
``MAX_WIDTH``), never the type smaller. Money stays Decimal; floats appear only as pixel
positions.

Fonts come from ``presentation.ticket_image`` (DejaVu Sans when the machine has it, else Pillow's
bundled font with text spelled in the characters it has).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal

from PIL import Image, ImageDraw, ImageFont

from lottery.i18n import _
from presentation.formatting import Formatter
from presentation.ticket import in_language
from presentation.ticket_image import Typeface, _wrap, default_typeface

MIN_WIDTH = 1000
MAX_WIDTH = 1280
HEIGHT = 760
SLOT = 64  # preferred pixels per day: more days widen the picture up to MAX_WIDTH, then pack
MARGIN = 28
PLOT_TOP = 190
SUBTITLE_LINE = 32  # pixels a wrapped subtitle line takes (26 px type)
PLOT_BOTTOM_ROOM = 130  # below the plot: two lines of dates and the axis title
BACKGROUND = (255, 255, 255)
INK = (33, 33, 33)
GRID = (225, 225, 225)
MUTED = (110, 110, 110)
# Blue and orange: told apart by every common form of colour blindness.
SALES_COLOR = (31, 119, 180)
PRIZES_COLOR = (230, 120, 20)
TARGET_TICKS = 5
MAX_BAR = 96  # a week or less: bars stay bars, not blocks
MIN_BAR_HEIGHT = 5  # a small amount is still there to see


@dataclass(frozen=True)
class DayBar:
    """One day of the chart: what was sold and what those sales won."""

    day: date
    sales: Decimal
    prizes: Decimal


def render_report_chart(
    bars: Sequence[DayBar],
    currency: str,
    *,
    language: str,
    market_locale: str,
    subtitle: str = "",
    typeface: Typeface | None = None,
) -> bytes:
    """The chart as PNG bytes. ``bars`` are consecutive days (days without sales included, so
    the time axis is even); ``subtitle`` is a line under the title (period, who)."""
    if not bars:
        raise ValueError("a chart needs at least one day")
    face = typeface or default_typeface()
    # the chart has no clock of its own: its days are plain dates
    fmt = Formatter.of(language, market_locale, currency, UTC)
    with in_language(language):
        image = _Chart(face, fmt, list(bars), subtitle).draw()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def nice_scale(top: Decimal, ticks: int = TARGET_TICKS) -> tuple[Decimal, Decimal]:
    """``(step, axis_top)``: a 1-2-5 step giving at most ``ticks`` intervals up to ``top``."""
    if top <= 0:
        return Decimal(1), Decimal(1)
    raw = top / ticks
    base = Decimal(1).scaleb(raw.adjusted())
    step = next(base * m for m in (1, 2, 5, 10) if base * m >= raw)
    count = math.ceil(top / step)
    return step, step * count


def chart_width(days: int) -> int:
    """Wider with more days, between ``MIN_WIDTH`` and ``MAX_WIDTH`` (then the bars get thinner)."""
    return max(MIN_WIDTH, min(MAX_WIDTH, 220 + days * SLOT))


class _Chart:
    def __init__(self, face: Typeface, fmt: Formatter, bars: list[DayBar], subtitle: str) -> None:
        self.face = face
        self.fmt = fmt
        self.bars = bars
        self.subtitle = subtitle
        self.width = chart_width(len(bars))
        #: the subtitle in lines that fit the picture; each line past the first moves the
        #: legend and the plot down, so nothing is cut at the right edge
        self.subtitle_lines = (
            _wrap(face.printable(subtitle), self.font(26), self.width - 2 * MARGIN, "la")
            if subtitle else [])
        self.shift = SUBTITLE_LINE * max(0, len(self.subtitle_lines) - 1)
        self.plot_top = PLOT_TOP + self.shift
        top = max(max(b.sales for b in bars), max(b.prizes for b in bars))
        self.step, self.top = nice_scale(top)

    def font(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        return self.face.font(size, bold=bold)

    def text(self, value: str) -> str:
        return self.face.printable(value)

    def number(self, value: Decimal) -> str:
        return self.fmt.number(value, "#,##0.##")

    def draw(self) -> Image.Image:
        image = Image.new("RGB", (self.width, HEIGHT), BACKGROUND)
        draw = ImageDraw.Draw(image)
        self._heading(draw)
        left = self._y_axis(image, draw)
        self._bars(draw, left)
        return image

    # --- pieces ------------------------------------------------------------------------------

    def _heading(self, draw: ImageDraw.ImageDraw) -> None:
        draw.text((MARGIN, 22), self.text(_("Sales and prizes per day")), fill=INK,
                  font=self.font(38, bold=True))
        for i, line in enumerate(self.subtitle_lines):
            draw.text((MARGIN, 74 + SUBTITLE_LINE * i), line, fill=MUTED, font=self.font(26))
        x = MARGIN
        font = self.font(26)
        for label, color in ((_("Sales"), SALES_COLOR), (_("Prizes"), PRIZES_COLOR)):
            draw.rectangle((x, 126 + self.shift, x + 26, 152 + self.shift), fill=color)
            x += 36
            label = self.text(label)
            draw.text((x, 139 + self.shift), label, fill=INK, font=font, anchor="lm")
            x += int(font.getlength(label)) + 40

    def _plot_bottom(self) -> int:
        return HEIGHT - PLOT_BOTTOM_ROOM

    def _y(self, value: Decimal) -> float:
        bottom, top = self._plot_bottom(), self.plot_top
        return bottom - float(value / self.top) * (bottom - top)

    def _y_axis(self, image: Image.Image, draw: ImageDraw.ImageDraw) -> int:
        """Grid lines and amounts; returns the plot's left edge."""
        font = self.font(24)
        ticks = [self.step * i for i in range(int(self.top / self.step) + 1)]
        labels = [self.text(self.number(t)) for t in ticks]
        title_room = 44
        left = MARGIN + title_room + max(int(font.getlength(s)) for s in labels) + 14
        right = self.width - MARGIN
        for tick, label in zip(ticks, labels, strict=True):
            y = self._y(tick)
            draw.line((left, y, right, y), fill=INK if tick == 0 else GRID, width=2)
            draw.text((left - 10, y), label, fill=INK, font=font, anchor="rm")
        title = self.text(_("Amount ({currency})").format(currency=self.fmt.symbol()))
        self._vertical_text(image, title, MARGIN, (self.plot_top + self._plot_bottom()) // 2)
        return left

    def _vertical_text(self, image: Image.Image, text: str, x: int, center_y: int) -> None:
        font = self.font(24)
        left, top, right, bottom = font.getbbox(text)
        label = Image.new("RGB", (right - left + 4, bottom - top + 4), BACKGROUND)
        ImageDraw.Draw(label).text((2 - left, 2 - top), text, fill=INK, font=font)
        rotated = label.rotate(90, expand=True)
        image.paste(rotated, (x, max(self.plot_top, center_y - rotated.height // 2)))

    def _bars(self, draw: ImageDraw.ImageDraw, left: int) -> None:
        right = self.width - MARGIN
        slot = (right - left) / len(self.bars)
        bar = min(MAX_BAR, max(2.0, slot * 0.4))
        gap = min(12.0, max(1.0, slot * 0.04))
        bottom = self._plot_bottom()
        value_font = self.font(20)
        values = [v for day in self.bars for v in (day.sales, day.prizes) if v > 0]
        labels = self._value_labels(values, value_font, bar + gap)
        for i, day in enumerate(self.bars):
            center = left + slot * (i + 0.5)
            drawn = [(day.sales, SALES_COLOR, center - gap / 2 - bar),
                     (day.prizes, PRIZES_COLOR, center + gap / 2)]
            for value, color, x0 in drawn:
                if value <= 0:
                    continue
                y = self._y(value)
                draw.rectangle((x0, min(y, bottom - MIN_BAR_HEIGHT), x0 + bar, bottom), fill=color)
                if labels:
                    draw.text((x0 + bar / 2, y - 4), labels[value], fill=INK, font=value_font,
                              anchor="md")
        self._dates(draw, left, slot)

    def _value_labels(
        self, values: list[Decimal], font: ImageFont.FreeTypeFont, room: float
    ) -> dict[Decimal, str]:
        """Amounts to print over the bars: exact when they all fit, else compact (``1,2 K``),
        else none (some labelled and some not would mislead)."""
        cents = any(v != v.to_integral_value() for v in values)
        exact = "#,##0.00" if cents else "#,##0"

        def money(value: Decimal) -> str:
            return self.fmt.number(value, exact)

        for spell in (money, self.fmt.compact):
            labels = {v: self.text(spell(v)) for v in values}
            if all(font.getlength(s) <= room for s in labels.values()):
                return labels
        return {}

    def _dates(self, draw: ImageDraw.ImageDraw, left: int, slot: float) -> None:
        font = self.font(22)
        labels = [self.text(self.fmt.short_date(b.day)) for b in self.bars]
        widest = max(font.getlength(s) for s in labels)
        every = max(1, math.ceil((widest + 14) / slot))
        weekdays = every == 1
        y = self._plot_bottom() + 10
        for i in range(0, len(self.bars), every):
            center = left + slot * (i + 0.5)
            if weekdays:
                weekday = self.text(self.fmt.weekday(self.bars[i].day))
                draw.text((center, y), weekday, fill=MUTED, font=font, anchor="ma")
            draw.text((center, y + (30 if weekdays else 0)), labels[i], fill=INK, font=font,
                      anchor="ma")
        axis = self.text(_("Day"))
        draw.text(((left + self.width - MARGIN) / 2, HEIGHT - 34), axis, fill=INK,
                  font=self.font(24), anchor="ms")
