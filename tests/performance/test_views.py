"""The staff pages and the public report page, through Django's test client."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from guankao.performance.models import Measure, PerformanceReport, Plan, ReportStatus
from tests.performance import factories

pytestmark = pytest.mark.django_db

BASE = "/performance/hsinchu-social/108/"


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(factories.staff_user())
    return client


@pytest.fixture
def editing(staff: Client) -> Client:
    """Staff, with a 勘誤 opened on the published 108 so that its data may be edited."""
    factories.open_correction()
    return staff


def seed_measure(plan: int, indicator: int, position: int = 1) -> Measure:
    return Measure.objects.get(
        indicator__plan__department__slug="hsinchu-social",
        indicator__plan__number=plan,
        indicator__number=indicator,
        position=position,
    )


def measure_post(measure: Measure, **changes: str) -> dict[str, str]:
    """The row's form as the editor sends it, with ``changes``."""
    prefix = f"m{measure.pk}"
    values = {
        "label": measure.label,
        "target": str(measure.target_value),
        "actual": "" if measure.actual is None else str(measure.actual_value),
        "unit": measure.unit,
        "actual_unit": measure.actual_unit,
        "due": "",
        "done": "",
    }
    values.update(changes)
    return {f"{prefix}-{name}": value for name, value in values.items()}


# --- access -------------------------------------------------------------------------------


# /performance/ itself is the public index of published reports (test_scorecard.py).
@pytest.mark.parametrize("path", ["hsinchu-social/108/plans/", "hsinchu-social/108/review/"])
def test_staff_pages_need_a_signed_in_staff_member(client: Client, path: str) -> None:
    response = client.get(f"/performance/{path}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    client.force_login(User.objects.create_user(username="someone", password="x" * 12))
    assert client.get(f"/performance/{path}").status_code == 403


def test_the_published_report_is_public(client: Client) -> None:
    response = client.get(BASE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>新竹市政府社會處108年度施政績效報告</h1>" in html
    assert "社會處自行列管計 14項執行計畫" in html
    assert 'href="/performance/hsinchu-social/108/report.pdf"' in html
    assert "審查檢視" not in html  # no staff actions for the public
    assert "目標可能偏低" not in html


def test_a_draft_report_is_not_public(client: Client) -> None:
    factories.small_report()
    response = client.get("/performance/test-social/113/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/performance/test-social/113/report.pdf").status_code == 302
    client.force_login(User.objects.create_user(username="someone", password="x" * 12))
    assert client.get("/performance/test-social/113/").status_code == 404


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/performance/nowhere/108/plans/", "找不到機關「nowhere」。"),
        ("/performance/hsinchu-social/107/plans/", "社會處沒有 107年度的施政計畫。"),
        ("/performance/hsinchu-social/107/", "找不到社會處 107年度的施政績效報告。"),
        ("/performance/hsinchu-social/108/report.doc", "不支援的格式：doc"),
    ],
)
def test_unknown_department_year_or_format_is_404(staff: Client, path: str, message: str) -> None:
    response = staff.get(path)
    assert response.status_code == 404
    assert f'<p role="alert">{message}</p>' in response.content.decode()


# --- departments and years ------------------------------------------------------------------


def test_departments_and_years(staff: Client, django_assert_max_num_queries: Any) -> None:
    factories.small_report()
    for n in range(3, 30):  # more plans must not mean more queries
        factories.plan(factories.department(), n)
    # the session, the user, the roles, plans, reports, departments, the published index and
    # the cities' years
    with django_assert_max_num_queries(8):
        response = staff.get("/performance/")
    html = response.content.decode()
    assert "新竹市政府社會處108年度施政績效報告" in html
    assert "測試市政府測試處113年度施政績效報告" in html
    assert html.count("<td>108年度</td>") == 1


# --- plan editor -------------------------------------------------------------------------


def test_plan_editor_shows_rule_flags(staff: Client, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(12):
        response = staff.get(BASE + "plans/")
    assert response.status_code == 200
    html = response.content.decode()
    row = html.split(f'<tr id="m{seed_measure(8, 5).pk}"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="flag ratio">84%</span>' in row
    assert '<span class="flag shortfall">未達目標</span>' in row
    low = html.split(f'<tr id="m{seed_measure(12, 1).pk}"', 1)[1].split("</tr>", 1)[0]
    assert "超過目標 50% 以上：目標可能偏低" in low
    # The row's inputs belong to the editor's one save-all form (decision 0070).
    first = seed_measure(1, 1).pk
    assert re.search(rf'<input [^>]*name="m{first}-label"[^>]*form="plans-save"', html)


def test_saving_a_measure_row(editing: Client) -> None:
    measure = seed_measure(8, 5)
    response = editing.post(BASE + f"measures/{measure.pk}/", measure_post(measure, actual="440"))
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}plans/#m{measure.pk}"
    measure.refresh_from_db()
    assert measure.actual == Decimal(440)
    page = editing.get(response["Location"]).content.decode()
    assert "已儲存「身心障礙福利機構資源受益人次」。" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"actual": "三百六十一"}, "輸入一個數字"),
        ({"target": "0"}, "目標值須大於 0。"),
        ({"actual": "-1"}, "實際值不可為負數。"),
    ],
)
def test_bad_measure_input_is_a_form_error_and_nothing_is_saved(
    editing: Client, changes: dict[str, str], message: str
) -> None:
    measure = seed_measure(8, 5)
    response = editing.post(BASE + f"measures/{measure.pk}/", measure_post(measure, **changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert f"<li>{message}</li>" in html
    assert "資料未儲存，請修正標示的欄位。" in html
    fresh = Measure.objects.get(pk=measure.pk)
    assert (fresh.target, fresh.actual) == (Decimal(432), Decimal(361))


def test_milestone_dates_are_typed_as_roc_dates(editing: Client) -> None:
    measure = Measure.objects.get(
        indicator__plan__department__slug="hsinchu-social", label="北區親子館完成設立"
    )
    data = {
        f"m{measure.pk}-label": measure.label,
        f"m{measure.pk}-due": "108/12/31",
        f"m{measure.pk}-done": "109年1月5日",
    }
    assert editing.post(BASE + f"measures/{measure.pk}/", data).status_code == 302
    measure.refresh_from_db()
    assert (measure.due.isoformat(), measure.done.isoformat()) == ("2019-12-31", "2020-01-05")  # type: ignore[union-attr]
    data[f"m{measure.pk}-done"] = "last week"
    response = editing.post(BASE + f"measures/{measure.pk}/", data)
    assert response.status_code == 400
    assert "請以民國日期填寫，例如 108/12/31。" in response.content.decode()


def test_saving_a_plan_and_refusing_text_for_its_budget(editing: Client) -> None:
    plan = Plan.objects.get(department__slug="hsinchu-social", number=6)
    data = {
        f"p{plan.pk}-name": plan.name,
        f"p{plan.pk}-budget_thousands": "4209",
        f"p{plan.pk}-executed_thousands": "4100",
        f"p{plan.pk}-control_code": "5",
        f"p{plan.pk}-control_note": "",
        f"p{plan.pk}-reported_rate": "98",
    }
    assert editing.post(BASE + f"plans/{plan.pk}/", data).status_code == 302
    plan.refresh_from_db()
    assert plan.executed_thousands == 4100
    data[f"p{plan.pk}-budget_thousands"] = "四千"
    response = editing.post(BASE + f"plans/{plan.pk}/", data)
    assert response.status_code == 400
    assert "<li>輸入整數</li>" in response.content.decode()
    data[f"p{plan.pk}-budget_thousands"] = "-5"
    response = editing.post(BASE + f"plans/{plan.pk}/", data)
    assert "<li>預算金額不可為負數。</li>" in response.content.decode()
    plan.refresh_from_db()
    assert plan.budget_thousands == 4209


def test_adding_a_plan_an_indicator_and_a_measure(editing: Client) -> None:
    response = editing.post(
        BASE + "plans/new/",
        {"np-name": "新增計畫", "np-budget_thousands": "100", "np-control_code": "5"},
    )
    plan = Plan.objects.get(department__slug="hsinchu-social", year=2019, number=15)
    assert response["Location"] == f"{BASE}plans/#p{plan.pk}"
    editing.post(
        BASE + f"plans/{plan.pk}/indicators/new/",
        {f"ni{plan.pk}-text": "辦理場次。", f"ni{plan.pk}-standard_text": "辦理 3場。"},
    )
    indicator = plan.indicators.get()
    response = editing.post(
        BASE + f"indicators/{indicator.pk}/measures/new/",
        {
            f"nm{indicator.pk}-label": "場次",
            f"nm{indicator.pk}-kind": "numeric",
            f"nm{indicator.pk}-target": "0",
            f"nm{indicator.pk}-unit": "場",
        },
    )
    assert response.status_code == 400
    assert "目標值須大於 0。" in response.content.decode()
    assert indicator.measures.count() == 0


# --- reviewer view -----------------------------------------------------------------------


def test_review_page_lists_what_a_reviewer_checks(
    staff: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(14):
        response = staff.get(BASE + "review/")
    html = response.content.decode()
    assert html.count('class="shortfall"') == 3  # 參 lists two, one more is a candidate
    candidates = html.split('id="h-cand"', 1)[1].split("</section>", 1)[0]
    assert "身心障礙福利機構資源受益人次" in candidates
    low = html.split('id="low-targets"', 1)[1].split("</table>", 1)[0]
    assert "家庭福利諮詢、關懷訪視及個案管理受益人次" in low
    assert "1,500人次" in low and "8,165人次" in low
    figures = html.split('id="figures"', 1)[1].split("</table>", 1)[0]
    assert "<td>2萬 8,058人次</td><td>計畫一 3項實際值合計（人次）</td>" in figures
    assert (
        '<td>283人次</td><td><span class="flag shortfall">資料中找不到這個數字，請查核</span>'
        in figures
    )


def test_saving_a_shortfall_review(editing: Client) -> None:
    measure = seed_measure(8, 5)
    response = editing.post(
        BASE + f"review/{measure.pk}/",
        {f"r{measure.pk}-reason": "機構床位調整。", f"r{measure.pk}-improvement": "增設據點。"},
    )
    assert response.status_code == 302
    review = measure.shortfall_review
    assert (review.reason, review.improvement) == ("機構床位調整。", "增設據點。")


def test_rate_gap_is_flagged_after_choosing_budget_execution(editing: Client) -> None:
    plan = Plan.objects.get(department__slug="hsinchu-social", number=1)
    editing.post(
        BASE + f"plans/{plan.pk}/",
        {
            f"p{plan.pk}-name": plan.name,
            f"p{plan.pk}-budget_thousands": "900",
            f"p{plan.pk}-executed_thousands": "1080",
            f"p{plan.pk}-control_code": "5",
            f"p{plan.pk}-reported_rate": "100",
        },
    )
    editing.post(BASE + "rate-method/", {"rate_method": "budget"})
    html = editing.get(BASE + "review/").content.decode()
    row = html.split('<tr data-plan="1">', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">120.0%</td>' in row
    assert "填報與計算相差超過 5 個百分點" in row
    report = editing.get(BASE).content.decode()
    assert '<td rowspan="3" class="align-center">120%</td>' in report


# --- status -------------------------------------------------------------------------------


def test_status_buttons_run_the_state_machine(client: Client) -> None:
    report = factories.small_report()
    client.force_login(factories.staff_user())
    url = "/performance/test-social/113/"
    # The button asks first: the confirmation lists what must be fixed, each with a link.
    html = client.post(url + "status/", {"to": "final"}).content.decode()
    assert "確認定稿" in html
    assert f'<a href="{url}review/#r' in html
    assert "計畫二 指標 1 衡量標準1未達目標，尚未填寫未達成原因分析或改進措施" in html
    response = client.post(url + "status/", {"to": "final", "confirmed": "yes"})
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    measure = Measure.objects.get(
        indicator__plan__department=report.department, indicator__plan__number=2
    )
    client.post(url + f"review/{measure.pk}/", {f"r{measure.pk}-reason": "場地整修。"})
    html = client.post(url + "status/", {"to": "final"}).content.decode()
    assert "定稿後，本年度的施政計畫、衡量指標、衡量標準" in html
    assert report.__class__.objects.get(pk=report.pk).status == ReportStatus.DRAFT  # asked only
    confirm = {"confirmed": "yes"}
    response = client.post(url + "status/", {"to": "final", **confirm}, follow=True)
    assert "報告狀態已改為「定稿」。" in response.content.decode()
    response = client.post(url + "status/", {"to": "draft"}, follow=True)  # no question asked
    assert "報告狀態已改為「草稿」。" in response.content.decode()
    client.post(url + "status/", {"to": "final", **confirm})
    html = client.post(url + "status/", {"to": "published"}).content.decode()
    assert "公開後，任何人都能在網站閱讀與下載本報告（第 1 版）" in html
    client.post(url + "status/", {"to": "published", **confirm})
    assert PerformanceReport.objects.get(pk=report.pk).status == ReportStatus.PUBLISHED
    response = client.post(url + "status/", {"to": "draft"}, follow=True)
    assert "報告狀態不能從「已公開」改為「草稿」。" in response.content.decode()


def test_editing_the_preface_and_an_achievement_with_a_live_figure(staff: Client) -> None:
    factories.small_report()
    url = "/performance/test-social/113/edit/"
    response = staff.post(
        url,
        {
            "text": "1",
            "text-title": "測試報告",
            "text-preface": "新的前言。",
            "text-code_footnote": "",
        },
    )
    assert response.status_code == 302
    staff.post(url, {"item": "2", "a2-title": "加總", "a2-body": "共 {plan 2 total}人次。"})
    html = staff.get("/performance/test-social/113/").content.decode()
    assert "新的前言。" in html
    assert "二、加總：共 5,000人次。" in html


@pytest.mark.parametrize(
    ("fmt", "content_type", "disposition"),
    [
        ("pdf", "application/pdf", "attachment"),
        ("odt", "application/vnd.oasis.opendocument.text", "attachment"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "attachment"),
        ("json", "application/json", "attachment"),
        ("html", "text/html; charset=utf-8", "inline"),
    ],
)
def test_downloads(client: Client, fmt: str, content_type: str, disposition: str) -> None:
    response = client.get(f"{BASE}report.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(disposition)
    assert "%E6%96%B0%E7%AB%B9%E5%B8%82" in response["Content-Disposition"]  # 新竹市 in filename*


def test_a_download_follows_every_edit(editing: Client) -> None:
    first = editing.get(f"{BASE}report.json").content
    assert editing.get(f"{BASE}report.json").content == first  # same model, same file (cached)
    measure = seed_measure(1, 1)
    editing.post(BASE + f"measures/{measure.pk}/", measure_post(measure, actual="7100"))
    changed = editing.get(f"{BASE}report.json").content.decode()
    assert changed != first.decode()
    assert "總計受惠 7,100人次。" in changed
