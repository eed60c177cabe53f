"""Measuring search quality on the shipped query sets.

- ``queries.yaml``: the first set, written next to the phrase table.
- ``queries_everyday.yaml`` (dev) and ``queries_heldout.yaml`` (held out): everyday questions
  written from personas before the phrase table was read (decision 0080). The phrase table may
  be tuned on dev, never on held-out; :func:`split_of` says which file a question belongs in.

hit@k: one of the first k results (tasks, best first, as ``guankao directory search`` lists
them) belongs to an acceptable agency, as lead or co-lead. An *empty* answer has neither a
result nor a closest area to offer (goal 0); a *weak* one says it found nothing very close.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from guankao.core.datafile import load_yaml
from guankao.directory.languages import BY_CODE
from guankao.directory.snapshot import Directory

_DATA = files("guankao.directory").joinpath("data")
QUERIES_FILE = Path(str(_DATA.joinpath("queries.yaml")))
EVERYDAY_FILE = Path(str(_DATA.joinpath("queries_everyday.yaml")))
HELDOUT_FILE = Path(str(_DATA.joinpath("queries_heldout.yaml")))
HELDOUT_SHARE = 4  # in ten


def split_of(language: str, text: str, *, issue: bool = False) -> str:
    """``"dev"`` or ``"held-out"``: fixed by a hash, so no one picks which questions to tune on.

    The issue's own failing examples (``issue``) must work, so they are always dev.
    """
    if issue:
        return "dev"
    digest = hashlib.sha256(f"{language}\n{text}".encode()).digest()
    return "held-out" if digest[0] % 10 < HELDOUT_SHARE else "dev"


@dataclass(frozen=True)
class Question:
    language: str
    text: str
    agencies: frozenset[str]
    issue: bool = False  # one of the issue's own failing examples


@dataclass(frozen=True)
class Outcome:
    question: Question
    found: tuple[frozenset[str], ...]  # agencies of each result, best first
    weak: bool = False
    closest: int = 0  # closest areas offered
    internal: int = 0  # internal tasks among the results (goal 0)

    @property
    def empty(self) -> bool:
        """Nothing to offer at all: no result and no closest area."""
        return not self.found and not self.closest

    def hit(self, k: int) -> bool:
        return any(agencies & self.question.agencies for agencies in self.found[:k])


@dataclass(frozen=True)
class LanguageScore:
    language: str
    questions: int
    hit1: float
    hit3: float
    empty: float = 0.0
    weak: float = 0.0
    internal: int = 0


def load_questions(path: Path = QUERIES_FILE) -> list[Question]:
    """The query set, with agency aliases resolved to the names the table writes."""
    data = load_yaml(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = data.get("aliases", {})
    questions: list[Question] = []
    for language, items in data["queries"].items():
        if language not in BY_CODE:
            raise ValueError(f"unknown language {language!r} in {path.name}")
        for item in items:
            agencies = frozenset(aliases.get(a, a) for a in item["agencies"])
            questions.append(
                Question(language, str(item["q"]), agencies, bool(item.get("issue", False)))
            )
    return questions


def run_questions(directory: Directory, questions: list[Question]) -> list[Outcome]:
    """Ask every question; keep the agencies of the first results."""
    outcomes: list[Outcome] = []
    for question in questions:
        ranking = directory.search(question.text, limit=10)
        found: list[frozenset[str]] = []
        internal = 0
        for hit in ranking.hits:
            # Counted, not trusted: an internal task among the answers is a failure (goal 0).
            task = directory.tasks.get(int(hit.key)) or directory.internal_tasks[int(hit.key)]
            internal += task.internal
            slugs = (task.agency_slug, *task.co_lead_slugs)
            found.append(frozenset(directory.agencies[s].label for s in slugs))
        outcomes.append(
            Outcome(question, tuple(found), ranking.weak, len(ranking.closest), internal)
        )
    return outcomes


def score_by_language(outcomes: list[Outcome]) -> list[LanguageScore]:
    """hit@1 and hit@3 per language, in the directory's language order."""
    scores: list[LanguageScore] = []
    for code in BY_CODE:
        mine = [o for o in outcomes if o.question.language == code]
        if not mine:
            continue
        scores.append(
            LanguageScore(
                language=code,
                questions=len(mine),
                hit1=sum(o.hit(1) for o in mine) / len(mine),
                hit3=sum(o.hit(3) for o in mine) / len(mine),
                empty=sum(o.empty for o in mine) / len(mine),
                weak=sum(o.weak for o in mine) / len(mine),
                internal=sum(o.internal for o in mine),
            )
        )
    return scores


def overall(outcomes: list[Outcome]) -> LanguageScore:
    """The same figures over all languages at once."""
    n = len(outcomes) or 1
    return LanguageScore(
        language="all",
        questions=len(outcomes),
        hit1=sum(o.hit(1) for o in outcomes) / n,
        hit3=sum(o.hit(3) for o in outcomes) / n,
        empty=sum(o.empty for o in outcomes) / n,
        weak=sum(o.weak for o in outcomes) / n,
        internal=sum(o.internal for o in outcomes),
    )
