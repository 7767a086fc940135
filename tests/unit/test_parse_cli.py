"""``taquilla parse``: JSON lines in, one JSON line out per input line (docs/plays.md)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from bot.parse_cli import run
from lottery.catalog import bundled_catalog_path

ROOT = Path(__file__).resolve().parents[2]
VE = str(bundled_catalog_path("ve"))
CR = str(bundled_catalog_path("cr"))
NOW = "2026-11-23T09:30:00-04:00"


def call(lines: list[str], *args: str) -> tuple[int, list[dict]]:
    out = io.StringIO()
    code = run(list(args), io.StringIO("".join(line + "\n" for line in lines)), out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_contract_shape() -> None:
    code, [result] = call(['{"id": "h1", "text": "zamorano 12pm\\n123-ARI 5\\n1234 x5"}'],
                          "--catalog", VE, "--now", NOW)
    assert code == 0
    assert result == {
        "id": "h1",
        "wagers": [{"lottery": "zamorano", "draw": "2026-11-23 12:00", "game": "triple_sign",
                    "number": "123", "sign": "ARI", "amount": "5.00"}],
        "errors": [{"line": 3, "text": "1234", "code": "unknown_token",
                    "message": result["errors"][0]["message"]}],
    }
    assert result["errors"][0]["message"]


def test_messages_are_spanish() -> None:
    _, [result] = call(['{"id": "x", "text": "123 x5 zuli"}'], "--catalog", VE, "--now", NOW)
    assert result["errors"][0]["message"] == "No entendí «zuli». ¿Quisiste decir «zulia»?"


def test_a_line_s_now_beats_the_option() -> None:
    lines = ['{"id": "a", "text": "123 x5 zulia"}',
             '{"id": "b", "text": "123 x5 zulia", "now": "2026-11-23T19:30:00-04:00"}']
    _, results = call(lines, "--catalog", VE, "--now", NOW)
    assert [r["wagers"][0]["draw"] for r in results] == ["2026-11-23 12:45", "2026-11-24 12:45"]


def test_draws_are_local_to_the_lottery() -> None:
    _, [result] = call(['{"id": 7, "text": "25 x1000 r500 tica"}'],
                       "--catalog", CR, "--now", "2026-11-23T17:00:00+00:00")
    assert {w["draw"] for w in result["wagers"]} == {"2026-11-23 12:55"}
    assert result["id"] == 7


def test_every_input_line_gets_a_result_line_in_order() -> None:
    lines = ['{"id": "ok", "text": "123 x5 zulia"}', "not json", "", "[1, 2]",
             '{"id": "no-text"}', '{"id": "num", "text": 5}',
             '{"id": "bad-now", "text": "123 x5 zulia", "now": "yesterday"}',
             '{"id": "huge", "text": "' + "9" * 5000 + ' x5 zulia"}']
    code, results = call(lines, "--catalog", VE, "--now", NOW)
    assert code == 0 and len(results) == len(lines)
    assert [r["id"] for r in results] == ["ok", None, None, None, "no-text", "num", "bad-now",
                                          "huge"]
    assert results[0]["errors"] == [] and len(results[0]["wagers"]) == 1
    for result in results[1:]:
        assert result["wagers"] == [] and len(result["errors"]) == 1
        assert result["errors"][0]["code"] == "unknown_token" and result["errors"][0]["message"]


def test_bad_arguments_and_catalogs_exit_2_without_reading() -> None:
    assert run([], io.StringIO("{}\n"), io.StringIO()) == 2
    assert run(["--catalog", "/nonexistent.json"], io.StringIO(), io.StringIO()) == 2
    assert run(["--catalog", VE, "--now", "soon"], io.StringIO(), io.StringIO()) == 2


def test_runs_as_a_module_end_to_end() -> None:
    stdin = '{"id": "1", "text": "zulia 12:45\\n123 x5\\n456 x2"}\n{"id": "2", "text": ""}\n'
    proc = subprocess.run(
        [sys.executable, "-m", "bot.parse_cli", "--catalog", VE, "--now", NOW],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [len(r["wagers"]) for r in results] == [2, 0]
    assert results[1] == {"id": "2", "wagers": [], "errors": []}
