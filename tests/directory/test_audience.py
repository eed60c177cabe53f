"""Public and internal tasks (issue 15, item 2; decision 0075): internal work is never an answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from lxml import html  # type: ignore[import-untyped]

from guankao.directory.presenters import present_search
from guankao.directory.snapshot import Directory
from guankao.divisions.audience import default_audience, parse_audience
from guankao.divisions.models import Task, TaskAudience

URL = "/directory/keelung/"
HSDS = "/hsds/keelung/"
SEED = Path(__file__).parents[2] / "src/guankao/seeds/keelung-division-112.7.yaml"
INTERNAL_WORDS = ("教育訓練", "師資", "種子教師", "委員會", "聯繫媒體", "教師新住民多元文化研習")


def seed_tasks() -> list[dict[str, Any]]:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    return [task for agency in data["agencies"] for task in agency.get("tasks", [])]


def tree_of(client: Client, url: str, **params: str) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


def texts(tree: Any, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]


@pytest.mark.django_db
def test_the_seed_marks_ten_internal_tasks() -> None:
    internal = list(
        Task.objects.filter(table__jurisdiction__slug="keelung", audience=TaskAudience.INTERNAL)
        .order_by("position")
        .values_list("text", flat=True)
    )
    assert len(internal) == 10
    assert "辦理新住民成人基本教育師資研習及補充教材研發。" in internal
    assert "加強並落實參與保護性案件服務人員之家庭暴力防治教育訓練。" in internal
    assert "聯繫媒體並刊登。" in internal
    # Classes *for* new immigrants stay public although they are 研習班.
    assert not any("成人基本教育研習班" in text for text in internal)


def test_the_rule_agrees_with_the_reading_of_every_seed_task() -> None:
    """The import's default (no audience column) classifies the seed as a person did."""
    tasks = seed_tasks()
    assert len(tasks) == 53
    for task in tasks:
        assert default_audience(task["text"]) == task.get("audience", "public"), task["text"]


@pytest.mark.parametrize(
    ("text", "audience"),
    [
        ("召開跨局處聯繫會議。", "internal"),
        ("辦理志工及服務人員培訓。", "internal"),
        ("通譯人才培訓及提供醫療生育諮詢及服務。", "public"),
        ("辦理新住民成人基本教育研習班。", "public"),
        ("提供新住民就業服務及職業訓練。", "public"),
    ],
)
def test_default_audience(text: str, audience: str) -> None:
    assert default_audience(text) == audience


def test_audience_cell_words() -> None:
    assert parse_audience("內部業務") == "internal"
    assert parse_audience(" 對外 ") == "public"
    assert parse_audience("Internal") == "internal"
    assert parse_audience("也許") is None


def _answers(directory: Directory, query: str, code: str) -> list[str]:
    view = present_search(directory, directory.search(query, limit=100), code)
    return [t.text.source for t in view.tasks]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "code"),
    [("my husband hits me", "en"), ("老公打我", "zh-hant"), ("家庭暴力 教育訓練", "zh-hant")],
)
def test_violence_questions_return_no_internal_task(
    keelung: Directory, query: str, code: str
) -> None:
    answers = _answers(keelung, query, code)
    assert answers, query
    internal = {t.text.source for t in keelung.internal_tasks.values()}
    assert not internal & set(answers)
    assert not any("教育訓練" in a for a in answers)


@pytest.mark.django_db
def test_learn_chinese_returns_no_teacher_training(keelung: Directory) -> None:
    answers = _answers(keelung, "learn Chinese", "en")
    assert answers
    assert not any("師資" in a or "教師" in a for a in answers)


@pytest.mark.django_db
def test_no_public_output_offers_an_internal_task(client: Client, keelung: Directory) -> None:
    internal_ids = {str(pk) for pk in keelung.internal_tasks}
    assert len(internal_ids) == 10
    # The JSON API, for a question that names internal work outright.
    found = client.get("/api/v1/directory/keelung/search", {"q": "師資研習 委員會", "limit": "100"})
    assert found.status_code == 200
    assert {str(r["task_id"]) for r in found.json()["results"]}.isdisjoint(internal_ids)
    # HSDS services: every public task, no internal one.
    services = client.get(HSDS + "services", {"per_page": "100"})
    assert services.status_code == 200
    contents = services.json()["contents"]
    assert len(contents) == 43
    shown = json.dumps(contents, ensure_ascii=False)
    assert "辦理新住民成人基本教育研習班" in shown  # the check below can fail
    for text in INTERNAL_WORDS:
        assert text not in shown
    # The area pages.
    for area in keelung.used_areas():
        body = client.get(f"{URL}areas/{area.slug}/").content.decode()
        assert "師資研習" not in body and "聯繫媒體" not in body, area.slug
    # An area whose only task is internal (健全法令制度: the committee) has no public page.
    committee = next(t for t in keelung.internal_tasks.values() if "委員會" in t.text.source)
    assert committee.area_slug not in {a.slug for a in keelung.used_areas()}
    assert client.get(f"{URL}areas/{committee.area_slug}/").status_code == 404


@pytest.mark.django_db
def test_agency_page_lists_internal_tasks_apart(client: Client) -> None:
    tree = tree_of(client, URL + "agencies/keelung-education/")
    public = texts(tree, "//ul[@aria-labelledby='public-tasks']/li/p[@class='task-text']")
    internal = texts(tree, "//section[@class='internal-tasks']//p[@class='task-text']")
    assert texts(tree, "//section[@class='internal-tasks']/h2") == ["內部業務（不對外服務）"]
    assert "辦理新住民成人基本教育師資研習及補充教材研發。" in internal
    assert "加強種子教師跨文化培訓。" in internal
    assert not set(public) & set(internal)
    assert len(public) + len(internal) == 13
    assert "辦理新住民成人基本教育研習班" in " ".join(public)


@pytest.mark.django_db
@pytest.mark.parametrize("agency", ["keelung-social", "keelung-police", "keelung-education"])
def test_agency_page_lists_a_shared_task_once_and_not_as_its_own_co_lead(
    client: Client, agency: str
) -> None:
    tree = tree_of(client, f"{URL}agencies/{agency}/")
    items = texts(tree, "//main//p[@class='task-text']")
    assert items
    assert len(items) == len(set(items)), items
    own = f"/directory/keelung/agencies/{agency}/"
    co_lead_links = [
        a.get("href").split("?")[0] for a in tree.xpath("//main//p[@class='co-leads']/a")
    ]
    assert own not in co_lead_links


@pytest.mark.django_db
def test_shared_task_on_the_police_page_names_the_social_affairs_department(
    client: Client,
) -> None:
    tree = tree_of(client, URL + "agencies/keelung-police/")
    task = tree.xpath(
        "//ul[@aria-labelledby='public-tasks']/li[p[@class='task-text'][contains(., '受暴新住民')]]"
    )
    assert len(task) == 1
    links = [a.get("href").split("?")[0] for a in task[0].xpath(".//p[@class='co-leads']/a")]
    assert links == ["/directory/keelung/agencies/keelung-social/", "tel:+886224320495"]


@pytest.mark.django_db
def test_an_import_reads_the_audience_column_else_the_rule(tmp_path: Path) -> None:
    from guankao.imports.services import division_import, division_target
    from tests.imports import builders

    rows = [
        ["項目", "業務內容", "主辦單位", "業務性質"],
        ["生活適應輔導", "1.辦理新住民生活適應輔導班及活動。", "民政處", "對外服務"],
        ["", "2.辦理志工聯繫會議。", "", ""],  # blank: the rule (聯繫會議 → internal)
        ["", "3.提供生活適應及法律諮詢服務。", "", "內部業務"],  # the column wins over the rule
        ["人身安全保護", "1.落實家庭暴力通報制度。", "警察局", "也許"],  # unknown: warned, rule
    ]
    path = builders.csv_file(tmp_path / "分工表.csv", rows, "utf-8")
    target = division_target(jurisdiction="keelung", version="114.3")
    preview = division_import(path=path, filename=path.name, target=target, actor=None, save=True)
    assert any("業務性質「也許」無法辨識" in str(issue) for issue in preview.issues)
    saved = {
        (t.agency.label, t.number): t.audience
        for t in Task.objects.filter(table__effective_month__year=2025).select_related("agency")
    }
    assert saved == {
        ("民政處", 1): "public",
        ("民政處", 2): "internal",
        ("民政處", 3): "internal",
        ("警察局", 1): "public",
    }
    # Staff correct one in the admin; importing the file again without the column keeps it.
    Task.objects.filter(table__effective_month__year=2025, number=2).update(audience="public")
    no_column = [row[:3] for row in rows]
    path = builders.csv_file(tmp_path / "分工表2.csv", no_column, "utf-8")
    division_import(path=path, filename=path.name, target=target, actor=None, save=True)
    kept = Task.objects.get(table__effective_month__year=2025, agency__label="民政處", number=2)
    assert kept.audience == "public"
