"""One catalog lookup: ``Catalog.lottery`` for this catalog's own ids, ``Catalog.get_lottery`` for
ids that may not be its own and for what people type (ids or aliases, case and accents ignored)."""

from __future__ import annotations

from datetime import datetime

import pytest

from lottery.catalog import bundled_catalog_path, load_catalog
from services.draw_list import read_draws_query
from services.exposure import read_risk_query
from services.results import read_query

VE = load_catalog(bundled_catalog_path("ve"))
NOW = datetime.fromisoformat("2026-11-22T12:42:00-04:00")  # Caracas


@pytest.mark.parametrize(
    ("typed", "lottery_id"),
    [
        ("tachira", "tachira"),
        ("Táchira", "tachira"),
        ("TRIPLE  TÁCHIRA", "tachira"),
        ("tz", "zulia"),
        ("Lotto Activo", "activo"),
        ("La Granjita", "granjita"),
    ],
)
def test_get_lottery_reads_ids_and_aliases_as_people_type_them(typed: str, lottery_id: str) -> None:
    found = VE.get_lottery(typed)
    assert found is not None and found.id == lottery_id


def test_an_unknown_name_is_none_and_an_unknown_id_a_key_error() -> None:
    assert VE.get_lottery("quiniela") is None
    assert VE.get_lottery("") is None
    assert VE.lottery("zulia").name == "Triple Zulia"
    with pytest.raises(KeyError):
        VE.lottery("Zulia")  # the strict lookup takes ids only


@pytest.mark.parametrize("typed", ["triple táchira", "TACHIRA"])
def test_every_command_finds_the_lottery_the_same_way(typed: str) -> None:
    """/resultados, /sorteos and /riesgo read a lottery's name through the one lookup."""
    results = read_query(VE, f"{typed} ayer", NOW)
    draws = read_draws_query(VE, typed, NOW)
    risk = read_risk_query(VE, typed, NOW)
    assert results.problem is None
    assert {q.lottery.id if q.lottery else None for q in (results, draws, risk)} == {"tachira"}
