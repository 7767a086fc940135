"""How fast the plays parser reads chat messages, and how that compares to receiving them.

    .venv/bin/python bench/parse.py [--rounds N] [--corpus DIR]

Parses the corpus (``../shared/corpus``, or built-in sample messages when it is absent) over and
over, the way the bot does: each message arrives as a Telegram update that aiogram validates
(``Update.model_validate``), then its text is parsed. Both are timed, interleaved, per message,
in CPU time of this thread (other processes on the machine do not count); times are the best of
several rounds and the ratio is the median of the rounds' ratios. This is the steady state: the
parser's per-catalog tables are warm, as in a running bot; the first, cold pass is printed too.
Then it times a few realistic 4096-character orders, the longest messages Telegram delivers
(best of several runs each). The last line is machine-readable:

    msgs_per_s=… us_per_msg=… update_ratio=… worst_ms=…

``update_ratio`` < 1 means reading the plays costs less than receiving the message.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiogram.types import Update  # noqa: E402

from lottery.catalog import Catalog, bundled_catalog_path, load_catalog  # noqa: E402
from lottery.plays import parse_message  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
MAX_CHARS = 4096

#: Used when the shared corpus is not beside the repository (a user's clone).
SAMPLES_VE = [
    "123-ARI 5 zamorano 12pm", "123 x5 zulia 12:45", "zulia 12:45\n123 x5\n456 x2",
    "123 456 789 a 10 caracas 1pm", "23 x2 zulia 4:45", "123 5 zulia", "123 456 zulia",
    "123 x 2 mil zulia", "123 bs.5 zulia", "123 ari tau x1 zamorano 10am",
    "123 todos los signos x1 zamorano 10am", "000-999 x1 chance 4:30pm", "p123 x1 zulia 12:45",
    "100 al 109 x1 chance 4:30pm", "leon 5 lotto activo 10am", "delfín ballena x2 activo 10am",
    "tripleta leon tigre gato x10 activo 10am", "123 x5 zulia y caracas a las 4pm",
    "123 x5 zulia todos", "123 x5 zamorrano 2pm",
    "quiero jugar el 123 con 5 para el zulia de las 12:45 por favor",
    "zulia 12:45\n123 x5\n456 x5\ntotal 10", "triple tachira 10:10\n991 a 1\n317 Bs.10\n72 1 bs",
    "250 p51 x2\n297 505-geminis 22 5\n109-cap x1,5\ntriple zamorano, caracas",
    "036 x5 zulia blablabla\nballena zorro bs1,50 granjita a las 8:00",
    "la granjita\n06 por 20\n15 vaca 27 100 bs\n20 5 bs", "caracas todos\n910 cap 97 x1",
]
SAMPLES_CR = [
    "25 x1000 tica 12:55", "25 x1000 r500 tica 12:55", "25 77 por 2.000 reventado 1000 lotto",
    "7 x500 tica 4:30pm", "lotto\n55  77 97 100 colones r100", "monazo 126 992 2000",
    "tica todas\n50 87 64 a 500", "96 X1.000\n00 08 con 5 mil r 500\n71 18 57 por 100\ntica",
]
SAMPLE_NOW = {"ve": "2026-11-23T09:30:00-04:00", "cr": "2026-11-23T11:00:00-06:00"}


def corpus(folder: Path) -> tuple[list[tuple[str, Catalog, datetime]], str]:
    """(text, catalog, now) per message, and where they came from."""
    path = folder / "plays.jsonl"
    if path.is_file():
        catalogs = {m: load_catalog(folder / f"catalog-{m}.json") for m in ("ve", "cr")}
        with path.open(encoding="utf-8") as handle:
            cases = [json.loads(line) for line in handle if line.strip()]
        return [(c["text"], catalogs[c["catalog"]], datetime.fromisoformat(c["now"]))
                for c in cases], str(path)
    catalogs = {m: load_catalog(bundled_catalog_path(m)) for m in ("ve", "cr")}
    messages = [(t, catalogs["ve"], datetime.fromisoformat(SAMPLE_NOW["ve"])) for t in SAMPLES_VE]
    messages += [(t, catalogs["cr"], datetime.fromisoformat(SAMPLE_NOW["cr"])) for t in SAMPLES_CR]
    return messages, "built-in samples (no ../shared/corpus)"


def update(index: int, text: str) -> dict:
    """The update Telegram sends for a text message in a private chat."""
    user = {"id": 5551234 + index, "is_bot": False, "first_name": "Ana", "last_name": "Pérez",
            "username": "anaperez", "language_code": "es"}
    chat = {"id": user["id"], "first_name": "Ana", "last_name": "Pérez", "username": "anaperez",
            "type": "private"}
    return {"update_id": 900000 + index, "message": {
        "message_id": 10 + index, "from": user, "chat": chat, "date": 1795437000 + index,
        "text": text}}


def long_orders() -> list[tuple[str, str, Catalog, datetime]]:
    """Realistic orders of (almost exactly) 4096 characters: a seller's busy day."""
    ve = load_catalog(bundled_catalog_path("ve"))
    cr = load_catalog(bundled_catalog_path("cr"))
    now_ve = datetime.fromisoformat(SAMPLE_NOW["ve"])
    now_cr = datetime.fromisoformat(SAMPLE_NOW["cr"])

    def fill(head: str, lines: list[str]) -> str:
        out, k = head, 0
        while True:
            line = lines[k % len(lines)]
            if len(out) + len(line) + 1 > MAX_CHARS:
                return out
            out += "\n" + line
            k += 1

    triples = fill("zulia 12:45", [
        f"{n:03d} {(n * 7) % 1000:03d} {(n * 13) % 1000:03d} x{1 + n % 5}" for n in range(1, 400)
    ] + ["zamorano 4pm", "45-ARI tau 123 esc 78 x2", "p123 100 al 109 x1", "caracas 1pm"])
    animals = fill("lotto activo y la granjita a las 11am", [
        "leon tigre 5 00 x2", "ballena 36 12 bs1,50", "cochino gato 1000", "gallina 32 2",
        "ciempiés alacrán x 1 mil", "27 perro 0 x5", "30 5"])
    tiempos = fill("tica 12:55", [
        f"{n:02d} {(n * 3) % 100:02d} x{100 * (1 + n % 9)} r{100 * (1 + n % 3)}" for n in range(100)
    ] + ["41 x 500 colones lotto 18:55", "123 456 789 por 2.000 monazo 1pm"])
    one_line = fill("", [f"{n:03d}" for n in range(1000)]).replace("\n", " ")
    one_line = one_line[:MAX_CHARS - len(" x5 zulia 12:45")] + " x5 zulia 12:45"
    typos = fill("", [f"{n:03d} x5 zamorrano 2pm\n{n % 100:02d} 1234 x5 zuli"
                      for n in range(100, 999)])
    return [("triples", triples, ve, now_ve), ("animals", animals, ve, now_ve),
            ("tiempos", tiempos, cr, now_cr), ("one line", one_line, ve, now_ve),
            ("typos and mistakes", typos, ve, now_ve)]


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rounds", type=int, default=20)
    options.add_argument("--corpus", type=Path, default=CORPUS,
                         help="folder with plays.jsonl and the catalogs (default ../shared/corpus)")
    args = options.parse_args()
    messages, source = corpus(args.corpus)
    updates = [update(k, text) for k, (text, _, _) in enumerate(messages)]
    clock = time.thread_time_ns  # CPU time of this thread: other processes do not count

    cold = clock()
    for text, catalog, now in messages:
        parse_message(text, catalog, now)
    cold = clock() - cold
    for payload in updates:
        Update.model_validate(payload)

    gc.disable()  # both sides alike; the collector's pauses are not what is measured here
    try:
        best_parse = best_validate = float("inf")
        ratios = []
        for _ in range(args.rounds):
            spent_parse = spent_validate = 0
            for (text, catalog, now), payload in zip(messages, updates, strict=True):
                t0 = clock()
                Update.model_validate(payload)
                t1 = clock()
                parse_message(text, catalog, now)
                t2 = clock()
                spent_validate += t1 - t0
                spent_parse += t2 - t1
            best_parse = min(best_parse, spent_parse)
            best_validate = min(best_validate, spent_validate)
            ratios.append(spent_parse / spent_validate)  # same round, same machine load
        worst = 0.0
        worst_rows = []
        for name, text, catalog, now in long_orders():
            runs = []
            for _ in range(9):
                t0 = clock()
                result = parse_message(text, catalog, now)
                runs.append((clock() - t0) / 1e6)
            ms = min(runs)  # the parser's own cost; slower runs measure other processes
            worst = max(worst, ms)
            worst_rows.append((name, len(text), text.count("\n") + 1, len(result.wagers),
                               len(result.errors), ms))
    finally:
        gc.enable()

    n = len(messages)
    us_per_msg = best_parse / n / 1000
    print(f"messages: {n} from {source}; best of {args.rounds} rounds")
    print(f"parse:    {us_per_msg:8.1f} us/message  (first, cold pass: {cold / n / 1000:.1f} us)")
    print(f"receive:  {best_validate / n / 1000:8.1f} us/message  (aiogram Update.model_validate)")
    for name, chars, lines, wagers, errors, ms in worst_rows:
        print(f"4096-char order {name!r:20s} {chars} chars, {lines} lines, {wagers} wagers, "
              f"{errors} errors: {ms:.2f} ms")
    print(f"update_ratio per round: {' '.join(f'{r:.2f}' for r in ratios)}")
    print(f"msgs_per_s={1e6 / us_per_msg:.0f} us_per_msg={us_per_msg:.1f} "
          f"update_ratio={statistics.median(ratios):.2f} worst_ms={worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
