"""Which process spent the CPU over a stretch of a benchmark: this one (the bot and the
harness's users), the fake Bot API server, the picture worker. Read from Linux's /proc; empty
elsewhere."""

from __future__ import annotations

import os
import time
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_SERVER = "tests.fakes.telegram_server"


def _children() -> dict[int, tuple[str, float]]:
    """This process's children: pid → (which, CPU seconds so far)."""
    found: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[1]) != os.getpid():
                continue
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        which = "fake server" if _SERVER in cmdline else "picture worker"
        found[int(entry.name)] = (which, (int(stat[11]) + int(stat[12])) / _TICKS)
    return found


class CpuSplit:
    """Started at construction; ``per_unit(n)`` is CPU milliseconds per unit since then."""

    def __init__(self) -> None:
        self._available = Path("/proc/self/stat").exists()
        self._own = time.process_time()
        self._children = _children() if self._available else {}

    def per_unit(self, units: int) -> dict[str, float]:
        if not self._available:
            return {}
        spent = {"bot process": time.process_time() - self._own}
        for pid, (which, seconds) in _children().items():
            before = self._children.get(pid, (which, 0.0))[1]
            spent[which] = spent.get(which, 0.0) + seconds - before
        return {which: seconds * 1000 / units for which, seconds in spent.items()}
