"""Every worked case of the shared corpus passes: ``../shared/corpus/plays.jsonl`` (the first
version of the plays language) and ``plays-v2.jsonl`` (the rules once marked v2; docs/plays.md).

The corpus lives next to the repository, not in it: on a clone without it the test says it
skipped; on CI (``CI=true``) its absence is a failure.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import datetime
from functools import cache
from pathlib import Path

import pytest

from lottery.catalog import Catalog, load_catalog
from lottery.plays import ERROR_CODES, parse_message

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"


#: each corpus file and the fewest cases it holds
FILES = {"plays.jsonl": 298, "plays-v2.jsonl": 114}


def _cases(name: str) -> list[dict]:
    path = CORPUS / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


BY_FILE = {name: _cases(name) for name in FILES}
CASES = [case for cases in BY_FILE.values() for case in cases]


@cache
def _catalog(market: str) -> Catalog:
    return load_catalog(CORPUS / f"catalog-{market}.json")


@pytest.mark.parametrize("name", FILES)
def test_the_corpus_is_there(name: str) -> None:
    if BY_FILE[name]:
        assert len(BY_FILE[name]) >= FILES[name]
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the plays corpus is missing: {CORPUS / name}")
    pytest.skip(f"no plays corpus at {CORPUS / name} (it lives beside the repository)")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus_case(case: dict) -> None:
    result = parse_message(case["text"], _catalog(case["catalog"]),
                           datetime.fromisoformat(case["now"]))
    got = Counter(
        (w.lottery, w.draw.strftime("%Y-%m-%d %H:%M"), w.game, w.number, w.sign,
         f"{w.amount:.2f}")
        for w in result.wagers
    )
    expected = Counter(
        (w["lottery"], w["draw"], w["game"], w["number"], w["sign"], w["amount"])
        for w in case["expect"]["wagers"]
    )
    assert got == expected, f"missing {expected - got}, unexpected {got - expected}"
    assert {e.line for e in result.errors} == set(case["expect"]["error_lines"]), [
        (e.line, e.code, e.message) for e in result.errors
    ]
    for error in result.errors:
        assert error.code in ERROR_CODES
        assert error.message and "{" not in error.message
