"""The plan editor saves every changed row at once (issue 12, item 5; decision 0070): the page's
inputs all belong to one form, the server writes the rows that changed in one transaction, or
none of them with every posted value shown again; a locked year answers 409."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import lxml.html  # type: ignore[import-untyped]
import pytest
from django.test import Client

from guankao.core.models import AuditEntry
from guankao.performance.models import Indicator, Measure, PerformanceReport, Plan
from tests.performance import factories

pytestmark = pytest.mark.django_db

BASE = "/performance/hsinchu-social/108/"
SAVE = BASE + "plans/save/"


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(factories.staff_user())
    return client


@pytest.fixture
def editing(staff: Client) -> Client:
    """Staff, with a 勘誤 opened on the published 108 so that its data may change."""
    factories.open_correction()
    return staff


def seed_measure(plan: int, indicator: int, position: int = 1) -> Measure:
    return Measure.objects.get(
        indicator__plan__department__slug="hsinchu-social",
        indicator__plan__number=plan,
        indicator__number=indicator,
        position=position,
    )


def page_form(client: Client, path: str = BASE + "plans/") -> dict[str, str]:
    """Every input of the editor's save-all form as the page renders it (what a browser posts
    when nothing was typed): the fields that name ``form="plans-save"``."""
    response = client.get(path)
    assert response.status_code == 200
    return form_values(response.content.decode())


def form_values(html: str) -> dict[str, str]:
    """The save-all form's fields in ``html`` with their values, as a browser would post them."""
    tree = lxml.html.fromstring(html)
    values: dict[str, str] = {}
    for element in tree.xpath('//*[@form="plans-save"][@name]'):
        if element.tag == "select":
            chosen = element.xpath("option[@selected]/@value")
            values[element.get("name")] = chosen[0] if chosen else ""
        elif element.tag == "textarea":
            # A browser sends a textarea's line ends as CRLF (the seed's texts have several).
            text = element.text_content().removeprefix("\n")
            values[element.get("name")] = text.replace("\n", "\r\n")
        elif element.tag == "input":
            values[element.get("name")] = element.get("value", "")
    return values


def audit_entries_for(obj: Any) -> int:
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).count()


def test_every_row_input_belongs_to_the_save_all_form(staff: Client) -> None:
    response = staff.get(BASE + "plans/")
    tree = lxml.html.fromstring(response.content.decode())
    (form,) = tree.xpath('//form[@id="plans-save"]')
    assert form.get("action") == SAVE
    # 14 plans × 6 fields, 53 indicators × 3 texts: every row input names the one form.
    rows = tree.xpath(
        "//tr[@data-row]//input | //tr[@data-row]//select | //tr[@data-row]//textarea"
    )
    assert rows
    assert {element.get("form") for element in rows} == {"plans-save"}
    buttons = tree.xpath("//tr[@data-row]//button")
    assert {b.get("form") for b in buttons} == {"plans-save"}
    assert {b.get("value")[0] for b in buttons} == {"p", "i", "m"}
    # No per-row form is left on the page, and the unsaved marks are there, hidden.
    assert not tree.xpath('//form[starts-with(@id, "form-")]')
    assert len(tree.xpath("//*[@data-unsaved-flag][@hidden]")) == len(buttons)


def test_two_rows_changed_are_both_saved_in_one_post(editing: Client) -> None:
    measure = seed_measure(8, 5)
    plan = Plan.objects.get(department__slug="hsinchu-social", year=2019, number=3)
    other = seed_measure(1, 1)
    before = (audit_entries_for(measure), audit_entries_for(plan), audit_entries_for(other))
    data = page_form(editing)
    data[f"m{measure.pk}-actual"] = "440"
    data[f"p{plan.pk}-executed_thousands"] = "12345"
    data["row"] = f"m{measure.pk}"

    response = editing.post(SAVE, data, follow=True)

    assert response.redirect_chain == [(f"{BASE}plans/#m{measure.pk}", 302)]
    assert [str(m) for m in response.context["messages"]] == ["已儲存 2 項變更。"]
    measure.refresh_from_db()
    plan.refresh_from_db()
    other.refresh_from_db()
    assert measure.actual == 440
    assert plan.executed_thousands == 12345
    after = (audit_entries_for(measure), audit_entries_for(plan), audit_entries_for(other))
    # One audit entry per row written; the untouched row is not written (nor audited).
    assert after[0] >= before[0] + 1
    assert after[1] == before[1] + 1
    assert after[2] == before[2]
    # Both values are in the page shown after the save.
    shown = form_values(response.content.decode())
    assert shown[f"m{measure.pk}-actual"] == "440"
    assert shown[f"p{plan.pk}-executed_thousands"] == "12345"


def test_one_refused_row_saves_nothing_and_keeps_every_posted_value(editing: Client) -> None:
    good = seed_measure(8, 5)
    bad = seed_measure(1, 1)
    indicator = Indicator.objects.get(pk=bad.indicator_id)
    entries = AuditEntry.objects.count()
    data = page_form(editing)
    data[f"m{good.pk}-actual"] = "440"
    data[f"m{bad.pk}-actual"] = "-1"  # refused by the model's rule
    data[f"i{indicator.pk}-text"] = "改寫後的衡量指標"
    data[f"p{good.indicator.plan_id}-budget_thousands"] = "很多"  # refused by the form

    response = editing.post(SAVE, data)

    assert response.status_code == 400
    good.refresh_from_db()
    bad.refresh_from_db()
    indicator.refresh_from_db()
    assert (good.actual, bad.actual) == (Decimal(361), Decimal(7048))
    assert indicator.text != "改寫後的衡量指標"
    assert AuditEntry.objects.count() == entries
    html = response.content.decode()
    shown = form_values(html)
    # What was typed, in the refused rows and in the valid ones.
    assert shown[f"m{good.pk}-actual"] == "440"
    assert shown[f"m{bad.pk}-actual"] == "-1"
    assert shown[f"i{indicator.pk}-text"] == "改寫後的衡量指標"
    assert shown[f"p{good.indicator.plan_id}-budget_thousands"] == "很多"
    tree = lxml.html.fromstring(html)
    summary = tree.xpath('//*[@id="error-summary"]')[0]
    links = {a.get("href"): a.text_content() for a in summary.xpath(".//a")}
    assert links == {
        f"#id_p{good.indicator.plan_id}-budget_thousands": "計畫 8，預算金額（千元）：輸入整數",
        f"#id_m{bad.pk}-actual": "衡量標準 1.1.1，實際值：實際值不可為負數。",
    }
    # Each refused field is marked and described by its message.
    field = tree.xpath(f'//*[@id="id_m{bad.pk}-actual"]')[0]
    assert field.get("aria-invalid") == "true"
    error = tree.xpath(f'//*[@id="{field.get("aria-describedby")}"]')[0]
    assert error.text_content() == "實際值不可為負數。"
    # The four changed rows, not saved, carry the 未儲存 mark; the others do not.
    unsaved = {row.get("data-row") for row in tree.xpath("//tr[@data-unsaved]")}
    assert unsaved == {
        f"m{good.pk}",
        f"m{bad.pk}",
        f"i{indicator.pk}",
        f"p{good.indicator.plan_id}",
    }
    assert "資料未儲存，請修正標示的欄位。" in html


def test_nothing_changed_writes_nothing(editing: Client) -> None:
    entries = AuditEntry.objects.count()
    response = editing.post(SAVE, page_form(editing), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["沒有變更，未儲存任何資料。"]
    assert AuditEntry.objects.count() == entries


def test_a_row_not_posted_is_left_alone(editing: Client) -> None:
    """A row added after the page was shown has no inputs in the post: not emptied."""
    measure = seed_measure(8, 5)
    plans = list(Plan.objects.filter(department__slug="hsinchu-social", year=2019).values())
    data = {k: v for k, v in page_form(editing).items() if k.startswith(f"m{measure.pk}-")}
    data[f"m{measure.pk}-actual"] = "400"
    response = editing.post(SAVE, data, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["已儲存 1 項變更。"]
    assert list(Plan.objects.filter(department__slug="hsinchu-social", year=2019).values()) == plans
    measure.refresh_from_db()
    assert measure.actual == 400


@pytest.mark.parametrize("rows", [2, 6])
def test_query_count_of_the_save_all_post_is_bounded(
    editing: Client, django_assert_max_num_queries: Any, rows: int
) -> None:
    data = page_form(editing)
    measures = list(
        Measure.objects.filter(
            indicator__plan__department__slug="hsinchu-social",
            indicator__plan__year=2019,
            kind="numeric",
        ).order_by("pk")[:rows]
    )
    for measure in measures:
        data[f"m{measure.pk}-label"] = measure.label + "（修）"
    # The session and the role (5), the year (4) and its lock, then a constant number per
    # written row (the service's own lock check, full_clean's constraint checks, the update and
    # its audit entry in the hash chain: about 20), never a query per row of the page (83
    # measures, 53 indicators).
    with django_assert_max_num_queries(14 + 22 * rows):
        response = editing.post(SAVE, data)
    assert response.status_code == 302
    assert Measure.objects.filter(label__endswith="（修）").count() == rows


@pytest.mark.parametrize(
    ("path", "field"),
    [("plans/save/", "actual"), ("measures/{pk}/", "actual")],
)
def test_a_published_year_answers_409_with_the_sentence_and_the_values_kept(
    staff: Client, path: str, field: str
) -> None:
    measure = seed_measure(8, 5)
    data = page_form(staff) if path == "plans/save/" else {}
    if not data:
        data = {k: v for k, v in page_form(staff).items() if k.startswith(f"m{measure.pk}-")}
    data[f"m{measure.pk}-{field}"] = "440"
    entries = AuditEntry.objects.count()

    response = staff.post(BASE + path.format(pk=measure.pk), data)

    assert response.status_code == 409
    html = response.content.decode()
    tree = lxml.html.fromstring(html)
    summary = tree.xpath('//*[@id="error-summary"]')[0].text_content()
    assert "新竹市政府社會處108年度施政績效報告已公開，不能修改；如需更正，請開啟勘誤。" in summary
    assert form_values(html)[f"m{measure.pk}-actual"] == "440"
    assert tree.xpath('//p[@class="notice"]')[0].text_content().startswith("報告已公開")
    measure.refresh_from_db()
    assert measure.actual == 361
    assert AuditEntry.objects.count() == entries


def test_a_final_year_answers_409(staff: Client) -> None:
    report = factories.small_report(status="final")
    plan = Plan.objects.get(department=report.department, year=report.year, number=1)
    base = f"/performance/{report.department.slug}/{report.year - 1911}/"
    data = page_form(staff, base + "plans/")
    data[f"p{plan.pk}-name"] = "改名"
    response = staff.post(base + "plans/save/", data)
    assert response.status_code == 409
    assert "已定稿，不能修改資料；請先退回草稿。" in response.content.decode()
    assert form_values(response.content.decode())[f"p{plan.pk}-name"] == "改名"
    plan.refresh_from_db()
    assert plan.name != "改名"


def test_the_report_edit_page_answers_409_on_a_published_report(staff: Client) -> None:
    report = PerformanceReport.objects.get(department__slug="hsinchu-social", year=2019)
    response = staff.post(
        BASE + "edit/",
        {
            "text": "1",
            "text-title": "新標題",
            "text-preface": "新的前言。",
            "text-code_footnote": "",
        },
    )
    assert response.status_code == 409
    tree = lxml.html.fromstring(response.content.decode())
    summary = tree.xpath('//*[@id="error-summary"]')[0].text_content()
    assert "已公開，不能修改；如需更正，請開啟勘誤。" in summary
    assert tree.xpath('//*[@id="id_text-title"]')[0].get("value") == "新標題"
    assert tree.xpath('//*[@id="id_text-preface"]')[0].text_content().strip() == "新的前言。"
    report.refresh_from_db()
    assert report.title != "新標題"


def test_the_report_edit_page_keeps_a_refused_item_with_the_summary(editing: Client) -> None:
    response = editing.post(
        BASE + "edit/", {"item": "2", "a2-title": "", "a2-body": "寫了一半的內容"}
    )
    assert response.status_code == 400
    tree = lxml.html.fromstring(response.content.decode())
    links = {a.get("href"): a.text_content() for a in tree.xpath('//*[@id="error-summary"]//a')}
    assert links == {"#id_a2-title": "第 2 項，標題：這個欄位是必須的。"}
    assert tree.xpath('//*[@id="id_a2-body"]')[0].text_content().strip() == "寫了一半的內容"
    assert tree.xpath('//*[@id="id_a2-title"]')[0].get("aria-invalid") == "true"


def test_decimal_and_date_values_as_rendered_are_not_changes(editing: Client) -> None:
    """The database's 6300.00 renders as 6300 and a date as 108/12/31: posting the page back
    unchanged must compare equal, or every row would be written on every save."""
    data = page_form(editing)
    milestone = Measure.objects.filter(
        indicator__plan__department__slug="hsinchu-social",
        indicator__plan__year=2019,
        kind="milestone",
    ).first()
    assert milestone is not None
    assert milestone.due is not None
    assert data[f"m{milestone.pk}-due"].count("/") == 2  # an ROC date, as typed
    assert Decimal(data[f"m{seed_measure(1, 1).pk}-target"]) == 6300
    response = editing.post(SAVE, data, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["沒有變更，未儲存任何資料。"]
