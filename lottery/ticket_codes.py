"""Ticket serials and PINs, shared by the booth and the house provider.

Serials use an alphabet without look-alikes (no 0/O, 1/I/L) because people read them aloud and
type them from paper. The 8-digit PIN collects the prize; it is shown to the buyer and stored only
as HMAC-SHA256(server secret, salt + PIN): without the secret a stolen database cannot be
brute-forced offline (10⁸ PINs would fall to a slow hash too), and checking one costs microseconds,
which matters on the sale path.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

SERIAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SERIAL_LENGTH = 10
PIN_DIGITS = 8


def new_serial() -> str:
    """10 characters from 31: about 8·10¹⁴ serials, so a collision is rare (and retried)."""
    return "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(SERIAL_LENGTH))


def normalize_serial(text: str) -> str:
    """What a person types (spaces, dashes, lower case) → the stored serial."""
    return "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())


def format_serial(serial: str) -> str:
    """Groups of 5 for reading aloud: 7K3M9-Q2PXD."""
    return "-".join(serial[i : i + 5] for i in range(0, len(serial), 5))


def new_pin() -> str:
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


@dataclass(frozen=True)
class PinHasher:
    secret: bytes

    def hash(self, pin: str) -> str:
        salt = secrets.token_hex(8)
        return f"h1${salt}${self._digest(salt, pin)}"

    def verify(self, pin: str, stored: str) -> bool:
        try:
            scheme, salt, digest = stored.split("$")
        except ValueError:
            return False
        return scheme == "h1" and hmac.compare_digest(self._digest(salt, pin.strip()), digest)

    def _digest(self, salt: str, pin: str) -> str:
        return hmac.new(self.secret, (salt + pin).encode(), hashlib.sha256).hexdigest()
