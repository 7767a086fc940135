"""One-typo matching (lottery names) and suggestions (any known word), without scanning everything.

Both use a deletion index (SymSpell's idea): two words within one edit share a string obtained by
deleting at most one letter from each, so a lookup costs a handful of dictionary probes instead of
a distance computation against every word of the catalog.
"""

from __future__ import annotations

from collections.abc import Iterable


def within_one_edit(a: str, b: str) -> bool:
    """One letter added, removed or changed, or two neighbouring letters swapped (or equal)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance, stopping early beyond ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _deletes(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))} - found
        found |= frontier
    return found


class DeletionIndex:
    """Words by the strings reachable by deleting up to ``depth`` letters."""

    def __init__(self, words: Iterable[str], depth: int) -> None:
        self.depth = depth
        self.index: dict[str, set[str]] = {}
        self.longest = 0
        for word in words:
            self.longest = max(self.longest, len(word))
            for key in _deletes(word, depth):
                self.index.setdefault(key, set()).add(word)

    def candidates(self, query: str) -> set[str]:
        if len(query) > self.longest + self.depth:
            return set()
        found: set[str] = set()
        index = self.index
        for key in _deletes(query, self.depth):
            hit = index.get(key)
            if hit:
                found |= hit
        return found
