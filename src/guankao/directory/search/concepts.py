"""The phrase table: how people ask, in every language, mapped to concepts (decision 0080).

Three layers, from what people write to what the division table calls it:

- **Concepts** (needs): ``domestic-violence`` names the service areas it belongs to and the
  source-language terms that tasks about it use (``家庭暴力``, ``受暴``). A question that
  contains one of its phrases (``老公打我``, ``chồng đánh tôi``, ``husband hits me``) is
  searched with those terms too, and tasks in the concept's areas rank higher.
- **Cues**: small multilingual word lists naming one idea (``child``: 小孩, 孩子, con, anak,
  ลูก, 아이…; ``slow``: 慢, 晚才, chậm, lambat, 遅い…).
- **Situations**: a combination of cues that describes a life event or a symptom rather than
  a service (``child`` + ``slow`` → ``child-development``; ``partner`` + ``drives-out`` →
  ``violence`` and ``shelter``). A question like 「我兒子很晚才會走路」 names no service; the
  situation supplies the need. Cues combine, so a few dozen words cover many phrasings.

Latin-script phrases match word by word with light morphology (``kicked`` = ``kick``,
``develops`` = ``develop``), typo alternatives, and up to :data:`MAX_GAP` words in between
(``kicked me out`` matches ``kicked out``). Phrases in scripts without spaces are found
anywhere in the question, spaces ignored. Violence concepts put the 113 and 110 hotlines
first. The data lives in ``directory/data/phrases.yaml``; staff can read and extend it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from guankao.core.datafile import load_yaml
from guankao.core.exceptions import DataFileError
from guankao.directory.search.analysis import HAN, NO_SPACE, fold, words

_NON_LATIN = re.compile(f"[{HAN}{NO_SPACE}]")
PHRASES_FILE = "data/phrases.yaml"
MAX_GAP = 2  # words allowed between two words of a Latin-script phrase
# Endings stripped before two Latin words are compared (English mostly; the other Latin-script
# languages of the directory have short words or prefixes and infixes, which this leaves alone).
_SUFFIXES = ("ment", "ing", "ed", "es", "s", "ly")
_MIN_STEM = 4


@functools.lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light stem of a folded Latin word: ``talking``, ``talked``, ``talks`` → ``talk``."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True)
class Phrases:
    """Folded phrases: scripts without spaces as bare strings, Latin as stemmed word tuples."""

    spans: tuple[str, ...]
    word_phrases: tuple[tuple[str, ...], ...]

    def first(
        self, compact: str, alternatives: list[set[str]], present: set[str] | None = None
    ) -> str | None:
        """The first phrase found in the question, or ``None``.

        ``compact`` is the folded question without spaces; ``alternatives`` holds, for each
        Latin word of the question in order, the stems of the word and of its typo candidates;
        ``present`` (all of them at once) may be passed to save work over many calls.
        """
        for span in self.spans:
            if span in compact:
                return span
        if not alternatives:
            return None
        if present is None:
            present = set().union(*alternatives)
        for phrase in self.word_phrases:
            if phrase[0] in present and _occurs(phrase, alternatives):
                return " ".join(phrase)
        return None


def _occurs(phrase: tuple[str, ...], alternatives: list[set[str]]) -> bool:
    for start, options in enumerate(alternatives):
        if phrase[0] not in options:
            continue
        position = start
        for word in phrase[1:]:
            window = alternatives[position + 1 : position + 2 + MAX_GAP]
            step = next((k for k, o in enumerate(window) if word in o), None)
            if step is None:
                break
            position += 1 + step
        else:
            return True
    return False


@dataclass(frozen=True)
class Concept:
    """One thing people need, with the words they use for it."""

    id: str
    areas: tuple[str, ...]
    expand: tuple[str, ...]
    violence: bool
    phrases: Phrases

    @property
    def spans(self) -> tuple[str, ...]:
        return self.phrases.spans

    @property
    def word_phrases(self) -> tuple[tuple[str, ...], ...]:
        return self.phrases.word_phrases


@dataclass(frozen=True)
class Situation:
    """A life event or symptom: every cue group must occur; then the needs are concepts."""

    id: str
    when: tuple[str, ...]  # cue names
    needs: tuple[str, ...]  # concept ids


@dataclass(frozen=True)
class ConceptMatch:
    concept: Concept
    phrase: str  # the phrase found, or ``situation:<id>`` when a situation supplied it


class ConceptTable:
    """All concepts, cues and situations, ready to be matched against folded questions."""

    def __init__(
        self,
        concepts: list[Concept],
        cues: Mapping[str, Phrases] | None = None,
        situations: Iterable[Situation] = (),
    ) -> None:
        self.concepts = tuple(concepts)
        self.cues = dict(cues or {})
        self.situations = tuple(situations)
        self._by_id = {c.id: c for c in self.concepts}
        every = [c.phrases for c in self.concepts] + list(self.cues.values())
        # Known Latin words (stems), so the typo tolerance can correct towards them.
        self.latin_words = frozenset(w for p in every for phrase in p.word_phrases for w in phrase)

    def match(self, folded: str, alternatives: list[set[str]]) -> list[ConceptMatch]:
        """Concepts whose phrases occur in the question, then those its situations need.

        ``alternatives`` holds, for each Latin word of the question in order, the word itself
        and the known words it may be a typo of.
        """
        compact = folded.replace(" ", "")
        stems = [{stem(w) for w in options} | options for options in alternatives]
        present: set[str] = set().union(*stems)
        found: list[ConceptMatch] = []
        for concept in self.concepts:
            phrase = concept.phrases.first(compact, stems, present)
            if phrase is not None:
                found.append(ConceptMatch(concept, phrase))
        seen = {m.concept.id for m in found}
        cue_found: dict[str, bool] = {}
        for situation in self.situations:
            if all(self._cue(name, compact, stems, present, cue_found) for name in situation.when):
                for need in situation.needs:
                    if need not in seen:
                        seen.add(need)
                        found.append(ConceptMatch(self._by_id[need], f"situation:{situation.id}"))
        return found

    def _cue(
        self,
        name: str,
        compact: str,
        stems: list[set[str]],
        present: set[str],
        memo: dict[str, bool],
    ) -> bool:
        if name not in memo:
            memo[name] = self.cues[name].first(compact, stems, present) is not None
        return memo[name]


def _phrases(values: Iterable[str]) -> Phrases:
    spans: list[str] = []
    word_phrases: list[tuple[str, ...]] = []
    for value in values:
        folded = fold(value)
        if _NON_LATIN.search(folded):
            spans.append(folded.replace(" ", ""))
        elif ws := tuple(stem(w) for w in words(folded)):
            word_phrases.append(ws)
    return Phrases(tuple(dict.fromkeys(spans)), tuple(dict.fromkeys(word_phrases)))


def _strings(path: Path, record: str, field: str, values: Any) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise DataFileError(
            file=path.name, record=record, field=field, message="expected a list of phrases"
        )
    return values


def _by_language(path: Path, record: str, field: str, value: Any) -> list[str]:
    """Phrases given per language (a mapping) or as one list."""
    if isinstance(value, list):
        return _strings(path, record, field, value)
    if not isinstance(value, dict):
        raise DataFileError(
            file=path.name, record=record, field=field, message="expected a mapping"
        )
    found: list[str] = []
    for language, values in value.items():
        found += _strings(path, record, f"{field}.{language}", values)
    return found


def parse_phrase_file(path: Path) -> ConceptTable:
    """Read the phrase table; raises ``DataFileError`` naming the record and field at fault."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DataFileError(file=path.name, record="-", field="-", message=str(error)) from None
    if not isinstance(data, dict) or not isinstance(data.get("concepts"), list):
        raise DataFileError(file=path.name, record="-", field="concepts", message="expected a list")
    concepts: list[Concept] = []
    for i, item in enumerate(data["concepts"]):
        record = f"concepts[{i + 1}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise DataFileError(file=path.name, record=record, field="id", message="missing")
        if any(c.id == item["id"] for c in concepts):
            raise DataFileError(file=path.name, record=record, field="id", message="duplicate")
        phrases = _by_language(path, item["id"], "phrases", item.get("phrases") or {})
        concepts.append(
            Concept(
                id=item["id"],
                areas=tuple(item.get("areas") or ()),
                expand=tuple(item.get("expand") or ()),
                violence=bool(item.get("violence", False)),
                phrases=_phrases(phrases),
            )
        )
    raw_cues = data.get("cues") or {}
    if not isinstance(raw_cues, dict):
        raise DataFileError(file=path.name, record="-", field="cues", message="expected a mapping")
    cues = {
        str(name): _phrases(_by_language(path, f"cues.{name}", "phrases", value))
        for name, value in raw_cues.items()
    }
    ids = {c.id for c in concepts}
    situations: list[Situation] = []
    for i, item in enumerate(data.get("situations") or []):
        record = f"situations[{i + 1}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise DataFileError(file=path.name, record=record, field="id", message="missing")
        when = tuple(item.get("when") or ())
        needs = tuple(item.get("needs") or ())
        if not when or any(name not in cues for name in when):
            raise DataFileError(
                file=path.name, record=item["id"], field="when", message="unknown or no cue"
            )
        if not needs or any(need not in ids for need in needs):
            raise DataFileError(
                file=path.name, record=item["id"], field="needs", message="unknown or no concept"
            )
        situations.append(Situation(item["id"], when, needs))
    return ConceptTable(concepts, cues, situations)


@functools.cache
def default_concepts() -> ConceptTable:
    """The phrase table shipped with guankao, read once per process."""
    path = Path(str(files("guankao.directory").joinpath(PHRASES_FILE)))
    return parse_phrase_file(path)
