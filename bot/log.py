"""Structured (logfmt) logging that can never print a secret.

Secrets are registered once at start-up (bot token, webhook secret, provider credentials); the
formatter replaces them in the final line, tracebacks included, because libraries may put a token
in a URL or an exception text we do not control.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import ClassVar

_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


class RedactingFormatter(logging.Formatter):
    secrets: ClassVar[set[str]] = set()
    #: Which of ``taquilla run --workers N``'s processes writes (``bot.workers``), on each line.
    worker: ClassVar[str | None] = os.environ.get("TAQUILLA_WORKER") or None

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if self.worker:
            fields["worker"] = self.worker
        fields.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        line = " ".join(f"{key}={_quote(value)}" for key, value in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return redact(line)


def _quote(value: object) -> str:
    text = str(value)
    if text and not any(c in text for c in ' "=\n'):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def redact(text: str) -> str:
    # Longest first: the token's secret half must not be masked before the whole token is.
    for secret in sorted(RedactingFormatter.secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def register_secrets(values: Iterable[str | None]) -> None:
    """Short values are ignored: redacting 'a' everywhere would make logs unreadable."""
    RedactingFormatter.secrets.update(v for v in values if v and len(v) >= 6)
    # A bot token is `<id>:<secret>`; the secret half alone must not leak either.
    RedactingFormatter.secrets.update(
        v.split(":", 1)[1] for v in values if v and ":" in v and len(v.split(":", 1)[1]) >= 6
    )


def setup_logging(level: str = "INFO", stream: object = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(RedactingFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
