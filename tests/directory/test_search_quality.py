"""The shipped query set: hit@3 of at least 90% in every language (the issue's goal)."""

from __future__ import annotations

from guankao.directory.evaluation import load_questions, run_questions, score_by_language
from guankao.directory.languages import BY_CODE
from guankao.directory.snapshot import Directory


def test_query_set_is_large_and_covers_every_language() -> None:
    questions = load_questions()
    assert len(questions) >= 100
    assert {q.language for q in questions} == set(BY_CODE)


def test_hit_at_3_is_at_least_90_percent_in_every_language(keelung: Directory) -> None:
    scores = score_by_language(run_questions(keelung, load_questions()))
    assert {s.language for s in scores} == set(BY_CODE)
    low = {s.language: s.hit3 for s in scores if s.hit3 < 0.9}
    assert low == {}


def test_query_set_names_only_real_agencies(keelung: Directory) -> None:
    labels = {a.label for a in keelung.agencies.values()}
    for question in load_questions():
        assert question.agencies <= labels, question.text
