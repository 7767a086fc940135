"""What the ticket picture says (issue #18, item 11): flags and emoji the font cannot draw are
left out instead of drawn as «??»."""

from __future__ import annotations

import pytest
from PIL import ImageChops

from presentation.ticket_image import Typeface, default_typeface, render_ticket
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
