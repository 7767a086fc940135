"""The ticket as a receipt picture: 576 px wide (an 80 mm thermal printer's dots), black on white.

The QR carries the signed payload (``lottery.ticket_signature``), so a printed or forwarded ticket
can be checked by scanning it. Everything a person reads comes from the same ``Formatter`` as the
text message, so the picture and the message never disagree.

Fonts: nothing is guaranteed on a server. Pillow's bundled scalable font covers ASCII only
(accents, ñ, ¿ and ₡ come out as empty boxes), so a DejaVu Sans found on the machine is preferred;
without one the bundled font is used and text it cannot draw is spelled with the letters it has
(``Táchira`` → ``Tachira``, ``₡`` → ``CRC``) rather than boxes.

Speed: fonts, glyph checks and stamps are cached, and so is every line of text once drawn (most
of a ticket repeats from one sale to the next: the brand, lotteries and draw times, game names,
common stakes, the PIN notice), so a new ticket only rasterises what is new on it. The page is
measured first and drawn once on a canvas of the right height; PNG compression is kept light (the
picture is mostly white, so level 1 is already small and several times faster than the default)
and unfiltered (see below).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import qrcode
import qrcode.constants
from PIL import Image, ImageChops, ImageDraw, ImageFont

from lottery.i18n import _
from lottery.ticket_codes import format_serial
from presentation.ticket import Formatter, TicketView, group_lines, in_language

WIDTH = 576
MARGIN = 24
PNG_COMPRESS_LEVEL = 1
# QR: medium error correction survives smudged thermal paper; 8 px modules (1 mm at 203 dpi) and
# the standard 4-module quiet zone are what phone cameras read at arm's length.
QR_ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QR_BOX = 8
QR_BORDER = 4
# A fixed mask: decoders read the mask from the code itself, so any of the eight is valid; letting
# qrcode score all eight (its default, to avoid finder-like patterns) costs ~3.5 ms a ticket,
# a quarter of the time budget.
QR_MASK = 0
STAMPED_STATES = frozenset({"void", "paid", "winner"})
# Lines of text kept rendered: a masked line is a few KB, so this is a few MB at most.
TEXT_CACHE_SIZE = 2048
# The picture is stored in four greys, two bits a pixel: white, two steps of anti-aliasing and
# black. On a phone that reads as smooth as 256 greys (a thermal printer has only black), and the
# PNG is 2.7 times smaller (17 KB for five wagers, was 46) and faster to make and to upload.
GREYS = (255, 170, 85, 0)
_TO_GREY_INDEX = [min(range(len(GREYS)), key=lambda i, v=v: abs(GREYS[i] - v)) for v in range(256)]
_GREY_PALETTE = bytes(level for level in GREYS for _rgb in range(3))

# (regular, bold) DejaVu Sans where distributions install it (Debian's fonts-dejavu-core, …).
FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
)

# What to write when the font lacks a character and it has no accent to drop.
_SPELLED = {"₡": "CRC ", "¿": "", "¡": "", "—": "-", "–": "-", "…": "...", "·": "-", "€": "EUR "}
_MISSING = "\U0010fffd"  # a private-use code point no font has: it draws the "missing" box
# Left out when the font cannot draw them: symbols (emoji, the regional indicators a flag is
# made of), combining marks (U+FE0F, a skin tone) and format characters (the emoji joiner).
_LEFT_OUT = frozenset({"So", "Mn", "Me", "Cf", "Sk"})


class Typeface:
    """A regular and a bold face (files, or Pillow's bundled font when ``None``)."""

    def __init__(self, regular: str | None = None, bold: str | None = None) -> None:
        self.regular = regular
        self.bold = bold or regular
        self._fonts: dict[tuple[int, bool], ImageFont.FreeTypeFont] = {}
        self._chars: dict[str, str] = {}

    @property
    def name(self) -> str:
        return self.regular or "Pillow bundled font"

    def font(self, size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
        key = (size, bold)
        if key not in self._fonts:
            path = self.bold if bold else self.regular
            if path is None:
                self._fonts[key] = ImageFont.load_default(size=size)  # type: ignore[assignment]
            else:
                self._fonts[key] = ImageFont.truetype(
                    path, size, layout_engine=ImageFont.Layout.BASIC
                )
        return self._fonts[key]

    def has_glyph(self, char: str) -> bool:
        """Whether the faces draw ``char`` as itself rather than as the missing-glyph box."""
        for font in {self.font(20), self.font(20, bold=True)}:
            mask, missing = font.getmask(char), font.getmask(_MISSING)
            if mask.size == missing.size and bytes(mask) == bytes(missing):
                return False
        return True

    def printable(self, text: str) -> str:
        """``text`` spelled with characters this typeface has (unchanged for DejaVu)."""
        if text.isascii():
            return text
        shown = "".join(self._char(c) for c in text)
        if len(shown) < len(text):  # an emoji left out: no doubled or trailing space for it
            shown = " ".join(part for part in shown.split(" ") if part)
        return shown

    def _char(self, char: str) -> str:
        if char not in self._chars:
            self._chars[char] = self._substitute(char)
        return self._chars[char]

    def _substitute(self, char: str) -> str:
        if char in "\ufe0e\ufe0f":
            return ""  # text or emoji presentation: nothing to draw on paper
        if char.isascii() or self.has_glyph(char):
            return char
        if unicodedata.category(char) == "Zs":
            return " "
        if char in _SPELLED:
            return _SPELLED[char]
        if unicodedata.category(char) in _LEFT_OUT:
            return ""  # a flag or an emoji (🇻🇪 would come out as "??"), or its joiners
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn"
        )
        if base and all(c.isascii() or self.has_glyph(c) for c in base):
            return base
        return "?"


@cache
def default_typeface() -> Typeface:
    """DejaVu Sans when the machine has it, else Pillow's bundled font (ASCII only)."""
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file():
            return Typeface(regular, bold if Path(bold).is_file() else None)
    return Typeface()


@dataclass(frozen=True)
class Rendered:
    """The picture and where its QR code is (image pixels, quiet zone included)."""

    image: Image.Image
    qr_box: tuple[int, int, int, int]


def render_ticket_png(ticket: TicketView, language: str, qr_payload: str) -> bytes:
    """The ticket picture as PNG bytes, ready to send as a photo or to print."""
    image = render_ticket(ticket, language, qr_payload).image
    # An indexed PNG, not a greyscale one: Pillow filters every row of a greyscale PNG (trying
    # five filters a row), which costs more than the compression; an indexed one is unfiltered.
    indexed = image.point(_TO_GREY_INDEX)
    indexed = Image.frombuffer("P", image.size, indexed.tobytes(), "raw", "P", 0, 1)
    indexed.putpalette(_GREY_PALETTE)
    buffer = io.BytesIO()
    indexed.save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def render_ticket(
    ticket: TicketView, language: str, qr_payload: str, typeface: Typeface | None = None
) -> Rendered:
    face = typeface or default_typeface()
    with in_language(language):
        page = _Page(face)
        qr_box = _compose(page, ticket, Formatter(ticket, language), qr_payload)
    return Rendered(page.draw(), qr_box)


def qr_image(payload: str) -> Image.Image:
    """The QR code from ``qrcode`` as a greyscale Pillow image, quiet zone included.

    The module matrix (quiet zone included) becomes one pixel per module, scaled up without
    smoothing: the same picture as ``qrcode``'s own Pillow factory, which draws every module as
    a rectangle and takes a few times longer.
    """
    code = qrcode.QRCode(
        error_correction=QR_ERROR_CORRECTION, box_size=QR_BOX, border=QR_BORDER,
        mask_pattern=QR_MASK,
    )
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    side = len(matrix)
    modules = bytes(0 if dark else 255 for row in matrix for dark in row)
    return Image.frombytes("L", (side, side), modules).resize(
        (side * QR_BOX, side * QR_BOX), Image.Resampling.NEAREST
    )


def _compose(
    page: _Page, ticket: TicketView, fmt: Formatter, payload: str
) -> tuple[int, int, int, int]:
    """Lays the ticket out on ``page``; returns the QR's box."""
    page.gap(MARGIN)
    page.centered(ticket.brand, size=36, bold=True)
    page.gap(6)
    page.centered(_("Serial: {serial}").format(serial=format_serial(ticket.serial)),
                  size=28, bold=True)
    page.centered(_("Date: {when}").format(when=fmt.when(ticket.issued_at, year=True)), size=20)
    if ticket.reprint:
        page.centered(_("REPRINT"), size=24, bold=True)
    if ticket.customer_name:
        page.left(_("Customer: {name}").format(name=ticket.customer_name), size=20)
    if ticket.seller_name:
        page.left(_("Seller: {name}").format(name=ticket.seller_name), size=20)
    if ticket.provider_ref:
        page.left(_("Provider ref.: {ref}").format(ref=ticket.provider_ref), size=20)
    if ticket.state != "sold" and ticket.state not in STAMPED_STATES:
        page.centered(_("State: {state}").format(state=fmt.state().upper()), size=24, bold=True)
    page.rule()
    lines_top = page.y
    for group in group_lines(ticket):
        page.gap(4)
        page.left(fmt.draw_header(group), size=22, bold=True)
        for line in group.lines:
            number, extra = fmt.wager(line)
            label = f"{number} {extra}".strip() + f" · {fmt.game(line)}"
            page.split(label, fmt.money(line.amount), size=22)
            if line.prize:
                page.right(_("Prize: {amount}").format(amount=fmt.money(line.prize)),
                           size=20, bold=True)
        page.gap(4)
    if ticket.state in STAMPED_STATES:
        page.stamp(fmt.state().upper(), lines_top, page.y)
    page.rule()
    page.right(_("Total: {amount}").format(amount=fmt.money(ticket.total)), size=30, bold=True)
    page.rule()
    qr_box = page.qr(payload)
    if ticket.pin:
        page.centered(_("PIN: {pin}").format(pin=ticket.pin), size=30, bold=True)
        page.centered(_("Keep your PIN: you need it to collect a prize."), size=18)
    deadline = fmt.deadline()
    if deadline:
        page.gap(4)
        page.centered(deadline, size=20)
    page.gap(MARGIN)
    return qr_box


@dataclass
class _Page:
    """Measures as it goes, then draws everything on one canvas of the final height."""

    face: Typeface
    y: int = 0
    ops: list[Callable[[Image.Image, ImageDraw.ImageDraw], None]] = field(default_factory=list)

    def gap(self, pixels: int) -> None:
        self.y += pixels

    def _font(self, size: int, bold: bool) -> ImageFont.FreeTypeFont:
        return self.face.font(size, bold=bold)

    def _advance(self, font: ImageFont.FreeTypeFont) -> int:
        ascent, descent = font.getmetrics()
        return ascent + descent + 4

    def _lines(
        self, text: str, font: ImageFont.FreeTypeFont, width: int, anchor: str
    ) -> list[str]:
        return _wrap(self.face.printable(text), font, width, anchor)

    def left(self, text: str, *, size: int, bold: bool = False) -> None:
        self._block(text, size, bold, anchor="la", x=MARGIN)

    def right(self, text: str, *, size: int, bold: bool = False) -> None:
        self._block(text, size, bold, anchor="ra", x=WIDTH - MARGIN)

    def centered(self, text: str, *, size: int, bold: bool = False) -> None:
        self._block(text, size, bold, anchor="ma", x=WIDTH // 2)

    def _block(self, text: str, size: int, bold: bool, *, anchor: str, x: int) -> None:
        font = self._font(size, bold)
        for line in self._lines(text, font, WIDTH - 2 * MARGIN, anchor):
            self._text((x, self.y), line, font, anchor)
            self.y += self._advance(font)

    def split(self, label: str, amount: str, *, size: int) -> None:
        """A wager: what was played on the left (wrapping if long), the amount on the right."""
        font = self._font(size, False)
        amount = self.face.printable(amount)
        room = WIDTH - 2 * MARGIN - _ink(font, amount, "ra").advance - 16
        self._text((WIDTH - MARGIN, self.y), amount, font, "ra")
        for line in self._lines(label, font, room, "la"):
            self._text((MARGIN, self.y), line, font, "la")
            self.y += self._advance(font)

    def _text(
        self, xy: tuple[int, int], text: str, font: ImageFont.FreeTypeFont, anchor: str
    ) -> None:
        """Black ``text`` with its top at ``y``; ``x`` is its left (``la``), middle (``ma``) or
        right (``ra``) end, like Pillow's anchors."""
        ink = _ink(font, text, anchor)
        corner = (xy[0] + ink.dx, xy[1] + ink.dy)
        self.ops.append(lambda img, _draw: img.paste(0, corner, ink.mask))

    def rule(self) -> None:
        y = self.y + 8
        self.ops.append(
            lambda _img, draw: draw.line((MARGIN, y, WIDTH - MARGIN, y), fill=0, width=2)
        )
        self.y += 18

    def qr(self, payload: str) -> tuple[int, int, int, int]:
        code = qr_image(payload)
        x, y = (WIDTH - code.width) // 2, self.y
        self.ops.append(lambda img, _draw: img.paste(code, (x, y)))
        self.y += code.height
        return x, y, x + code.width, y + code.height

    def stamp(self, text: str, top: int, bottom: int) -> None:
        """A rubber stamp across the wagers, grey so the wagers under it stay readable."""
        mark = _stamp(self.face, self.face.printable(text))
        if bottom - top < mark.height:  # a short ticket: make room rather than cover the total
            bottom = top + mark.height
        x, y = (WIDTH - mark.width) // 2, (top + bottom - mark.height) // 2

        def press(img: Image.Image, _draw: ImageDraw.ImageDraw) -> None:
            box = (x, y, x + mark.width, min(img.height, y + mark.height))
            region = img.crop(box)
            img.paste(ImageChops.darker(region, mark.crop((0, 0, *region.size))), box[:2])

        self.ops.append(press)
        self.y = max(self.y, bottom)

    def draw(self) -> Image.Image:
        image = Image.new("L", (WIDTH, self.y), 255)
        draw = ImageDraw.Draw(image)
        for op in self.ops:
            op(image, draw)
        return image


@dataclass(frozen=True)
class _Ink:
    """A line of text rasterised once: its coverage mask (255 = black), where the mask sits
    from the anchor point, and how far the pen moves over the text (for layout)."""

    mask: Image.Image
    dx: int
    dy: int
    advance: int


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def _ink(font: ImageFont.FreeTypeFont, text: str, anchor: str) -> _Ink:
    # Pillow's own text drawing, once, into a mask; pasting black through it at any whole-pixel
    # anchor point gives the same pixels as drawing black text on white there (the anchor
    # stays part of the key: a centred line can start half a pixel in). ``lru_cache`` is
    # thread-safe, and pictures are drawn in worker threads.
    left, top, right, bottom = font.getbbox(text, anchor=anchor)
    left, top = int(left), int(top)
    mask = Image.new("L", (max(1, int(right) - left), max(1, int(bottom) - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, fill=255, font=font, anchor=anchor)
    return _Ink(mask, left, top, round(font.getlength(text)))


def clear_text_cache() -> None:
    """Forget every rendered line (benchmarks of a cold process; fonts stay loaded)."""
    _ink.cache_clear()


_STAMP_CACHE: dict[tuple[str, str], Image.Image] = {}


def _stamp(face: Typeface, text: str) -> Image.Image:
    key = (face.name, text)
    if key not in _STAMP_CACHE:
        font = face.font(64, bold=True)
        left, top, right, bottom = font.getbbox(text)
        pad = 18
        mark = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 255)
        draw = ImageDraw.Draw(mark)
        draw.rectangle((0, 0, mark.width - 1, mark.height - 1), outline=90, width=6)
        draw.text((pad - left, pad - top), text, fill=90, font=font)
        _STAMP_CACHE[key] = mark.rotate(12, resample=Image.Resampling.BICUBIC, expand=True,
                                        fillcolor=255)
    return _STAMP_CACHE[key]


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, anchor: str) -> list[str]:
    """Word wrap to ``width`` pixels; a single word wider than that is cut where it must be."""
    # The usual case: the line fits, and it is drawn next with this anchor (one cache entry).
    if _ink(font, text, anchor).advance <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while font.getlength(word) > width:
            cut = max(1, next(
                (i for i in range(len(word), 0, -1) if font.getlength(word[:i]) <= width), 1
            ))
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines
