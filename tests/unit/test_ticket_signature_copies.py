"""A QR text whose signature lost or gained a character still names its ticket (so /verificar
can say the copy was altered), while it never verifies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lottery.ticket_signature import parse_payload, payload_serial, sign, verify

KEY = b"0123456789abcdef0123456789abcdef"
SERIAL = "7K3M9Q2PXD"
TOTAL = Decimal("1272.00")
GENUINE = sign(KEY, SERIAL, TOTAL, "VES")


@pytest.mark.parametrize(
    "copy",
    [GENUINE[:-1], GENUINE + "A", GENUINE + "2B", GENUINE[:-10], GENUINE.rsplit(":", 1)[0] + ":",
     f"/verificar {GENUINE[:-1].lower()}", f"TQ1 : 7K3M9-Q2PXD : {GENUINE[-25:]}"],
)
def test_a_copy_with_a_signature_not_whole_names_its_serial_and_fails(copy: str) -> None:
    assert payload_serial(copy) == SERIAL
    assert parse_payload(copy) is None
    assert not verify(KEY, copy, TOTAL, "VES")


def test_the_genuine_payload_names_the_same_serial() -> None:
    assert payload_serial(GENUINE) == SERIAL == parse_payload(GENUINE)[0]  # type: ignore[index]


@pytest.mark.parametrize("text", ["", "7K3M9-Q2PXD", "hola", "TQ2:7K3M9Q2PXD:ABC",
                                  "TQ1:7K3M9Q2PXD", "TQ1::ABC"])
def test_text_not_shaped_like_a_payload_names_no_serial(text: str) -> None:
    assert payload_serial(text) is None
