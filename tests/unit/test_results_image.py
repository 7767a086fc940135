from __future__ import annotations

import io

from PIL import Image

from presentation.results_image import WIDTH, render_results_png


def _image(rows: int) -> Image.Image:
    data = [(f"{h}:00 p. m.", f"{h}{h}{h} Acuario") for h in range(1, rows + 1)]
    return Image.open(io.BytesIO(render_results_png("Resultados de Triple Zulia", "lun, 23 nov.",
                                                     data, latest=rows - 1)))


def test_the_day_of_results_is_a_png_that_grows_with_each_draw() -> None:
    one, three = _image(1), _image(3)
    assert one.format == "PNG" and one.width == WIDTH
    assert three.height > one.height
    assert one.convert("L").getextrema()[0] < 64  # there is dark text on it
