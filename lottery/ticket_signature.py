"""The QR's proof that a ticket is ours: ``TQ1:<serial>:<signature>``.

The signature is HMAC-SHA256, keyed by the server's ticket secret, over the serial, the total in
integer minor units and the currency: change any of them (a reprint with a bigger amount, another
serial on a genuine signature) and it no longer verifies.

Why 16 bytes (128 bits) of the MAC is enough: truncating HMAC keeps its security at the length
kept (RFC 2104 §5, NIST SP 800-107 §5.3.3). A forger without the key can only guess, and every
guess has to be shown to us (the bot or a seller checking it) to learn whether it worked: one
chance in 2¹²⁸ per try, with no offline test possible. 128 bits is twice NIST's floor for MACs and
keeps the QR small (base32 of 16 bytes is 26 characters).

Everything in the payload (A–Z, 2–7, digits, ``:``) is in the QR's alphanumeric set, which stores
5.5 bits a character instead of 8, so a 41-character payload fits a version-3 code (29×29) with
medium error correction: big modules, easy for a phone camera, even from thermal paper.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from decimal import Decimal

from lottery.money import to_minor
from lottery.ticket_codes import normalize_serial

PREFIX = "TQ1"
SIGNATURE_BYTES = 16
SIGNATURE_LENGTH = 26  # base32 characters for 16 bytes, without the "======" padding

# A payload in upper-cased text; a signature running into more letters or digits is not one.
_PAYLOAD = re.compile(
    rf"{PREFIX}\s*:\s*([A-Z0-9-]{{1,40}})\s*:\s*([A-Z2-7]{{{SIGNATURE_LENGTH}}})(?![A-Z0-9])"
)
# The same shape whatever follows the serial: a signature cut short, run on or retyped.
_SHAPE = re.compile(rf"{PREFIX}\s*:\s*([A-Z0-9-]{{1,40}})\s*:")


def signature(secret: bytes, serial: str, total: Decimal, currency: str) -> str:
    """The 26-character signature of a ticket (serial as printed or typed: dashes are ignored).

    The total enters as integer minor units, so ``10`` and ``10.00`` sign alike while ``10.01``
    does not; an amount with more decimals than the currency has raises ``ValueError``.
    """
    if not secret:
        raise ValueError("the ticket secret is empty")
    message = "\x1f".join(
        (PREFIX, normalize_serial(serial), str(to_minor(total, currency)), currency.upper())
    ).encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.b32encode(digest).decode().rstrip("=")


def sign(secret: bytes, serial: str, total: Decimal, currency: str) -> str:
    """The QR payload for a ticket: ``TQ1:7K3M9Q2PXD:<26 base32 characters>``."""
    return f"{PREFIX}:{normalize_serial(serial)}:{signature(secret, serial, total, currency)}"


def parse_payload(text: str) -> tuple[str, str] | None:
    """``(serial, signature)`` from a payload as people paste it, or ``None``.

    Scanner apps and chats add spaces, line breaks, lower case, dashes in the serial or words
    around it; all of that is tolerated. A signature cut short is not.
    """
    upper = text.upper()
    # As written (words around it stay apart), then with every space and line break removed
    # (a payload typed from paper or wrapped by a chat comes in pieces).
    match = _PAYLOAD.search(upper) or _PAYLOAD.search("".join(upper.split()))
    if match is None:
        return None
    serial = normalize_serial(match.group(1))
    if not serial:
        return None
    return serial, match.group(2)


def payload_serial(text: str) -> str | None:
    """The serial a text shaped like a payload names, whether or not its signature is whole.

    A copy whose signature lost or gained a character is not a payload (``parse_payload``), but
    it still names a ticket: checking it must say the copy was altered, not that no ticket has
    that serial.
    """
    upper = text.upper()
    match = _SHAPE.search(upper) or _SHAPE.search("".join(upper.split()))
    if match is None:
        return None
    return normalize_serial(match.group(1)) or None


def verify(secret: bytes, payload: str, total: Decimal, currency: str) -> bool:
    """Whether the payload was signed by us for this ticket's serial, total and currency.

    The caller looks the ticket up by the payload's serial and passes its stored total and
    currency; the comparison takes constant time.
    """
    parsed = parse_payload(payload)
    if parsed is None:
        return False
    serial, claimed = parsed
    try:
        expected = signature(secret, serial, total, currency)
    except ValueError:
        return False
    return hmac.compare_digest(expected, claimed)
