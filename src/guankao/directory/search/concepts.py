"""The phrase table: colloquial phrasing and synonyms, in every language, mapped to concepts.

A concept (``domestic-violence``) names the service areas it belongs to and the source-language
terms that tasks about it use (``家庭暴力``, ``受暴``). A question that contains one of its
phrases (``老公打我``, ``chồng đánh tôi``, ``husband hits me``) is searched with those terms too,
and tasks in the concept's areas rank higher. Violence concepts put the 113 and 110 hotlines
first. The data lives in ``directory/data/phrases.yaml``; staff can read and extend it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import yaml

from guankao.core.exceptions import DataFileError
from guankao.directory.search.analysis import HAN, NO_SPACE, fold, words

_NON_LATIN = re.compile(f"[{HAN}{NO_SPACE}]")
PHRASES_FILE = "data/phrases.yaml"


@dataclass(frozen=True)
class Concept:
    """One thing people ask about, with the words they use for it."""

    id: str
    areas: tuple[str, ...]
    expand: tuple[str, ...]
    violence: bool
    # Phrases folded for search: scripts without spaces as bare strings, Latin as word tuples.
    spans: tuple[str, ...]
    word_phrases: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ConceptMatch:
    concept: Concept
    phrase: str


class ConceptTable:
    """All concepts, ready to be matched against folded questions."""

    def __init__(self, concepts: list[Concept]) -> None:
        self.concepts = tuple(concepts)
        self.latin_words = frozenset(w for c in concepts for p in c.word_phrases for w in p)

    def match(self, folded: str, alternatives: list[set[str]]) -> list[ConceptMatch]:
        """Concepts whose phrases occur in the question.

        ``alternatives`` holds, for each Latin word of the question in order, the word itself
        and the known words it may be a typo of.
        """
        compact = folded.replace(" ", "")
        found: list[ConceptMatch] = []
        for concept in self.concepts:
            phrase = self._first_phrase(concept, compact, alternatives)
            if phrase is not None:
                found.append(ConceptMatch(concept, phrase))
        return found

    @staticmethod
    def _first_phrase(concept: Concept, compact: str, alternatives: list[set[str]]) -> str | None:
        for span in concept.spans:
            if span in compact:
                return span
        for phrase in concept.word_phrases:
            n = len(phrase)
            for start in range(len(alternatives) - n + 1):
                if all(phrase[k] in alternatives[start + k] for k in range(n)):
                    return " ".join(phrase)
        return None


def parse_phrase_file(path: Path) -> ConceptTable:
    """Read the phrase table; raises ``DataFileError`` naming the concept and field at fault."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DataFileError(file=path.name, record="-", field="-", message=str(error)) from None
    if not isinstance(data, dict) or not isinstance(data.get("concepts"), list):
        raise DataFileError(file=path.name, record="-", field="concepts", message="expected a list")
    concepts: list[Concept] = []
    seen: set[str] = set()
    for i, item in enumerate(data["concepts"]):
        record = f"concepts[{i + 1}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise DataFileError(file=path.name, record=record, field="id", message="missing")
        if item["id"] in seen:
            raise DataFileError(file=path.name, record=record, field="id", message="duplicate")
        seen.add(item["id"])
        phrases = item.get("phrases") or {}
        if not isinstance(phrases, dict):
            raise DataFileError(
                file=path.name, record=item["id"], field="phrases", message="expected a mapping"
            )
        spans: list[str] = []
        word_phrases: list[tuple[str, ...]] = []
        for language, values in phrases.items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise DataFileError(
                    file=path.name,
                    record=item["id"],
                    field=f"phrases.{language}",
                    message="expected a list of phrases",
                )
            for value in values:
                folded = fold(value)
                if _NON_LATIN.search(folded):
                    spans.append(folded.replace(" ", ""))
                elif ws := tuple(words(folded)):
                    word_phrases.append(ws)
        concepts.append(
            Concept(
                id=item["id"],
                areas=tuple(item.get("areas") or ()),
                expand=tuple(item.get("expand") or ()),
                violence=bool(item.get("violence", False)),
                spans=tuple(dict.fromkeys(spans)),
                word_phrases=tuple(dict.fromkeys(word_phrases)),
            )
        )
    return ConceptTable(concepts)


@functools.cache
def default_concepts() -> ConceptTable:
    """The phrase table shipped with guankao, read once per process."""
    path = Path(str(files("guankao.directory").joinpath(PHRASES_FILE)))
    return parse_phrase_file(path)
