"""Catalog loading: the corpus format, validated into frozen objects other modules can trust."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lottery.catalog import (
    Catalog,
    CatalogError,
    bundled_catalog_path,
    catalog_from_dict,
    load_catalog,
)

ROOT = Path(__file__).resolve().parents[2]


def raw(market: str = "ve") -> dict:
    return json.loads(bundled_catalog_path(market).read_text(encoding="utf-8"))


def test_bundled_catalogs_load() -> None:
    ve, cr = load_catalog(bundled_catalog_path("ve")), load_catalog(bundled_catalog_path("CR"))
    assert isinstance(ve, Catalog) and ve.market == "VE" and cr.market == "CR"
    assert ve.timezone == ZoneInfo("America/Caracas") and cr.currency == "CRC"
    assert ve.lottery_ids == ("zulia", "zamorano", "caracas", "chance", "tachira", "activo",
                              "granjita")


def test_bundled_copies_match_the_shared_corpus_when_present() -> None:
    shared = ROOT.parent / "shared" / "corpus"
    if not shared.is_dir():
        pytest.skip("no shared corpus beside the repository")
    for market in ("ve", "cr"):
        assert raw(market) == json.loads((shared / f"catalog-{market}.json").read_text())


def test_unknown_market() -> None:
    with pytest.raises(CatalogError):
        bundled_catalog_path("mx")


def test_values_have_their_types() -> None:
    ve = load_catalog(bundled_catalog_path("ve"))
    zulia = ve.lottery("zulia")
    assert zulia.times == (time(12, 45), time(16, 45), time(19, 5))
    assert zulia.timezone is ve.timezone and zulia.close_minutes == 5
    assert ve.tope["triple"] == Decimal("100.00") and ve.limits.min_bet == Decimal("1.00")
    assert ve.limits.max_series == 100 and ve.limits.max_wagers == 100
    assert ve.cancel_seconds == 180 and ve.ticket_expiration_days == 3
    assert ve.commission_percent == Decimal(10) and ve.locale == "es_VE"
    assert zulia.has_game("triple_sign") and not zulia.has_game("animal")


def test_lottery_payouts_override_the_catalogs() -> None:
    ve = load_catalog(bundled_catalog_path("ve"))
    assert ve.lottery("tachira").payouts["triple"] == Decimal(500)
    assert ve.lottery("tachira").payouts["terminal"] == Decimal(50)
    assert ve.lottery("zulia").payouts["triple"] == Decimal(600)
    assert ve.payouts["triple"] == Decimal(600)


def test_days_default_to_every_day() -> None:
    ve = load_catalog(bundled_catalog_path("ve"))
    assert ve.lottery("zulia").days == frozenset(range(1, 8))
    assert 7 not in ve.lottery("tachira").days


def test_animal_lookups() -> None:
    activo = load_catalog(bundled_catalog_path("ve")).lottery("activo")
    assert activo.animal_number("León") == "5"
    assert activo.animal_number("ciempiés") == activo.animal_number("CIEMPIES") == "3"
    assert activo.animal_number("05") == "5" and activo.animal_number("00") == "00"
    assert activo.animal_number("0") == "0" and activo.animal_number("37") is None
    assert activo.animal_names("00") == ("ballena",)
    assert activo.animal_label("3") == "ciempiés" and activo.animal_label("5") == "leon"


def test_catalog_lookup_by_id() -> None:
    ve = load_catalog(bundled_catalog_path("ve"))
    assert ve.lottery("chance").name == "Triple Chance"
    assert ve.get_lottery("nope") is None
    with pytest.raises(KeyError):
        ve.lottery("nope")


def test_frozen() -> None:
    ve = load_catalog(bundled_catalog_path("ve"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        ve.market = "XX"  # type: ignore[misc]
    with pytest.raises(TypeError):
        ve.payouts["triple"] = Decimal(1)  # type: ignore[index]


@pytest.mark.parametrize(("change", "complaint"), [
    (lambda d: d.update(timezone="Mars/Base"), "time zone"),
    (lambda d: d["lotteries"][0].update(times=["25:00"]), "HH:MM"),
    (lambda d: d["lotteries"][0].update(games=["poker"]), "unknown game"),
    (lambda d: d["lotteries"][1].update(id="zulia"), "duplicate"),
    (lambda d: d["lotteries"][1].update(aliases=["zulia"]), "alias"),
    (lambda d: d["lotteries"][5].update(animals="nope"), "animal set"),
    (lambda d: d["lotteries"][0].update(days=[0, 8]), "weekdays"),
    (lambda d: d.update(lotteries=[]), "non-empty"),
    (lambda d: d["limits"].update(min_bet="abc"), "number"),
    (lambda d: d.update(close_minutes="five"), "integer"),
])
def test_invalid_catalogs_say_where(change, complaint: str) -> None:
    data = copy.deepcopy(raw())
    change(data)
    with pytest.raises(CatalogError, match=complaint):
        catalog_from_dict(data)


def test_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogError, match="cannot read"):
        load_catalog(bad)
