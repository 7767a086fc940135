"""/riesgo's list of a draw's plays (issue #18, item 11): the plays left out are counted in
the singular when there is one («… y 1 jugada más.»), not «1 jugadas»."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.exposure import Play
from lottery.i18n import in_locale
from presentation.formatting import Formatter
from services.exposure import TOP_PLAYS, _top_plays

VE = load_catalog(bundled_catalog_path("ve"))
ZULIA = datetime(2026, 11, 23, 12, 45, tzinfo=ZoneInfo("America/Caracas"))


def _tail(count: int, language: str) -> str:
    plays = [Play("triple", f"{n:03d}", None, 500, 300_000) for n in range(count)]
    with in_locale(language):
        return _top_plays(VE, VE.lottery("zulia"), ZULIA, plays,
                          Formatter.for_reader(language, VE))[-1]


def test_one_play_left_out_is_counted_in_the_singular() -> None:
    assert _tail(TOP_PLAYS + 1, "es") == "… y 1 jugada más."
    assert _tail(TOP_PLAYS + 1, "en") == "… and 1 more play."


def test_several_left_out_stay_plural() -> None:
    assert _tail(TOP_PLAYS + 3, "es") == "… y 3 jugadas más."
    assert _tail(TOP_PLAYS + 3, "en") == "… and 3 more plays."
