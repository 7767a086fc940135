"""Soportex's sorteos and simbolos in every shape its document allows (it gives only their URLs)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.plays import Wager
from providers.soportex.board import read_board, sign_code

VE = load_catalog(bundled_catalog_path("ve"))
TODAY = date(2024, 10, 22)
ITEMS = [
    {"codigo": "Z2A", "producto": "Z", "nombreProducto": "TRIPLE ZULIA", "hora": "16:45",
     "sorteo": "A"},
    {"codigo": "Z2C", "producto": "Z", "nombreProducto": "TRIPLE ZULIA", "hora": "16:45",
     "sorteo": "C"},
]
SHAPES = {
    "object with fecha": {"fecha": "2024-10-22", "sorteos": ITEMS},
    "object without fecha": {"respuesta": "0", "sorteos": ITEMS},
    "object, other key": {"data": ITEMS},
    "a JSON list": ITEMS,
    "English names, 12-hour clock, parts from the code": [
        {"code": "Z2A", "name": "Triple Zulia", "time": "04:45 PM"},
        {"code": "Z2C", "name": "Triple Zulia", "time": "04:45 PM"}],
}
SIGNS = {
    "names in capitals": [{"grupo": "SIGNOS", "codigo": "ARI", "nombre": "ARIES"}],
    "names in title case": [{"grupo": "SIGNOS", "codigo": "1", "nombre": "Aries"}],
    "codes 01-12": {"simbolos": [{"grupo": "SIGNOS", "codigo": "01", "nombre": "ARI"}]},
    "nothing": None,
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("signs", list(SIGNS))
def test_every_shape_gives_zulia_and_its_astral_play(shape: str, signs: str) -> None:
    board = read_board(VE, SHAPES[shape], SIGNS[signs], TODAY)
    zulia = board.catalog.lottery("zulia")
    assert {"triple", "triple_sign"} <= set(zulia.games)
    draw = datetime.combine(TODAY, datetime.strptime("16:45", "%H:%M").time(),
                            tzinfo=zulia.timezone)
    wager = Wager("zulia", draw, "triple_sign", "123", "ARI", 1)
    assert board.sorteo_for(wager) is not None and board.sorteo_for(wager).codigo == "Z2C"
    assert board.numero(wager) == "123-ARI"
    assert board.wager({"codigo": "Z2C", "numero": "123-01", "monto": "1.00"}, TODAY).sign == "ARI"


def test_nothing_readable_is_an_error_for_the_draws_file_to_answer() -> None:
    with pytest.raises(ValueError):
        read_board(VE, {"respuesta": "0", "mensaje": "ok"}, None, TODAY)


@pytest.mark.parametrize("text", ["ARI", "ari", "Aries", "ARIES", "01", "1"])
def test_a_sign_in_any_spelling(text: str) -> None:
    assert sign_code(text) == "ARI"
