"""An in-memory ranked index: BM25 over the features of :mod:`analysis`, plus concepts.

Built from plain documents (no database), so the web, the CLI, the API and the benchmark all
search the same way on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from guankao.directory.search.analysis import (
    feature_weight,
    features,
    features_of_folded,
    fold,
    word_features,
    words,
)
from guankao.directory.search.concepts import ConceptMatch, ConceptTable, stem
from guankao.directory.search.fuzzy import FuzzyWords

K1 = 1.2
B = 0.5
MAX_QUERY_CHARS = 200  # a question is short; the rest of a 2,000-character paste is noise
EXPANSION_WEIGHT = 0.6  # a concept's terms count a little less than the question's own words
AREA_BONUS = 0.35  # share of the best score added to tasks in a matched concept's areas
KEEP_RATIO = 0.2  # hits scoring under this share of the best one are dropped
MIN_COVERAGE = 0.15  # without a concept, this share of the question must be found
# Without a concept, an answer is only "good" when this share of the question was found; below
# it the page says so and offers the closest areas and a hotline (decision 0080).
CONFIDENT_COVERAGE = 0.5
CLOSEST_AREAS = 3


@dataclass(frozen=True)
class Document:
    """One searchable thing (a task), with weighted texts in any languages."""

    key: str
    group: str  # the jurisdiction, so one index can hold a whole country
    area: str
    texts: tuple[tuple[float, str], ...]


@dataclass(frozen=True)
class Hit:
    key: str
    score: float


@dataclass(frozen=True)
class Ranking:
    """What one search found: hits best first, and the concepts the question touched."""

    hits: tuple[Hit, ...]
    concepts: tuple[ConceptMatch, ...] = ()
    violence: bool = False
    coverage: float = 0.0
    # The answer is not a good one (no hits, or hits resting on a small part of the question
    # with no concept recognised): say so, show ``closest`` and a hotline, suggest rephrasing.
    weak: bool = True
    # Area slugs nearest to the question, best first; never empty while the index has documents.
    closest: tuple[str, ...] = ()

    @property
    def areas(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for m in self.concepts for a in m.concept.areas))


@dataclass
class _Query:
    weights: dict[str, float] = field(default_factory=dict)

    def add(self, feature: str, weight: float) -> None:
        self.weights[feature] = max(self.weights.get(feature, 0.0), weight)


class SearchIndex:
    """Documents indexed for ranked search in any of the languages their texts are in."""

    def __init__(self, documents: Sequence[Document], concepts: ConceptTable) -> None:
        self.documents = tuple(documents)
        self.concepts = concepts
        counts: list[dict[str, float]] = []
        for document in self.documents:
            counter: dict[str, float] = defaultdict(float)
            for weight, text in document.texts:
                for feature in features(text):
                    counter[feature] += weight * feature_weight(feature)
            counts.append(counter)
        lengths = [sum(c.values()) for c in counts]
        average = (sum(lengths) / len(lengths)) if lengths else 1.0
        n = len(self.documents)
        frequency: Counter[str] = Counter()
        for counter in counts:
            frequency.update(counter.keys())
        self.idf = {f: math.log(1 + (n - df + 0.5) / (df + 0.5)) for f, df in frequency.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, counter in enumerate(counts):
            norm = K1 * (1 - B + B * lengths[i] / average) if average else K1
            for feature, tf in counter.items():
                postings[feature].append((i, self.idf[feature] * tf * (K1 + 1) / (tf + norm)))
        self.postings = dict(postings)
        # A feature in more than a fifth of the documents is not, alone, evidence of a match.
        self.informative_idf = math.log(1 + (n - 0.2 * n + 0.5) / (0.2 * n + 0.5))
        self.fuzzy = FuzzyWords(
            {f[2:] for f in self.postings if f.startswith("w:")} | concepts.latin_words
        )
        # Areas by how many tasks they hold, per group and overall: the last resort of closest.
        sizes: dict[str, Counter[str]] = defaultdict(Counter)
        in_area: dict[str, list[int]] = defaultdict(list)
        for i, document in enumerate(self.documents):
            sizes[document.group][document.area] += 1
            in_area[document.area].append(i)
        self._in_area = dict(in_area)
        self._busiest = {g: _by_count(c) for g, c in sizes.items()}
        self._busiest_all = _by_count(sum(sizes.values(), Counter()))
        self._expansions: dict[str, list[str]] = {
            c.id: [f for term in c.expand for f in features(term)] for c in concepts.concepts
        }

    def search(self, query: str, *, group: str | None = None, limit: int = 20) -> Ranking:
        """Rank the documents (of ``group`` only, if given) for ``query``, best first."""
        folded = fold(query[:MAX_QUERY_CHARS])
        if not folded:
            return Ranking(hits=(), closest=self._closest({}, (), group))
        own = _Query()
        for feature in features_of_folded(folded):
            own.add(feature, feature_weight(feature))
        alternatives = self._add_typo_corrections(folded, own)
        matches = self.concepts.match(folded, alternatives)
        combined = _Query(dict(own.weights))
        for match in matches:
            for feature in self._expansions[match.concept.id]:
                combined.add(feature, EXPANSION_WEIGHT * feature_weight(feature))

        scores: dict[int, float] = defaultdict(float)
        for feature, weight in combined.weights.items():
            for i, value in self.postings.get(feature, ()):
                scores[i] += weight * value
        if group is not None:
            scores = {i: s for i, s in scores.items() if self.documents[i].group == group}
        coverage = self._coverage(own)
        ordered_areas = tuple(dict.fromkeys(a for m in matches for a in m.concept.areas))
        # The closest areas need the words' own scores only when the needs name too few areas.
        closest = self._closest(
            scores if len(ordered_areas) < CLOSEST_AREAS else {}, ordered_areas, group
        )
        if ordered_areas:
            best = max(scores.values(), default=0.0) or 1.0
            for area in ordered_areas:
                for i in self._in_area.get(area, ()):
                    if group is None or self.documents[i].group == group:
                        scores[i] = scores.get(i, 0.0) + AREA_BONUS * best
        elif coverage < MIN_COVERAGE:
            scores = {}
        # Only the first ``limit`` are kept: a partial sort, not a sort of every scored task.
        ranked = heapq.nsmallest(limit, scores.items(), key=lambda item: (-item[1], item[0]))
        top = ranked[0][1] if ranked else 0.0
        hits = tuple(
            Hit(self.documents[i].key, round(score, 3))
            for i, score in ranked
            if score > 0 and score >= KEEP_RATIO * top
        )
        return Ranking(
            hits=hits,
            concepts=tuple(matches),
            violence=any(m.concept.violence for m in matches),
            coverage=round(coverage, 3),
            weak=not hits or (not matches and coverage < CONFIDENT_COVERAGE),
            closest=closest,
        )

    def _closest(
        self, scores: dict[int, float], concept_areas: tuple[str, ...], group: str | None
    ) -> tuple[str, ...]:
        """The areas nearest the question: a matched concept's, then those where the question's
        words scored (even when too little to answer), then the areas with the most tasks."""
        by_area: dict[str, float] = defaultdict(float)
        for i, score in scores.items():
            by_area[self.documents[i].area] += score
        busiest = self._busiest.get(group, ()) if group is not None else self._busiest_all
        known = set(busiest)
        scored = sorted(by_area, key=lambda a: (-by_area[a], a))
        ordered = [a for a in (*concept_areas, *scored, *busiest) if a in known]
        return tuple(dict.fromkeys(ordered))[:CLOSEST_AREAS]

    def _add_typo_corrections(self, folded: str, query: _Query) -> list[set[str]]:
        """Add known words the question's unknown words may be typos of; return alternatives."""
        alternatives: list[set[str]] = []
        for word in words(folded):
            options = {word}
            known = self.concepts.latin_words
            if ("w:" + word) not in self.postings and word not in known and stem(word) not in known:
                for candidate, d in self.fuzzy.candidates(word).items():
                    options.add(candidate)
                    for feature in word_features(candidate):
                        query.add(feature, feature_weight(feature) * (0.8 if d == 1 else 0.6))
            alternatives.append(options)
        return alternatives

    def _coverage(self, query: _Query) -> float:
        """Share of the question's weight (by rarity) that the index knows as a useful term.

        Features found in many documents (Thai ``การ``, Burmese particles) carry no meaning
        of their own: they count as weight of the question, but not as found.
        """
        unknown_idf = math.log(1 + (len(self.documents) + 0.5) / 0.5)
        total = found = 0.0
        for feature, weight in query.weights.items():
            idf = self.idf.get(feature)
            total += weight * (idf if idf is not None else unknown_idf)
            if idf is not None and idf >= self.informative_idf:
                found += weight * idf
        return found / total if total else 0.0


def _by_count(counts: Counter[str]) -> tuple[str, ...]:
    return tuple(sorted(counts, key=lambda a: (-counts[a], a)))
