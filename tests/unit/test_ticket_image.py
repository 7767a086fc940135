"""The ticket picture (presentation.ticket_image): a valid receipt PNG whose QR carries the payload.

No QR decoder is a dependency, so the QR is checked by sampling every module of the PNG and
comparing it with the matrix ``qrcode`` builds for the payload (and not for another one); when a
decoder (zxing-cpp or pyzbar) is importable, the PNG is also decoded for real.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import qrcode
from PIL import Image, ImageChops, ImageDraw

from lottery.ticket_signature import parse_payload, sign
from presentation.ticket import TicketLine, TicketView
from presentation.ticket_image import (
    QR_BORDER,
    QR_ERROR_CORRECTION,
    QR_MASK,
    WIDTH,
    Typeface,
    _Page,
    clear_text_cache,
    default_typeface,
    render_ticket,
    render_ticket_png,
)

CARACAS = ZoneInfo("America/Caracas")
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=CARACAS)
KEY = b"test key"
SPANISH_SAMPLE = "Táchira · León · Ciempiés · ¿Año? · Ñandú · ₡1 000,00"


def ticket(lines: int = 5, **changes: object) -> TicketView:
    kinds = [
        ("Triple Zamorano", "triple_sign", "123", "ARI", None),
        ("Triple Táchira", "terminal", "07", None, None),
        ("Lotto Activo", "animal", "3", None, "Ciempiés"),
        ("Triple Zulia", "triple", "456", None, None),
        ("Triple Caracas", "terminal_sign", "45", "SAG", None),
    ]
    wagers = tuple(
        TicketLine(lottery_name=name, draw_at=NOON + timedelta(hours=i % 3), game=game,
                   number=number, sign=sign_code, animal=animal, amount=Decimal("5.50"))
        for i, (name, game, number, sign_code, animal) in (
            (i, kinds[i % len(kinds)]) for i in range(lines)
        )
    )
    view = TicketView(
        brand="Taquilla La Suerte", serial="7K3M9Q2PXD", pin="01234567",
        issued_at=datetime(2026, 11, 23, 13, 30, tzinfo=UTC), timezone=CARACAS,
        currency="VES", market_locale="es_VE", customer_name="Ana Pérez", lines=wagers,
        total=sum((w.amount for w in wagers), Decimal(0)),
        cancel_deadline=datetime(2026, 11, 23, 13, 33, tzinfo=UTC),
    )
    return replace(view, **changes)


def payload_for(view: TicketView) -> str:
    return sign(KEY, view.serial, view.total, view.currency)


def png(view: TicketView, language: str = "es") -> Image.Image:
    data = render_ticket_png(view, language, payload_for(view))
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG"
    return image


def test_a_receipt_wide_png_black_on_white() -> None:
    image = png(ticket())
    assert image.width == WIDTH == 576
    gray = image.convert("L")
    histogram = gray.histogram()
    pixels = image.width * image.height
    assert sum(histogram[:64]) > pixels * 0.05  # text and QR
    assert sum(histogram[250:]) > pixels * 0.6  # paper
    assert gray.getpixel((0, 0)) == 255


def test_four_greys_keep_the_upload_small() -> None:
    """Black, white and two anti-aliasing steps, two bits a pixel: a typical ticket stays a
    small upload on a seller's mobile data."""
    data = render_ticket_png(ticket(), "es", payload_for(ticket()))
    image = Image.open(io.BytesIO(data))
    greys = {level for _count, level in image.convert("L").getcolors() or []}
    assert greys == {0, 85, 170, 255}
    assert len(data) < 25_000


def test_more_wagers_make_a_longer_ticket() -> None:
    assert png(ticket(50)).height > png(ticket(5)).height + 45 * 20


def test_the_pin_is_printed_only_when_present() -> None:
    assert png(ticket()).height > png(ticket(pin=None)).height


def _qr_modules(image: Image.Image, box: tuple[int, int, int, int], size: int) -> list[list[bool]]:
    left, top, right, bottom = box
    assert right - left == bottom - top
    step = (right - left) / size
    assert step == int(step) and step >= 4, "modules must be whole pixels, big enough to scan"
    gray = image.convert("L")
    return [
        [gray.getpixel((int(left + (c + 0.5) * step), int(top + (r + 0.5) * step))) < 128
         for c in range(size)]
        for r in range(size)
    ]


def _expected_matrix(payload: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION, border=QR_BORDER,
                         mask_pattern=QR_MASK)
    code.add_data(payload)
    code.make(fit=True)
    return code.get_matrix()


@pytest.mark.parametrize("state", ["sold", "winner"])
def test_the_qr_in_the_png_is_the_payloads_code(state: str) -> None:
    view = ticket(state=state)
    payload = payload_for(view)
    assert parse_payload(payload) == ("7K3M9Q2PXD", payload.rsplit(":", 1)[1])
    box = render_ticket(view, "es", payload).qr_box
    image = png(view)
    expected = _expected_matrix(payload)
    assert _qr_modules(image, box, len(expected)) == expected
    other = _expected_matrix(sign(KEY, "7K3M9Q2PXE", view.total, view.currency))
    assert _qr_modules(image, box, len(other)) != other


def test_the_qr_is_decoded_back_to_the_payload() -> None:
    view = ticket()
    image = png(view).convert("L")
    try:
        import zxingcpp  # type: ignore[import-not-found]
    except ImportError:
        zxingcpp = None
    if zxingcpp is not None:
        texts = [r.text for r in zxingcpp.read_barcodes(image)]
    else:
        pyzbar = pytest.importorskip("pyzbar.pyzbar", reason="no QR decoder installed")
        texts = [r.data.decode() for r in pyzbar.decode(image)]
    assert texts == [payload_for(view)]


def _stamp_ink(image: Image.Image) -> int:
    histogram = image.convert("L").histogram()
    return sum(histogram[80:101])


@pytest.mark.parametrize("state", ["void", "paid", "winner"])
def test_void_paid_and_winning_tickets_carry_a_stamp(state: str) -> None:
    sold = _stamp_ink(png(ticket(pin=None)))
    stamped = _stamp_ink(png(ticket(state=state, pin=None)))
    assert stamped > sold + 2000


@pytest.mark.parametrize("state", ["loser", "expired", "pending"])
def test_other_states_have_no_stamp(state: str) -> None:
    assert _stamp_ink(png(ticket(state=state, pin=None))) < _stamp_ink(
        png(ticket(state="void", pin=None))
    ) - 2000


def test_spanish_and_colon_glyphs_are_real_in_the_chosen_font() -> None:
    face = default_typeface()
    if face.regular is None:
        pytest.skip("no DejaVu Sans on this machine: the bundled ASCII font is in use")
    assert all(face.has_glyph(c) for c in "áéíóúÁÉÍÓÚñÑüÜ¿¡₡·")
    assert face.printable(SPANISH_SAMPLE) == SPANISH_SAMPLE


def test_the_bundled_font_spells_what_it_cannot_draw_instead_of_boxes() -> None:
    face = Typeface()
    assert not face.has_glyph("ñ")  # Pillow's bundled font is ASCII only
    shown = face.printable("Táchira ¿Año? ₡1\xa0000,00")
    assert shown == "Tachira Ano? CRC 1 000,00"
    assert all(c.isascii() or face.has_glyph(c) for c in face.printable(SPANISH_SAMPLE))


def test_a_ticket_renders_with_the_bundled_font_too() -> None:
    view = ticket()
    rendered = render_ticket(view, "es", payload_for(view), Typeface())
    assert rendered.image.width == WIDTH
    expected = _expected_matrix(payload_for(view))
    assert _qr_modules(rendered.image, rendered.qr_box, len(expected)) == expected


def test_long_names_wrap_inside_the_paper() -> None:
    long_name = "Lotería Extraordinaria de la Gran Sabana y los Llanos Centrales " * 2
    view = ticket(1, customer_name=long_name)
    image = png(view)
    gray = image.convert("L")
    margin_columns = [gray.crop((x, 0, x + 1, image.height)).getextrema()[0] for x in (0, 575)]
    assert margin_columns == [255, 255]
    assert image.height > png(ticket(1)).height


def test_the_text_cache_never_changes_the_picture() -> None:
    view = ticket(customer_name="José Ñáñez", state="winner")
    payload = payload_for(view)
    clear_text_cache()
    cold = render_ticket_png(view, "es", payload)
    for other in (ticket(3), ticket(7, state="void"), ticket(2, customer_name="Ana")):
        render_ticket_png(other, "en", payload_for(other))
    assert render_ticket_png(view, "es", payload) == cold


@pytest.mark.parametrize("face", [default_typeface(), Typeface()], ids=["default", "bundled"])
@pytest.mark.parametrize("anchor", ["la", "ma", "ra"])
def test_text_lands_where_pillow_would_draw_it(face: Typeface, anchor: str) -> None:
    """Cached lines are pasted at the pixels Pillow's own ``draw.text`` would cover."""
    x = {"la": 24, "ma": 288, "ra": 552}[anchor]
    texts = ["Total: Bs. 1.234,50", "Triple Táchira · lun, 23 nov, 1:00 p. m.", "₡1 000,00"]
    page = _Page(face)
    reference = Image.new("L", (WIDTH, 200), 255)
    draw = ImageDraw.Draw(reference)
    for i, text in enumerate(texts):
        font = face.font(22 + 4 * i, bold=i == 1)
        shown = face.printable(text)
        page._text((x, 10 + 60 * i), shown, font, anchor)
        draw.text((x, 10 + 60 * i), shown, fill=0, font=font, anchor=anchor)
    page.y = 200
    drawn = page.draw()
    assert drawn.getextrema()[0] == 0  # something was drawn
    assert ImageChops.difference(drawn, reference).getbbox() is None
