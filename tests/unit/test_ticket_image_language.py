"""What the ticket picture says (issue #18, item 11): flags and emoji the font cannot draw are
left out instead of drawn as «??»; a reprint says REIMPRESIÓN on the picture."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PIL import Image, ImageChops

from presentation.ticket_image import (
    _TO_GREY_INDEX,
    GREYS,
    WIDTH,
    Typeface,
    _Page,
    default_typeface,
    render_ticket,
)
from tests.unit.test_ticket_image import payload_for, ticket

FACES = pytest.mark.parametrize("face", [default_typeface(), Typeface()],
                                ids=["default", "bundled"])


@FACES
def test_a_flag_in_the_brand_is_left_out_not_drawn_as_question_marks(face: Typeface) -> None:
    assert face.printable("Taquilla 🇻🇪 La Suerte") == "Taquilla La Suerte"
    assert face.printable("⭐️ Ana 🍀") == "Ana"
    plain, flagged = ticket(), ticket(brand="Taquilla 🇻🇪 La Suerte")
    drawn = render_ticket(flagged, "es", payload_for(flagged), face).image
    expected = render_ticket(plain, "es", payload_for(plain), face).image
    assert ImageChops.difference(drawn, expected).getbbox() is None  # the same picture


@FACES
def test_letters_the_font_lacks_are_still_spelled_not_dropped(face: Typeface) -> None:
    assert face.printable("Táchira ₡5").replace("CRC ", "₡") in ("Táchira ₡5", "Tachira ₡5")


def line_pixels(text: str, face: Typeface) -> bytes:
    """The rows a centred bold 24 px line of ``text`` takes on the ticket, in the PNG's few
    greys."""
    page = _Page(face)
    page.centered(text, size=24, bold=True)
    return page.draw().point(lambda v: GREYS[_TO_GREY_INDEX[v]]).tobytes()


def shows_line(picture: Image.Image, text: str, face: Typeface) -> bool:
    """Whether ``picture`` holds the line ``text`` drawn as the ticket draws it."""
    strip = line_pixels(text, face)
    rows = len(strip) // WIDTH
    data = picture.convert("L").point(lambda v: GREYS[_TO_GREY_INDEX[v]]).tobytes()
    return any(data[y * WIDTH:(y + rows) * WIDTH] == strip
               for y in range(picture.height - rows + 1))


@FACES
def test_a_reprint_says_so_on_the_picture_in_the_readers_language(face: Typeface) -> None:
    original = ticket(pin=None)
    again = replace(original, reprint=True)
    spanish = render_ticket(again, "es", payload_for(again), face).image
    assert shows_line(spanish, "REIMPRESIÓN", face)
    assert shows_line(render_ticket(again, "en", payload_for(again), face).image, "REPRINT", face)
    first = render_ticket(original, "es", payload_for(original), face).image
    assert not shows_line(first, "REIMPRESIÓN", face)
