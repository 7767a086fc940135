"""Which control applies: the most specific tope, blocks by draw, day or until unblocked, and
the catalog the overrides make; the admin's words read as plays write them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.control_input import ControlInputError, read_amount, read_scope
from lottery.controls import Control, Controls, Kind, effective_catalog

VE = load_catalog(bundled_catalog_path("ve"))
NOW = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)  # 09:30 in Caracas, a Monday
FOUR = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # Zamorano's 4 pm draw
DAY = FOUR.astimezone(VE.timezone).date()


def test_the_most_specific_tope_wins_whatever_the_order() -> None:
    controls = Controls((1, 0), (
        Control(5, Kind.TOPE, "zamorano", "triple", "555", FOUR, amount=10),
        Control(1, Kind.TOPE, None, None, None, amount=50),
        Control(2, Kind.TOPE, "zamorano", None, None, amount=40),
        Control(3, Kind.TOPE, "zamorano", "triple", None, amount=30),
        Control(4, Kind.TOPE, "zamorano", "triple", "555", amount=20),
    ))
    tope = controls.tope
    assert tope("zamorano", "triple", "555", FOUR, DAY).amount == 10  # type: ignore[union-attr]
    later = FOUR + timedelta(hours=3)
    assert tope("zamorano", "triple", "555", later, DAY).amount == 20  # type: ignore[union-attr]
    assert tope("zamorano", "triple", "556", later, DAY).amount == 30  # type: ignore[union-attr]
    assert tope("zamorano", "terminal", "56", later, DAY).amount == 40  # type: ignore[union-attr]
    assert tope("zulia", "triple", "555", later, DAY).amount == 50  # type: ignore[union-attr]


def test_a_block_covers_its_draw_its_day_or_every_draw() -> None:
    controls = Controls((1, 0), (
        Control(1, Kind.BLOCK, "zamorano", number="111", draw_at=FOUR),
        Control(2, Kind.BLOCK, "zamorano", number="222", day=DAY),
        Control(3, Kind.BLOCK, None, number="333"),
    ))
    tomorrow = FOUR + timedelta(days=1)
    assert controls.block("zamorano", "111", FOUR, DAY) is not None
    assert controls.block("zamorano", "111", tomorrow, tomorrow.date()) is None
    assert controls.block("zamorano", "222", FOUR + timedelta(hours=3), DAY) is not None
    assert controls.block("zamorano", "222", tomorrow, tomorrow.date()) is None
    assert controls.block("zulia", "333", tomorrow, tomorrow.date()) is not None


def test_overrides_make_the_catalog_everyone_reads() -> None:
    controls = Controls((1, 0), (
        Control(1, Kind.PAYOUT, "zamorano", "triple", amount=500),
        Control(2, Kind.CLOSE_MINUTES, None, amount=10),
        Control(3, Kind.CLOSE_MINUTES, "zulia", amount=2),
        Control(4, Kind.GAME_OFF, "zamorano", "terminal"),
    ))
    catalog = effective_catalog(VE, controls)
    zamorano = catalog.lottery("zamorano")
    assert zamorano.payouts["triple"] == Decimal(500)
    assert VE.lottery("zamorano").payouts["triple"] == Decimal(600)  # the bundled one stays
    assert zamorano.close_minutes == 10 and catalog.lottery("zulia").close_minutes == 2
    assert not zamorano.has_game("terminal") and zamorano.has_game("triple")
    assert effective_catalog(VE, Controls()) is VE


def test_the_admins_words_are_the_plays_words() -> None:
    scope = read_scope(VE, "triple zamorano 4pm 555", NOW, "ej")
    assert scope.lottery is VE.lottery("zamorano") and scope.numbers == ["555"]
    assert scope.draw_at == FOUR
    assert read_scope(VE, "zam 16:00", NOW, "ej").draw_at == FOUR
    activo = read_scope(VE, "activo leon mañana", NOW, "ej")
    assert activo.numbers == ["5"] and activo.day == DAY + timedelta(days=1)
    everyone = read_scope(VE, "todas triple", NOW, "ej")
    assert everyone.every_lottery and everyone.game == "triple"
    with pytest.raises(ControlInputError):
        read_scope(VE, "zamorano 3pm", NOW, "ej")  # Zamorano has no 3 pm draw
    assert read_amount("1.000", "ej") == Decimal(1000)
    assert read_amount("50,5", "ej") == Decimal("50.5")
    with pytest.raises(ControlInputError):
        read_amount("cincuenta", "ej")
