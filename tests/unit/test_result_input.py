"""What an admin types after /resultado (lottery.result_input)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from lottery.catalog import bundled_catalog_path, load_catalog
from lottery.i18n import current_locale
from lottery.result_input import ResultEntry, ResultInputError, parse_result_input

VE = load_catalog(bundled_catalog_path("ve"))
CR = load_catalog(bundled_catalog_path("cr"))
CARACAS = ZoneInfo("America/Caracas")
COSTA_RICA = ZoneInfo("America/Costa_Rica")
EVENING = datetime(2026, 11, 23, 20, 0, tzinfo=CARACAS)  # a Monday, every draw is over


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


def ve(text: str, now: datetime = EVENING) -> ResultEntry:
    return parse_result_input(VE, text, now)


def at(hour: int, minute: int = 0, day: int = 23, tz: ZoneInfo = CARACAS) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=tz)


def test_the_briefs_examples() -> None:
    assert ve("zulia 12:45 123 ACU") == ("zulia", at(12, 45), {"number": "123", "sign": "ACU"})
    assert ve("activo 10am leon") == ("activo", at(10), {"animal": "5"})
    assert ve("chance 1pm 123 456 ARI") == (
        "chance", at(13), {"number": "123", "number_b": "456", "sign": "ARI"})
    tica = parse_result_input(CR, "tica 12:55 25 reventado 5",
                              datetime(2026, 11, 23, 18, 0, tzinfo=COSTA_RICA))
    assert tica == ("tica", at(12, 55, tz=COSTA_RICA), {"number": "25", "reventado": "5"})
    assert tica.draw_at.tzinfo == COSTA_RICA


def test_words_as_the_plays_language_writes_them() -> None:
    assert ve("/resultado Lotto Activo 4pm 00").values == {"animal": "00"}
    assert ve("TRIPLE ZULIA 4:45 123-acuario") == (
        "zulia", at(16, 45), {"number": "123", "sign": "ACU"})
    assert ve("sulia 7:05pm 999 Géminis").lottery_id == "zulia"  # one typo away
    assert ve("zamorano 12m 000 leo").draw_at == at(12)
    assert ve("la granjita a las 8am ballena").values == {"animal": "00"}
    assert ve("activo 9am 05").values == {"animal": "5"}
    assert ve("activo 9am 0").values == {"animal": "0"}


def test_an_hour_without_am_pm_picks_the_draw_already_drawn() -> None:
    # 4:45 is 16:45 for Zulia (there is no 4:45 am draw)
    assert ve("zulia 4:45 123 ari").draw_at == at(16, 45)
    # Táchira draws at 22:10 only; 10:10 names it
    assert ve("tachira 10:10 123", now=at(23)).draw_at == at(22, 10)


def test_yesterday_is_named_explicitly() -> None:
    after_midnight = datetime(2026, 11, 24, 0, 20, tzinfo=CARACAS)
    assert ve("tachira ayer 10:10pm 123", now=after_midnight).draw_at == at(22, 10)
    assert ve("tachira 10:10pm 123", now=after_midnight).draw_at == at(22, 10, day=24)


def test_tiempo_numbers_are_zero_padded() -> None:
    noon = datetime(2026, 11, 23, 18, 0, tzinfo=COSTA_RICA)
    assert parse_result_input(CR, "tica 12:55 7", noon).values == {"number": "07"}
    assert parse_result_input(CR, "monazo 1pm 7", noon).values == {"number": "007"}
    assert parse_result_input(CR, "lotto 6:55 25 r 200", noon).values == {
        "number": "25", "reventado": "200"}


@pytest.mark.parametrize(
    ("catalog", "text", "shown"),
    [
        (VE, "", "Write the lottery, the draw time and what was drawn, e.g. zulia 12:45 123 ACU"),
        (VE, "123 ari 12:45", "Which lottery?"),
        (VE, "zulia 123 ari", "Which draw of Triple Zulia? Write its time, e.g. zulia 12:45"),
        (VE, "activo 10 leon", "Which draw of Lotto Activo?"),
        (VE, "zulia caracas 12:45 123 ari", "«caracas» is a second one"),
        (VE, "zulia 12:45 4:45 123 ari", "«4:45» is a second time"),
        (VE, "zulia 12:46 123 ari", "Triple Zulia has no draw at «12:46»"),
        (VE, "zulia 25:00 123 ari", "not a valid time"),
        (VE, "activo 10m leon", "not a valid time"),
        (VE, "zulia 12:45 123", "it takes a three-digit number and a sign"),
        (VE, "zulia 12:45 12 ari", "it takes a three-digit number and a sign"),
        (VE, "chance 1pm 123 ari", "it takes two three-digit numbers (A and B) and a sign"),
        (VE, "zulia 12:45 123 ari 456", "«456» is one value too many"),
        (VE, "zulia 12:45 123 ari leo", "«leo» is one value too many"),
        (VE, "tachira 1:15 123 acu", "Triple Táchira draws no sign: «acu»"),
        (VE, "zulia 12:45 123 ari leon", "«leon» is an animal"),
        (VE, "activo 10am 37", "it takes one of its animals"),
        (VE, "activo 10am leon tigre", "«tigre» is one value too many"),
        (VE, "zulia 12:45 123 ari foo", "I did not understand «foo»"),
        (VE, "zulia 12:45 1,5 ari", "I did not understand «1,5»"),
        (VE, "tachira 12:45 1 2 3", "Triple Táchira has no draw at «12:45»"),
        (CR, "monazo 1pm 123 r 5", "Monazo has no reventado: «r»"),
        (CR, "tica 12:55 25 reventado", "«reventado» needs its multiplier"),
        (CR, "tica 12:55 25 r 201", "a whole multiplier from 1 to 200"),
        (CR, "tica 12:55 250", "it takes a number of 2 digits"),
    ],
)
def test_what_cannot_be_a_result_says_why(catalog: object, text: str, shown: str) -> None:
    now = datetime(2026, 11, 23, 21, 0, tzinfo=CARACAS)
    with pytest.raises(ResultInputError) as caught:
        parse_result_input(catalog, text, now)  # type: ignore[arg-type]
    assert shown in caught.value.message
    assert str(caught.value) == caught.value.message


def test_a_lottery_that_does_not_draw_that_day() -> None:
    sunday = datetime(2026, 11, 22, 23, 0, tzinfo=CARACAS)
    with pytest.raises(ResultInputError, match="Triple Táchira does not draw on 22/11"):
        ve("tachira 10:10pm 123", now=sunday)


def test_errors_come_out_in_the_readers_language() -> None:
    with pytest.raises(ResultInputError) as caught:
        ve("zulia 12:45 123 ari foo")
    token = current_locale.set("es")
    try:
        spanish = caught.value.message
    finally:
        current_locale.reset(token)
    assert "foo" in spanish and spanish != caught.value.message
