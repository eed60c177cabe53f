"""Searching the Keelung directory: colloquial words, synonyms, scripts, bad input."""

from __future__ import annotations

import pytest

from guankao.directory.snapshot import Directory


def agencies(directory: Directory, query: str, k: int = 3) -> list[str]:
    hits = directory.search(query, limit=k).hits
    return [directory.agencies[directory.tasks[int(h.key)].agency_slug].label for h in hits]


def keys(directory: Directory, query: str, k: int = 5) -> list[str]:
    return [h.key for h in directory.search(query, limit=k).hits]


def test_colloquial_violence_question_finds_protection(keelung: Directory) -> None:
    ranking = keelung.search("老公打我")
    assert ranking.violence
    top = agencies(keelung, "老公打我", 2)
    assert set(top) == {"社會處", "警察局"}
    task = keelung.tasks[int(ranking.hits[0].key)]
    assert keelung.areas[task.area_slug].name.source == "人身安全保護"


def test_two_character_term_works(keelung: Directory) -> None:
    assert set(agencies(keelung, "家暴", 2)) == {"社會處", "警察局"}
    assert keelung.search("家暴").violence


@pytest.mark.parametrize(
    ("colloquial", "formal"),
    [("健保", "全民健康保險"), ("陸配", "大陸配偶"), ("入籍", "歸化")],
)
def test_synonyms_reach_the_same_first_task(
    keelung: Directory, colloquial: str, formal: str
) -> None:
    assert keys(keelung, colloquial, 1) == keys(keelung, formal, 1)


def test_simplified_and_traditional_are_alike(keelung: Directory) -> None:
    assert keys(keelung, "发展迟缓早期疗育") == keys(keelung, "發展遲緩早期療育")


def test_vietnamese_with_or_without_tones(keelung: Directory) -> None:
    assert keys(keelung, "Chồng tôi đánh tôi") == keys(keelung, "chong toi danh toi")
    assert set(agencies(keelung, "chong toi danh toi", 2)) == {"社會處", "警察局"}


def test_typos_in_latin_scripts_are_tolerated(keelung: Directory) -> None:
    assert "民政處" in agencies(keelung, "naturalizaton tset")
    assert agencies(keelung, "homwork help after scool", 1) == ["教育處"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 2000,
        "😀🙏😀",
        "'; DROP TABLE divisions_task; --",
        "<script>alert(1)</script>",
    ],
)
def test_bad_input_never_fails(keelung: Directory, query: str) -> None:
    ranking = keelung.search(query)
    assert all(h.score > 0 for h in ranking.hits)


def test_nothing_matches_an_unrelated_question(keelung: Directory) -> None:
    assert keelung.search("I like pizza").hits == ()
    assert keelung.search("天氣如何").hits == ()


def test_results_are_best_first(keelung: Directory) -> None:
    scores = [h.score for h in keelung.search("找工作 職業訓練").hits]
    assert scores == sorted(scores, reverse=True)
