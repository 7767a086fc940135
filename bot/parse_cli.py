"""``taquilla parse --catalog FILE [--now ISO]``: the plays parser over JSON lines (docs/plays.md).

Each input line ``{"id": ..., "text": ..., "now": ...}`` gets exactly one output line, in order,
whatever it holds (a blank line too): input that is not an object, has no text, or a bad ``now``
still gets a result, with an error on line 0 (the input line itself, not a line of the message).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any, TextIO

from lottery.catalog import Catalog, CatalogError, load_catalog
from lottery.plays import ParseResult, PlayError, parse_message
from lottery.plays import messages as M


class _ArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """Reports bad arguments as an exception instead of exiting the process."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _ArgumentError(message)


def _arguments() -> _Parser:
    parser = _Parser(prog="taquilla parse", description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", required=True, help="catalog JSON (lotteries, draws, games)")
    parser.add_argument("--now", help="ISO-8601 date and time; an input line's own now wins")
    return parser


def run(argv: list[str], stdin: TextIO, stdout: TextIO) -> int:
    """Reads JSON lines from ``stdin`` and writes one result line per input line to ``stdout``.

    Returns 0, or 2 when the arguments or the catalog are unusable (nothing is read then).
    """
    try:
        args = _arguments().parse_args(argv)
        catalog = load_catalog(args.catalog)
        default_now = _parse_now(args.now, catalog) if args.now else None
    except (_ArgumentError, CatalogError, ValueError) as exc:
        print(f"taquilla parse: {exc}", file=sys.stderr)
        return 2
    for raw in stdin:
        line = raw.rstrip("\r\n")
        stdout.write(json.dumps(_one(line, catalog, default_now), ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def _one(line: str, catalog: Catalog, default_now: datetime | None) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except ValueError:
        return _input_error(None, line[:200], M.INPUT_NOT_JSON)
    if not isinstance(data, dict):
        return _input_error(None, line[:200], M.INPUT_NOT_JSON)
    ident = data.get("id")
    text = data.get("text")
    if not isinstance(text, str):
        return _input_error(ident, "", M.INPUT_NO_TEXT)
    now = default_now
    if data.get("now") is not None:
        try:
            now = _parse_now(data["now"], catalog)
        except ValueError:
            return _input_error(ident, str(data["now"])[:200], M.INPUT_BAD_NOW)
    if now is None:  # the edge of the program: the wall clock is the last resort
        now = datetime.now(catalog.timezone)
    try:
        result = parse_message(text, catalog, now)
    except Exception:  # the contract: every input line gets a result line
        return _input_error(ident, "", M.INTERNAL)
    return _result(ident, result)


def _parse_now(raw: object, catalog: Catalog) -> datetime:
    """ISO-8601; without an offset it is read in the catalog's time zone."""
    if not isinstance(raw, str):
        raise ValueError(f"now must be an ISO-8601 string, got {raw!r}")
    value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=catalog.timezone)
    return value


def _result(ident: object, result: ParseResult) -> dict[str, Any]:
    return {
        "id": ident,
        "wagers": [
            {
                "lottery": w.lottery,
                "draw": w.draw.strftime("%Y-%m-%d %H:%M"),
                "game": w.game,
                "number": w.number,
                "sign": w.sign,
                "amount": f"{w.amount:.2f}",
            }
            for w in result.wagers
        ],
        "errors": [_error(e) for e in result.errors],
    }


def _error(error: PlayError) -> dict[str, Any]:
    return {"line": error.line, "text": error.text, "code": error.code, "message": error.message}


def _input_error(ident: object, text: str, msgid: str) -> dict[str, Any]:
    error = PlayError(0, text, "unknown_token", msgid, {"text": text})
    return {"id": ident, "wagers": [], "errors": [_error(error)]}


def main() -> int:
    return run(sys.argv[1:], sys.stdin, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
