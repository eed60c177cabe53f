"""Everyday phrasing (issue 15, item 1; decision 0080): situations, cues, morphology, and a
weak answer that is never an empty one — in the index, the page and the JSON API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from lxml import html  # type: ignore[import-untyped]

from guankao.core.exceptions import DataFileError
from guankao.directory.search.analysis import features
from guankao.directory.search.concepts import parse_phrase_file, stem
from guankao.directory.snapshot import Directory

URL = "/directory/keelung/"
API = "/api/v1/directory/keelung/search"


def agencies(directory: Directory, query: str, k: int = 3) -> set[str]:
    hits = directory.search(query, limit=k).hits
    return {directory.agencies[directory.tasks[int(h.key)].agency_slug].label for h in hits}


def concept_ids(directory: Directory, query: str) -> set[str]:
    return {m.concept.id for m in directory.search(query).concepts}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("小孩發展比較慢", {"衛生局", "社會處"}),
        ("孩子說話比較慢", {"衛生局", "社會處"}),
        ("我兒子很晚才會走路", {"衛生局", "社會處"}),
        ("被老公趕出家門", {"社會處", "警察局"}),
        ("想拿到國中小的學歷", {"教育處"}),
        ("想自己開小吃店", {"勞動部勞動力發展署北基宜花金馬分署基隆就業中心"}),
        ("my child is slow to develop", {"衛生局", "社會處"}),
    ],
)
def test_the_issues_examples_find_the_right_agency(
    keelung: Directory, query: str, expected: set[str]
) -> None:
    ranking = keelung.search(query)
    assert not ranking.weak
    assert agencies(keelung, query) & expected


def test_a_situation_needs_all_its_cues(keelung: Directory) -> None:
    # child + slow + growing: a symptom, not a service name.
    assert "child-development" in concept_ids(keelung, "我女兒三歲了講話還不清楚")
    # A child alone, or slowness alone, is not a developmental delay.
    assert "child-development" not in concept_ids(keelung, "我女兒三歲了")
    assert "child-development" not in concept_ids(keelung, "網路很慢")


def test_a_partner_driving_someone_out_is_violence_and_shelter(keelung: Directory) -> None:
    ranking = keelung.search("先生喝醉就會摔東西罵我")
    assert ranking.violence
    found = {m.concept.id: m.phrase for m in ranking.concepts}
    assert found["violence"] == "situation:driven-out-or-threatened-by-partner"
    assert "shelter" in found
    assert "社會處" in agencies(keelung, "先生喝醉就會摔東西罵我", 2)


@pytest.mark.parametrize(
    "query", ["아이가 말이 늦어요", "남편이 때려요", "夫に家を追い出された", "子どもの言葉が遅い"]
)
def test_korean_and_japanese_questions_answer(keelung: Directory, query: str) -> None:
    ranking = keelung.search(query)
    assert ranking.hits and not ranking.weak


def test_code_mixed_questions_answer(keelung: Directory) -> None:
    assert agencies(keelung, "my 老公 hit me") >= {"社會處"}
    assert "移民署基隆市服務站" in agencies(keelung, "我想apply居留證延期")


def test_hangul_and_kana_give_features() -> None:
    assert "b:남편" in features("남편이 때려요")
    assert "t:남편이" in features("남편이 때려요")
    assert any(f.startswith("b:") for f in features("ひらがな"))


@pytest.mark.parametrize(
    ("word", "expected"),
    [("talking", "talk"), ("kicked", "kick"), ("develops", "develop"), ("development", "develop")],
)
def test_light_stemming(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_short_words_keep_their_ending() -> None:
    assert stem("bus") == "bus" and stem("chua") == "chua"


def test_latin_phrases_allow_words_in_between(keelung: Directory) -> None:
    # The table says "kicked out"; people write "kicked me out".
    assert "shelter" in concept_ids(keelung, "he kicked me out")
    assert "shelter" not in concept_ids(keelung, "he kicked the ball and went out to play")


def test_weak_answer_is_never_empty(keelung: Directory) -> None:
    for query in ("I like pizza", "天氣如何", "😀", "", "qwxz"):
        ranking = keelung.search(query)
        assert ranking.weak
        assert ranking.closest, query
        assert set(ranking.closest) <= set(keelung.areas)


def test_closest_areas_follow_the_question(keelung: Directory) -> None:
    ranking = keelung.search("想自己開小吃店")
    assert ranking.closest[0] == "employment-rights"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "phrases.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = "concepts:\n  - {id: need, areas: [a], phrases: {en: [need]}}\n"


def test_situation_with_an_unknown_cue_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, BASE + "situations:\n  - {id: s, when: [nope], needs: [need]}\n")
    with pytest.raises(DataFileError, match="cue"):
        parse_phrase_file(path)


def test_situation_with_an_unknown_need_is_refused(tmp_path: Path) -> None:
    text = BASE + "cues:\n  c: [word]\nsituations:\n  - {id: s, when: [c], needs: [nope]}\n"
    with pytest.raises(DataFileError, match="concept"):
        parse_phrase_file(write(tmp_path, text))


def test_cues_must_be_lists_of_phrases(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="list of phrases"):
        parse_phrase_file(write(tmp_path, BASE + "cues:\n  c: [1, 2]\n"))


def test_shipped_table_has_situations_over_known_cues() -> None:
    from guankao.directory.search.concepts import default_concepts

    table = default_concepts()
    assert len(table.situations) >= 8
    assert all(set(s.when) <= set(table.cues) for s in table.situations)


def page(client: Client, **params: str) -> Any:
    response = client.get(URL, params)
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


@pytest.mark.django_db
def test_weak_page_says_so_with_closest_areas_hotlines_and_tips(client: Client) -> None:
    tree = page(client, q="I like pizza", lang="zh-hant")
    section = tree.xpath("//section[@class='no-match']")[0]
    assert section.xpath("string(h2)") == "找不到很符合的結果"
    assert [a.get("href") for a in section.xpath(".//a[starts-with(@href, 'tel:')]")]
    assert len(section.xpath(".//ul[@class='rephrase']/li")) == 3
    links = tree.xpath("//section[@class='closest']//a/@href")
    assert 1 <= len(links) <= 3
    for link in links:
        assert client.get(link).status_code == 200


@pytest.mark.django_db
def test_good_answer_has_no_weak_notice(client: Client) -> None:
    tree = page(client, q="被老公趕出家門", lang="zh-hant")
    assert not tree.xpath("//section[@class='no-match']")
    assert not tree.xpath("//section[@class='closest']")
    assert tree.xpath("//section[@class='results']//a[starts-with(@href, 'tel:')]")


@pytest.mark.django_db
def test_api_weak_answer_has_closest_areas_and_hotlines(client: Client) -> None:
    data = json.loads(client.get(API, {"q": "I like pizza", "lang": "en"}).content)
    assert data["weak"] is True
    assert data["results"] == []
    assert data["hotlines"]
    assert data["closest"] and all(c["slug"] and c["name"] for c in data["closest"])
    assert client.get(data["closest"][0]["url"]).status_code == 200


@pytest.mark.django_db
def test_api_good_answer_is_not_weak(client: Client) -> None:
    data = json.loads(client.get(API, {"q": "my child is slow to develop", "lang": "en"}).content)
    assert data["weak"] is False
    assert data["results"]
    assert data["closest"][0]["slug"] in {"child-rearing", "health-care"}


@pytest.mark.parametrize(
    ("query", "concept"),
    [
        ("孩子放學後去哪裡玩", "child-development"),
        ("my son likes football", "child-development"),
        ("老公今天加班", "violence"),
        ("老公喝醉了", "violence"),
        ("想去夜市吃小吃", "business"),
    ],
)
def test_everyday_words_alone_do_not_make_a_situation(
    keelung: Directory, query: str, concept: str
) -> None:
    assert concept not in concept_ids(keelung, query)


@pytest.mark.django_db
def test_weak_page_lists_the_lines_answering_in_the_language_now_first(client: Client) -> None:
    from guankao.directory.hotlines import hotlines_for

    tree = page(client, q="qwxz", lang="vi")
    calls = tree.xpath("//section[@class='no-match']//a[starts-with(@href, 'tel:')]/@href")
    now = [h.phone.tel_uri for h in hotlines_for("vi")]
    assert calls[: len(now)] == now
    assert sorted(calls) == sorted({"tel:1990", "tel:113", "tel:110"})
