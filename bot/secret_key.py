"""The key that signs ticket QR codes and PIN hashes.

It must be stable across restarts (or every printed QR stops verifying), so when TICKET_SECRET is
not set a random key is created once beside the database and reused; production sets it.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from bot.settings import Settings

log = logging.getLogger(__name__)


def _key_file(settings: Settings) -> Path:
    if settings.database_url.startswith("sqlite"):
        db_path = settings.database_url.split(":///", 1)[-1]
        return Path(db_path).resolve().parent / ".taquilla-secret"
    return Path(".taquilla-secret").resolve()


def ticket_secret(settings: Settings) -> bytes:
    if settings.ticket_secret is not None:
        return settings.ticket_secret.get_secret_value().encode()
    path = _key_file(settings)
    if path.exists():
        return path.read_text().strip().encode()
    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    log.warning("TICKET_SECRET is not set; created a key file", extra={"path": str(path)})
    return key.encode()
