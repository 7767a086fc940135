"""The start-up heap, set aside from the garbage collector.

A bot process starts with ~350,000 long-lived objects (aiogram's and pydantic's models,
SQLAlchemy's mappers, the catalogs, the lotteries). Every full collection walks all of them:
measured in a webhook worker during ``bench/scale.py``, each took ~260 ms of CPU with the event
loop stopped, so every chat of the process waited that long (the preview's p99 target is
250 ms). ``gc.freeze()`` once the process is ready moves them to a generation the collector
never scans; cycles among objects made later are still collected.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Collect what start-up left behind, then freeze the rest (call once, when ready)."""
    gc.collect()
    gc.freeze()
