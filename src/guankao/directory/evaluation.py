"""Measuring search quality on the shipped query set (``directory/data/queries.yaml``).

hit@k: one of the first k results (tasks, best first, as ``guankao directory search`` lists
them) belongs to an acceptable agency, as lead or co-lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import yaml

from guankao.directory.languages import BY_CODE
from guankao.directory.snapshot import Directory

QUERIES_FILE = Path(str(files("guankao.directory").joinpath("data/queries.yaml")))


@dataclass(frozen=True)
class Question:
    language: str
    text: str
    agencies: frozenset[str]


@dataclass(frozen=True)
class Outcome:
    question: Question
    found: tuple[frozenset[str], ...]  # agencies of each result, best first

    def hit(self, k: int) -> bool:
        return any(agencies & self.question.agencies for agencies in self.found[:k])


@dataclass(frozen=True)
class LanguageScore:
    language: str
    questions: int
    hit1: float
    hit3: float


def load_questions(path: Path = QUERIES_FILE) -> list[Question]:
    """The query set, with agency aliases resolved to the names the table writes."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = data.get("aliases", {})
    questions: list[Question] = []
    for language, items in data["queries"].items():
        if language not in BY_CODE:
            raise ValueError(f"unknown language {language!r} in {path.name}")
        for item in items:
            agencies = frozenset(aliases.get(a, a) for a in item["agencies"])
            questions.append(Question(language, str(item["q"]), agencies))
    return questions


def run_questions(directory: Directory, questions: list[Question]) -> list[Outcome]:
    """Ask every question; keep the agencies of the first results."""
    outcomes: list[Outcome] = []
    for question in questions:
        ranking = directory.search(question.text, limit=10)
        found: list[frozenset[str]] = []
        for hit in ranking.hits:
            task = directory.tasks[int(hit.key)]
            slugs = (task.agency_slug, *task.co_lead_slugs)
            found.append(frozenset(directory.agencies[s].label for s in slugs))
        outcomes.append(Outcome(question, tuple(found)))
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
            )
        )
    return scores
