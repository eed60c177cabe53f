"""The public pages, parsed as HTML: languages, tap-to-call links, hotlines, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from lxml import html  # type: ignore[import-untyped]

from guankao.directory.languages import BY_CODE

URL = "/directory/keelung/"


def page(client: Client, url: str, **params: str) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


def texts(tree: Any, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(BY_CODE))
def test_home_in_every_language(client: Client, code: str) -> None:
    tree = page(client, URL, lang=code)
    assert tree.get("lang") == code
    assert tree.xpath("//form[@role='search']//input[@name='q']")
    assert (
        len(tree.xpath("//section[@aria-labelledby='by-area']//li")) == 10
    )  # 11 areas less 健全法令制度, whose only task (the committee) is internal
    drafts = tree.xpath("//p[contains(@class, 'notice')]")
    assert bool(drafts) == (code != "zh-hant")


@pytest.mark.django_db
def test_vietnamese_question_shows_agency_and_tel_link(client: Client) -> None:
    tree = page(client, URL, q="Tôi muốn thi nhập quốc tịch", lang="vi")
    groups = tree.xpath("//section[@class='results']/section[@class='agency-group']")
    assert groups
    labels = [texts(g, ".//h3")[0] for g in groups[:2]]
    assert "Sở Dân chính" in labels
    civil = groups[labels.index("Sở Dân chính")]
    assert civil.xpath(".//a[@href='tel:+886224201122,1632']")


@pytest.mark.django_db
def test_violence_question_shows_113_and_110_before_results(client: Client) -> None:
    tree = page(client, URL, q="老公打我")
    calls = [a.get("href") for a in tree.xpath("//main//a[starts-with(@href, 'tel:')]")]
    assert calls[:2] == ["tel:113", "tel:110"]
    assert "tel:+886224320495" in calls  # 社會處
    assert "tel:+886224252787" in calls  # 警察局


@pytest.mark.django_db
def test_shared_task_shows_both_agencies(client: Client) -> None:
    tree = page(client, URL, q="受暴 保護")
    co_leads = texts(tree, "//p[@class='co-leads']")
    assert any("警察局" in t for t in co_leads)
    assert any("社會處" in t for t in co_leads)


@pytest.mark.django_db
def test_no_match_shows_areas_and_hotlines(client: Client) -> None:
    tree = page(client, URL, q="I like pizza", lang="en")
    assert tree.xpath("//section[@class='no-match']")
    calls = [a.get("href") for a in tree.xpath("//section[@class='no-match']//a")]
    assert calls == ["tel:1990", "tel:113", "tel:110"]
    assert (
        len(tree.xpath("//section[@aria-labelledby='by-area']//li")) == 10
    )  # 11 areas less 健全法令制度, whose only task (the committee) is internal


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "",
        "x" * 2000,
        "😀😀😀",
        "' OR 1=1; DROP TABLE divisions_task; --",
        "<script>alert(1)</script><b>",
    ],
)
def test_bad_input_is_a_normal_page(client: Client, query: str) -> None:
    response = client.get(URL, {"q": query, "lang": "en"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "<b>" not in body


@pytest.mark.django_db
def test_unknown_language_falls_back_to_the_source(client: Client) -> None:
    tree = page(client, URL, lang="<x>")
    assert tree.get("lang") == "zh-hant"


@pytest.mark.django_db
def test_area_and_agency_pages(client: Client) -> None:
    tree = page(client, URL + "areas/personal-safety/", lang="th")
    assert texts(tree, "//h1") == ["การคุ้มครองความปลอดภัยส่วนบุคคล"]
    assert {texts(g, ".//h3")[0] for g in tree.xpath("//section[@class='agency-group']")} == {
        "สำนักงานกิจการสังคม",
        "สำนักงานตำรวจ",
    }
    tree = page(client, URL + "agencies/keelung-tourism-news/", lang="en")
    assert texts(tree, "//h1") == ["Press Section, Department of Tourism and Marketing"]
    assert tree.xpath("//a[@href='tel:+886224201122,2911']")
    assert len(tree.xpath("//li[@class='task']")) == 2


@pytest.mark.django_db
def test_unknown_pages_are_404(client: Client) -> None:
    assert client.get("/directory/nowhere/").status_code == 404
    assert client.get(URL + "areas/nothing/").status_code == 404
    assert client.get(URL + "agencies/nothing/").status_code == 404


@pytest.mark.django_db
def test_pages_make_few_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    client.get(URL)  # build the cached directory
    for url, params in [
        (URL, {"q": "健保", "lang": "vi"}),
        (URL, {"lang": "km"}),
        (URL + "areas/health-care/", {"lang": "my"}),
        (URL + "agencies/keelung-health/", {"lang": "id"}),
    ]:
        with django_assert_max_num_queries(2):
            assert client.get(url, params).status_code == 200


@pytest.mark.django_db
def test_building_the_directory_takes_a_fixed_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    from guankao.directory.snapshot import build_directory

    # Eight for the table, two for the national hotlines it holds.
    with django_assert_max_num_queries(10):
        directory = build_directory("keelung")
    # 53 tasks: 43 public, 10 internal kept apart (decision 0075).
    assert directory is not None and len(directory.tasks) == 43
    assert len(directory.internal_tasks) == 10
