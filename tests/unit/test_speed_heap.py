"""Freezing the start-up heap (speed/heap.py) keeps collecting what is made afterwards."""

from __future__ import annotations

import gc
import weakref

from speed.heap import freeze_startup_heap


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_cycles_made_after_the_freeze_are_still_collected() -> None:
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 0
        first, second = _Node(), _Node()
        first.other, second.other = second, first  # a cycle only the collector frees
        gone = weakref.ref(first)
        del first, second
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()
