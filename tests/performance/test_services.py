"""Writes: the report's state machine, edits with their rules, and nothing saved on bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guankao.core.exceptions import GuankaoError
from guankao.core.models import AuditEntry
from guankao.performance import services
from guankao.performance.exceptions import (
    InvalidInput,
    InvalidTransition,
    ReportLocked,
    ReportNotReady,
)
from guankao.performance.models import (
    DepartmentSettings,
    Measure,
    PerformanceReport,
    ReportStatus,
    ShortfallReview,
)
from tests.performance import factories

pytestmark = pytest.mark.django_db


def shortfall_measure(report: PerformanceReport) -> Measure:
    return Measure.objects.get(
        indicator__plan__department=report.department, indicator__plan__number=2
    )


def test_draft_cannot_become_final_while_a_shortfall_has_no_review() -> None:
    report = factories.small_report()
    with pytest.raises(ReportNotReady) as raised:
        services.report_transition(report=report, to_status=ReportStatus.FINAL, actor=None)
    assert raised.value.problems == [
        "計畫二 指標 1 衡量標準1未達目標，尚未填寫未達成原因分析或改進措施"
    ]
    assert str(raised.value) == (
        "報告尚不能定稿：計畫二 指標 1 衡量標準1未達目標，尚未填寫未達成原因分析或改進措施"
    )
    assert isinstance(raised.value, GuankaoError)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_draft_becomes_final_then_published_once_the_shortfall_is_explained() -> None:
    report = factories.small_report()
    factories.review(shortfall_measure(report), "未達成原因分析暨改進措施：場地整修。")
    services.report_transition(report=report, to_status=ReportStatus.FINAL, actor=None)
    services.report_transition(report=report, to_status=ReportStatus.PUBLISHED, actor=None)
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    actions = list(
        AuditEntry.objects.filter(
            object_type="performance.performancereport", object_id=str(report.pk)
        )
        .order_by("pk")
        .values_list("action", "before", "after")
    )
    assert actions[-2:] == [
        ("status draft → final", {"status": "draft"}, {"status": "final"}),
        ("status final → published", {"status": "final"}, {"status": "published"}),
    ]


def test_final_goes_back_to_draft() -> None:
    report = factories.small_report()
    factories.review(shortfall_measure(report), "原因", "改進")
    services.report_transition(report=report, to_status=ReportStatus.FINAL, actor=None)
    services.report_transition(report=report, to_status=ReportStatus.DRAFT, actor=None)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        ("draft", "published", "報告狀態不能從「草稿」改為「已公開」。"),
        ("published", "draft", "報告狀態不能從「已公開」改為「草稿」。"),
        ("published", "final", "報告狀態不能從「已公開」改為「定稿」。"),
        ("draft", "draft", "報告狀態不能從「草稿」改為「草稿」。"),
        ("draft", "archived", "報告狀態不能從「草稿」改為「archived」。"),
    ],
)
def test_invalid_transitions_raise_a_domain_error(start: str, to: str, message: str) -> None:
    report = factories.small_report(status=start)
    with pytest.raises(InvalidTransition) as raised:
        services.report_transition(report=report, to_status=to, actor=None)
    assert str(raised.value) == message
    report.refresh_from_db()
    assert report.status == start


def test_allowed_transitions() -> None:
    assert services.allowed_transitions("draft") == ["final"]
    assert services.allowed_transitions("final") == ["draft", "published"]
    assert services.allowed_transitions("published") == []


def test_data_is_locked_while_the_report_is_final() -> None:
    report = factories.small_report()
    measure = shortfall_measure(report)
    factories.review(measure, "原因")
    services.report_transition(report=report, to_status=ReportStatus.FINAL, actor=None)
    with pytest.raises(ReportLocked, match="已定稿，不能修改資料"):
        services.measure_update(measure=measure, data={"actual": Decimal(5500)}, actor=None)
    measure.refresh_from_db()
    assert measure.actual == Decimal(5000)


def test_rate_method_cannot_change_while_a_report_is_final() -> None:
    report = factories.small_report()
    factories.review(shortfall_measure(report), "原因")
    services.report_transition(report=report, to_status=ReportStatus.FINAL, actor=None)
    with pytest.raises(ReportLocked) as raised:
        services.department_rate_method_set(
            department=report.department, rate_method="measures", actor=None
        )
    assert str(raised.value) == (
        "測試市政府測試處113年度施政績效報告已定稿，不能變更執行率計算方式；請先退回草稿。"
    )
    assert not DepartmentSettings.objects.filter(department=report.department).exists()


def test_measure_update_rewrites_the_figure_in_the_table_text() -> None:
    report = factories.small_report()
    measure = shortfall_measure(report)
    services.measure_update(
        measure=measure, data={"actual": Decimal(12345), "target": Decimal(7000)}, actor=None
    )
    measure.indicator.refresh_from_db()
    assert measure.indicator.achievement_text == "服務 1萬 2,345人次。"
    assert measure.indicator.standard_text == "服務 7,000人次。"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"target": Decimal(0)}, "target", "目標值須大於 0。"),
        ({"target": Decimal(-5)}, "target", "目標值須大於 0。"),
        ({"actual": Decimal(-1)}, "actual", "實際值不可為負數。"),
        ({"unit": ""}, "unit", "數量型衡量標準須有單位。"),
    ],
)
def test_bad_measure_values_are_refused_and_nothing_is_saved(
    data: dict[str, object], field: str, message: str
) -> None:
    report = factories.small_report()
    measure = shortfall_measure(report)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as raised:
        services.measure_update(measure=measure, data=data, actor=None)
    assert raised.value.field_errors == {field: [message]}
    fresh = Measure.objects.get(pk=measure.pk)
    assert (fresh.target, fresh.actual, fresh.unit) == (Decimal(6000), Decimal(5000), "人次")
    assert AuditEntry.objects.count() == audit_before


def test_unknown_fields_are_refused() -> None:
    measure = shortfall_measure(factories.small_report())
    with pytest.raises(InvalidInput) as raised:
        services.measure_update(measure=measure, data={"kind": "milestone"}, actor=None)
    assert raised.value.field_errors == {"kind": ["不能修改這個欄位。"]}


def test_plan_update_refuses_a_negative_budget() -> None:
    report = factories.small_report()
    plan = report.department.plans.get(number=1)
    with pytest.raises(InvalidInput) as raised:
        services.plan_update(plan=plan, data={"budget_thousands": -1}, actor=None)
    assert raised.value.field_errors == {"budget_thousands": ["預算金額不可為負數。"]}
    plan.refresh_from_db()
    assert plan.budget_thousands == 1000


def test_rate_method_is_chosen_per_department() -> None:
    report = factories.small_report()
    services.department_rate_method_set(
        department=report.department, rate_method="budget", actor=None
    )
    assert DepartmentSettings.objects.get(department=report.department).rate_method == "budget"
    with pytest.raises(InvalidInput):
        services.department_rate_method_set(
            department=report.department, rate_method="guess", actor=None
        )


def test_shortfall_review_is_saved_trimmed() -> None:
    measure = shortfall_measure(factories.small_report())
    services.shortfall_review_save(
        measure=measure, reason="  場地整修。 ", improvement="\n加開場次。", actor=None
    )
    review = ShortfallReview.objects.get(measure=measure)
    assert (review.reason, review.improvement) == ("場地整修。", "加開場次。")


def test_create_plan_indicator_and_measure_number_themselves() -> None:
    report = factories.small_report()
    plan = services.plan_create(
        department=report.department,
        year=report.year,
        name="新計畫",
        budget_thousands=10,
        actor=None,
    )
    assert plan.number == 3
    indicator = services.indicator_create(
        plan=plan, text="新指標。", standard_text="辦理 2場。", actor=None
    )
    measure = services.measure_create(
        indicator=indicator, label="場次", target=Decimal(2), unit="場", actor=None
    )
    assert (indicator.number, measure.position) == (1, 1)
    with pytest.raises(InvalidInput) as raised:
        services.measure_create(
            indicator=indicator, label="零", target=Decimal(0), unit="場", actor=None
        )
    assert raised.value.field_errors == {"target": ["目標值須大於 0。"]}
    assert indicator.measures.count() == 1


def test_report_create_titles_the_report_like_the_printed_ones() -> None:
    owner = factories.department()
    factories.plan(owner, 1)
    report = services.report_create(department=owner, year=factories.YEAR, actor=None)
    assert report.title == "測試市政府測試處113年度施政績效報告"
    assert report.status == ReportStatus.DRAFT
