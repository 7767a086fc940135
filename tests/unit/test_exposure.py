"""The draw's worst case is the costliest result by the settlement rules themselves: checked
against ``wager_prize`` summed over every result that could come out."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from lottery.catalog import Catalog, Lottery, bundled_catalog_path, load_catalog
from lottery.exposure import Sold, plays_by_payout, worst_result
from lottery.settlement import payout, wager_prize

VE = load_catalog(bundled_catalog_path("ve"))
CR = load_catalog(bundled_catalog_path("cr"))
DIGITS = "01"  # plays on two digits only: a result outside them can only hit fewer plays
SIGNS_PLAYED = ("ARI", "TAU")


def _cost(catalog: Catalog, lottery: Lottery, sold: Sold, values: dict[str, str]) -> int:
    total = Decimal(0)
    for (game, number, sign), amount in sold.items():
        if game == "tripleta":
            continue
        total += wager_prize(catalog, lottery, game, number, sign, Decimal(amount), values) or 0
    return int(total)


def _all_triple_results(lottery: Lottery) -> list[dict[str, str]]:
    triples = ["".join(d) for d in product(DIGITS, repeat=3)]
    results = []
    for a, sign in product(triples, (*SIGNS_PLAYED, "GEM")):
        values = {"number": a}
        if lottery.has_game("triple_sign"):
            values["sign"] = sign
        if lottery.has_game("triple_ab"):
            results += [{**values, "number_b": b} for b in triples]
        else:
            results.append(values)
    return results


def _brute_worst(catalog: Catalog, lottery: Lottery, sold: Sold) -> int:
    if lottery.has_game("animal"):
        results = [{"animal": a} for a in lottery.animals]
    elif lottery.has_game("tiempo"):
        numbers = [f"{n:0{lottery.digits}d}" for n in range(10 ** (lottery.digits or 2))]
        top = [str(payout(catalog, lottery, "reventado"))] if lottery.has_game("reventado") else []
        results = [{"number": n, **({"reventado": r} if r else {})}
                   for n in numbers for r in ("", *top)]
    else:
        results = _all_triple_results(lottery)
    return max(_cost(catalog, lottery, sold, values) for values in results)


_three = st.text(DIGITS, min_size=3, max_size=3)
_two = st.text(DIGITS, min_size=2, max_size=2)
_sign = st.sampled_from(SIGNS_PLAYED)
_amount = st.integers(1, 50).map(lambda n: n * 100)
TRIPLE_PLAYS = {
    "triple": st.tuples(st.just("triple"), _three, st.none()),
    "terminal": st.tuples(st.just("terminal"), _two, st.none()),
    "triple_sign": st.tuples(st.just("triple_sign"), _three, _sign),
    "terminal_sign": st.tuples(st.just("terminal_sign"), _two, _sign),
    "triple_ab": st.tuples(st.just("triple_ab"), st.builds("{}-{}".format, _three, _three),
                           st.none()),
    "terminal_ab": st.tuples(st.just("terminal_ab"), st.builds("{}-{}".format, _two, _two),
                             st.none()),
}


def _sold_for(lottery: Lottery) -> st.SearchStrategy[dict[tuple[str, str, str | None], int]]:
    if lottery.has_game("animal"):
        key = st.tuples(st.just("animal"), st.sampled_from(sorted(lottery.animals)), st.none())
    elif lottery.has_game("tiempo"):
        numbers = st.integers(0, 10 ** (lottery.digits or 2) - 1).map(
            lambda n: f"{n:0{lottery.digits}d}")
        games = [g for g in ("tiempo", "reventado") if lottery.has_game(g)]
        key = st.tuples(st.sampled_from(games), numbers, st.none())
    else:
        key = st.one_of(*(TRIPLE_PLAYS[g] for g in lottery.games))
    return st.dictionaries(key, _amount, min_size=1, max_size=8)


CASES = [(VE, "zulia"), (VE, "chance"), (VE, "tachira"), (VE, "activo"), (CR, "tica"),
         (CR, "monazo")]


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_the_worst_case_is_the_costliest_result(data: st.DataObject) -> None:
    catalog, lottery_id = data.draw(st.sampled_from(CASES))
    lottery = catalog.lottery(lottery_id)
    sold = data.draw(_sold_for(lottery))
    worst = worst_result(catalog, lottery, sold)
    assert worst is not None
    assert worst.pays == _brute_worst(catalog, lottery, sold)
    assert _cost(catalog, lottery, sold, dict(worst.values)) == worst.pays  # a real result


def test_one_result_hits_the_triple_its_terminal_and_both_with_the_sign() -> None:
    zulia = VE.lottery("zulia")
    sold = {("triple", "123", None): 100, ("terminal", "23", None): 1_000,
            ("triple_sign", "123", "ARI"): 100, ("terminal_sign", "23", "ARI"): 100,
            ("triple", "999", None): 1_200}
    worst = worst_result(VE, zulia, sold)
    assert worst is not None
    assert dict(worst.values) == {"number": "123", "sign": "ARI"}
    assert worst.pays == 100 * 600 + 1_000 * 60 + 100 * 6000 + 100 * 600
    top = plays_by_payout(VE, zulia, sold)[0]
    assert (top.game, top.number, top.pays) == ("triple", "999", 1_200 * 600)  # not the worst


def test_tripletas_alone_have_no_worst_case_on_one_draw() -> None:
    activo = VE.lottery("activo")
    assert worst_result(VE, activo, {("tripleta", "1-2-3", None): 500}) is None
    (play,) = plays_by_payout(VE, activo, {("tripleta", "1-2-3", None): 500})
    assert play.pays == 500 * 50
