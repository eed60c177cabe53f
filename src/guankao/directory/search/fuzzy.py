"""Typo tolerance for Latin-script words: a symmetric-delete index (the SymSpell idea).

Every known word is stored under the strings one or two deletions away from it; a query word
then only needs its own deletions looked up, instead of an edit distance against every known
word. Candidates are confirmed with the real (Damerau–Levenshtein) distance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def max_distance(word: str) -> int:
    """How many typos a word of this length may carry and still be recognised."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


def _deletes(word: str, depth: int) -> set[str]:
    found: set[str] = set()
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))} - found
        found |= frontier
    return found


def distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b``, or ``limit + 1`` when over it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class FuzzyWords:
    """The known words of an index, searchable by a word with typos."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)
        self._by_delete: dict[str, set[str]] = defaultdict(set)
        for word in self.words:
            for variant in _deletes(word, max_distance(word)):
                self._by_delete[variant].add(word)

    def candidates(self, word: str) -> dict[str, int]:
        """Known words within the allowed distance of ``word`` (not ``word`` itself)."""
        limit = max_distance(word)
        if limit == 0:
            return {}
        probes = _deletes(word, limit) | {word}
        seen: set[str] = set()
        for probe in probes:
            seen |= self._by_delete.get(probe, set())
            if probe in self.words:
                seen.add(probe)
        found: dict[str, int] = {}
        for candidate in seen - {word}:
            d = distance(word, candidate, min(limit, max_distance(candidate)))
            if 0 < d <= min(limit, max_distance(candidate)):
                found[candidate] = d
        return found
