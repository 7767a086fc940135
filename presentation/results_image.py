"""A lottery's results of the day as a PNG, sent with each results broadcast."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw

from presentation.ticket_image import Typeface, default_typeface

WIDTH = 576
MARGIN = 28
ROW = 44


def render_results_png(
    title: str, subtitle: str, rows: Sequence[tuple[str, str]], *, latest: int | None = None,
    typeface: Typeface | None = None,
) -> bytes:
    """``rows`` are (draw time, result) in draw order; ``latest`` (an index) is drawn in bold."""
    face = typeface or default_typeface()
    height = MARGIN * 2 + 90 + ROW * max(len(rows), 1)
    image = Image.new("L", (WIDTH, height), 255)
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), face.printable(title), font=face.font(32, bold=True), fill=0)
    draw.text((MARGIN, MARGIN + 44), face.printable(subtitle), font=face.font(22), fill=80)
    y = MARGIN + 90
    draw.line((MARGIN, y - 8, WIDTH - MARGIN, y - 8), fill=0, width=2)
    for index, (when, result) in enumerate(rows):
        bold = index == latest
        draw.text((MARGIN, y), face.printable(when), font=face.font(26, bold=bold), fill=0)
        draw.text((MARGIN + 190, y), face.printable(result), font=face.font(26, bold=bold),
                  fill=0)
        y += ROW
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
