"""The banca's draws file: docs/providers.md's examples are valid, and a mistake is named."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from providers.base import ProviderUnavailable
from providers.http.draws_file import load_draws_file, parse_draws

DOCS = Path(__file__).resolve().parents[2] / "docs" / "providers.md"


def test_every_example_in_the_docs_is_a_valid_draws_file() -> None:
    section = DOCS.read_text(encoding="utf-8").split("## The banca's draws file")[1]
    examples = re.findall(r"```json\n(.*?)```", section.split("\n## ")[0], re.S)
    assert len(examples) == 3  # soportex, banklot, jackpot
    parsed = [parse_draws(json.loads(text)) for text in examples]
    assert [len(p.lotteries) for p in parsed] == [2, 1, 0]
    assert parsed[0].lotteries[0].draws[1].ids == {"A": "Z2A", "C": "Z2C"}
    assert parsed[1].lotteries[0].draws[0].day is not None
    assert parsed[2].betcards[0]["code"] == "JP-SAT"


def test_a_mistake_names_its_place(tmp_path: Path) -> None:
    path = tmp_path / "draws.json"
    path.write_text(json.dumps({"lotteries": [{"name": "Triple Zulia", "games": ["triple"],
                                               "draws": [{"time": "4pm", "ids": {"A": "Z"}}]}]}))
    with pytest.raises(ProviderUnavailable, match=r"lotteries\[0\]\.draws\[0\]: 'time'"):
        load_draws_file(path)
    assert load_draws_file(None) is None
