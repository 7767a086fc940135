"""The QR payload TQ1:<serial>:<signature>: genuine tickets verify, anything altered does not."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lottery.ticket_codes import SERIAL_ALPHABET, SERIAL_LENGTH, new_serial
from lottery.ticket_signature import parse_payload, sign, verify

KEY = b"0123456789abcdef0123456789abcdef"
SERIAL = "7K3M9Q2PXD"
TOTAL = Decimal("1272.00")
QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def genuine() -> str:
    return sign(KEY, SERIAL, TOTAL, "VES")


def test_a_genuine_ticket_verifies() -> None:
    assert verify(KEY, genuine(), TOTAL, "VES")


def test_payload_is_short_and_fits_the_qr_alphanumeric_mode() -> None:
    payload = genuine()
    assert re.fullmatch(r"TQ1:7K3M9Q2PXD:[A-Z2-7]{26}", payload)
    assert set(payload) <= QR_ALPHANUMERIC


def test_the_amount_is_compared_by_value_not_by_how_it_is_written() -> None:
    assert sign(KEY, SERIAL, Decimal("15"), "VES") == sign(KEY, SERIAL, Decimal("15.00"), "VES")
    assert verify(KEY, sign(KEY, SERIAL, Decimal("15"), "VES"), Decimal("15.00"), "VES")


def test_the_printed_serial_with_its_dash_signs_the_same() -> None:
    assert sign(KEY, "7K3M9-Q2PXD", TOTAL, "VES") == genuine()


@pytest.mark.parametrize(
    ("total", "currency"),
    [(Decimal("1272.01"), "VES"), (Decimal("12720.00"), "VES"), (Decimal("1272.00"), "CRC")],
)
def test_a_forged_amount_or_currency_fails(total: Decimal, currency: str) -> None:
    assert not verify(KEY, genuine(), total, currency)


def test_a_genuine_signature_on_another_serial_fails() -> None:
    signature = genuine().rsplit(":", 1)[1]
    assert not verify(KEY, f"TQ1:7K3M9Q2PXE:{signature}", TOTAL, "VES")


def test_another_key_fails() -> None:
    assert not verify(b"another key", genuine(), TOTAL, "VES")


def test_a_truncated_signature_is_not_a_payload() -> None:
    assert parse_payload(genuine()[:-1]) is None
    assert not verify(KEY, genuine()[:-1], TOTAL, "VES")


def test_a_signature_with_extra_characters_fails() -> None:
    assert not verify(KEY, genuine() + "A", TOTAL, "VES")


@pytest.mark.parametrize("position", [0, 7, 25])
def test_one_altered_signature_character_fails(position: int) -> None:
    head, signature = genuine().rsplit(":", 1)
    swapped = "B" if signature[position] != "B" else "C"
    altered = signature[:position] + swapped + signature[position + 1 :]
    assert not verify(KEY, f"{head}:{altered}", TOTAL, "VES")


def test_an_amount_with_impossible_decimals_fails_instead_of_raising() -> None:
    assert not verify(KEY, genuine(), Decimal("1272.001"), "VES")


@pytest.mark.parametrize(
    "pasted",
    [
        lambda p: p.lower(),
        lambda p: f"  {p}\n",
        lambda p: f"{p[:20]}\n{p[20:]}",
        lambda p: " ".join(p),
        lambda p: p.replace("7K3M9Q2PXD", "7k3m9-q2pxd"),
        lambda p: f"/verificar {p}",
        lambda p: f"Mi ticket: {p} gracias",
    ],
)
def test_payloads_are_recognised_however_they_are_pasted(pasted) -> None:  # type: ignore[no-untyped-def]
    text = pasted(genuine())
    assert parse_payload(text) == (SERIAL, genuine().rsplit(":", 1)[1])
    assert verify(KEY, text, TOTAL, "VES")


@pytest.mark.parametrize("text", ["", "hola", "7K3M9-Q2PXD", "TQ1::AAAAAAAAAAAAAAAAAAAAAAAAAA",
                                  "TQ2:7K3M9Q2PXD:AAAAAAAAAAAAAAAAAAAAAAAAAA"])
def test_other_text_is_not_a_payload(text: str) -> None:
    assert parse_payload(text) is None
    assert not verify(KEY, text, TOTAL, "VES")


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        sign(b"", SERIAL, TOTAL, "VES")


@given(
    st.text(alphabet=SERIAL_ALPHABET, min_size=SERIAL_LENGTH, max_size=SERIAL_LENGTH),
    st.integers(min_value=1, max_value=10**12),
    st.sampled_from(["VES", "CRC"]),
    st.integers(min_value=1, max_value=10**6),
)
def test_any_ticket_round_trips_and_any_other_amount_fails(
    serial: str, minor: int, currency: str, delta: int
) -> None:
    total = Decimal(minor).scaleb(-2)
    payload = sign(KEY, serial, total, currency)
    assert parse_payload(payload) == (serial, payload.rsplit(":", 1)[1])
    assert verify(KEY, payload, total, currency)
    assert not verify(KEY, payload, total + Decimal(delta).scaleb(-2), currency)


def test_serials_from_the_booth_are_signed_distinctly() -> None:
    serials = {new_serial() for _ in range(20)}
    payloads = {sign(KEY, s, TOTAL, "VES").rsplit(":", 1)[1] for s in serials}
    assert len(payloads) == len(serials)
