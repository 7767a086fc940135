"""The drawing process: ``python -m speed.picture_worker``, started by ``speed.pictures``.

It reads calls from stdin and answers each on stdout, in order. A call is a 4-byte big-endian
length and a pickled callable with no arguments (a ``functools.partial``); the answer is a status
byte (1: the picture's bytes follow; 0: the error's text follows), a 4-byte length and the body.
End of input ends it, so it never outlives the bot.
"""

from __future__ import annotations

import importlib
import json
import os
import pickle
import sys
import traceback
from typing import BinaryIO

SYS_PATH = "TAQUILLA_RENDER_SYS_PATH"  # the bot's sys.path, so its callables can be imported
HEADER = 4
#: the drawing modules, named rather than imported: this package imports none of the bot's
PRELOAD = ("presentation.ticket_image", "presentation.results_image", "presentation.report_chart")
ANSWER_HEADER = 5  # status byte and length


def frame(body: bytes) -> bytes:
    return len(body).to_bytes(HEADER, "big") + body


def answer(ok: bool, body: bytes) -> bytes:
    return bytes([ok]) + frame(body)


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if len(data) == size else None


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    while (header := _read_exactly(requests, HEADER)) is not None:
        body = _read_exactly(requests, int.from_bytes(header, "big"))
        if body is None:
            return
        try:
            picture = pickle.loads(body)()
            if not isinstance(picture, bytes):
                raise TypeError(f"a drawing must return bytes, not {type(picture).__name__}")
            answers.write(answer(True, picture))
        except Exception:
            answers.write(answer(False, traceback.format_exc().encode()))
        answers.flush()


def main() -> None:
    if SYS_PATH in os.environ:
        sys.path[:] = json.loads(os.environ[SYS_PATH])
    for module in PRELOAD:  # imported once, before the first picture is asked for
        importlib.import_module(module)

    answers = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not break an answer
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
