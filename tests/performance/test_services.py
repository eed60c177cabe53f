"""Writes: the report's state machine, edits with their rules, and nothing saved on bad input."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from guankao.core.accounts import membership_grant
from guankao.core.exceptions import GuankaoError
from guankao.core.models import Agency, AuditEntry, Role
from guankao.core.permissions import Action, NotPermitted
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
from guankao.performance.state import TRANSITIONS, Transition
from tests.performance import factories

pytestmark = pytest.mark.django_db


def shortfall_measure(report: PerformanceReport) -> Measure:
    return Measure.objects.get(
        indicator__plan__department=report.department, indicator__plan__number=2
    )


def test_draft_cannot_become_final_while_a_shortfall_has_no_review() -> None:
    report = factories.small_report()
    with pytest.raises(ReportNotReady) as raised:
        services.report_transition(report=report, transition=Transition.FINALISE, actor=None)
    assert raised.value.problems == [
        "計畫二 指標 1 衡量標準1未達目標，尚未填寫未達成原因分析或改進措施"
    ]
    assert str(raised.value) == (
        "報告尚不能定稿或公開：計畫二 指標 1 衡量標準1未達目標，尚未填寫未達成原因分析或改進措施"
    )
    assert isinstance(raised.value, GuankaoError)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_draft_becomes_final_then_published_once_the_shortfall_is_explained() -> None:
    report = factories.small_report()
    factories.review(shortfall_measure(report), "未達成原因分析暨改進措施：場地整修。")
    services.report_transition(report=report, transition=Transition.FINALISE, actor=None)
    services.report_transition(report=report, transition=Transition.PUBLISH, actor=None)
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    actions = list(
        AuditEntry.objects.filter(
            object_type="performance.performancereport", object_id=str(report.pk)
        )
        .filter(action__startswith="status")
        .order_by("pk")
        .values_list("action", "before", "after")
    )
    assert actions == [
        ("status draft → final", {"status": "draft"}, {"status": "final"}),
        ("status final → published", {"status": "final"}, {"status": "published"}),
    ]


def test_final_goes_back_to_draft() -> None:
    report = factories.small_report()
    factories.review(shortfall_measure(report), "原因", "改進")
    services.report_transition(report=report, transition=Transition.FINALISE, actor=None)
    services.report_transition(report=report, transition=Transition.RETURN, actor=None)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


@pytest.mark.parametrize(
    ("start", "transition", "message"),
    [
        ("draft", "publish", "報告狀態不能從「草稿」改為「已公開」。"),
        ("published", "return", "報告狀態不能從「已公開」改為「草稿」。"),
        ("published", "finalise", "報告狀態不能從「已公開」改為「定稿」。"),
        ("draft", "return", "報告狀態不能從「草稿」改為「草稿」。"),
        ("final", "finalise", "報告狀態不能從「定稿」改為「定稿」。"),
        ("published", "republish", "報告狀態不能從「已公開」改為「已公開」。"),
        ("draft", "correct", "報告狀態不能從「草稿」改為「勘誤中」。"),
        (
            "draft",
            "archive",
            "不明的狀態變更「archive」；可用的有：finalise、return、publish、correct、republish、cancel。",
        ),
    ],
)
def test_invalid_transitions_raise_a_domain_error(
    start: str, transition: str, message: str
) -> None:
    report = factories.small_report(status=start)
    with pytest.raises(InvalidTransition) as raised:
        services.report_transition(report=report, transition=transition, actor=None)
    assert str(raised.value) == message
    report.refresh_from_db()
    assert report.status == start


def test_the_table_rows() -> None:
    assert [(r.name, sorted(r.sources), r.target, r.action, r.needs_reason)
            for r in TRANSITIONS.rows] == [
        ("finalise", ["draft"], "final", Action.DATA_EDIT, False),
        ("return", ["final"], "draft", Action.DATA_EDIT, False),
        ("publish", ["final"], "published", Action.DATA_EDIT, False),
        ("correct", ["published"], "correcting", Action.DATA_EDIT, True),
        ("republish", ["correcting"], "published", Action.DATA_EDIT, False),
        ("cancel", ["correcting"], "published", Action.DATA_EDIT, False),
    ]  # fmt: skip
    assert [r.name for r in TRANSITIONS.available("draft")] == ["finalise"]
    assert [r.target for r in TRANSITIONS.available("final")] == ["draft", "published"]
    assert [r.name for r in TRANSITIONS.available("published")] == ["correct"]
    assert TRANSITIONS.towards("final", "published").name == "publish"
    assert TRANSITIONS.towards("correcting", "published").name == "republish"
    assert str(TRANSITIONS.row("publish").done) == "報告已公開（第 1 版）。"
    assert str(TRANSITIONS.row("correct").reason_label) == "勘誤原因"


def test_a_reason_given_is_kept_in_the_audit_log() -> None:
    report = factories.small_report()
    factories.review(shortfall_measure(report), "原因", "改進")
    services.report_transition(report=report, transition="finalise", actor=None)
    services.report_transition(
        report=report, transition="return", reason=" 第二項數字有誤 ", actor=None
    )
    entry = AuditEntry.objects.filter(action="reason").latest("pk")
    assert entry.after == {"reason": "第二項數字有誤"}


# --- the role matrix, checked by every write -------------------------------------------------


def _someone(role: Role | None, department: Agency | None = None) -> User:
    user = User.objects.create_user(username=f"u-{role}-{department}", password="x" * 20)
    if role is not None:
        membership_grant(user=user, role=role, agency=department, actor=None)
    return user


def _writes(report: PerformanceReport) -> dict[str, Callable[[User], object]]:
    measure = shortfall_measure(report)
    indicator = measure.indicator
    plan = indicator.plan
    department = report.department
    return {
        "plan_upsert": lambda u: services.plan_upsert(
            department=department, year=plan.year, number=9, name="新計畫", budget_thousands=1,
            control_code=5, control_note="", reported_rate=None, actor=u),
        "indicator_upsert": lambda u: services.indicator_upsert(
            plan=plan, number=9, text="新指標", standard_text="新標準", achievement_text="", actor=u),
        "measure_upsert": lambda u: services.measure_upsert(
            indicator=indicator, position=9, label="x", kind="numeric", target=Decimal(1),
            unit="場", actor=u),
        "shortfall_review_upsert": lambda u: services.shortfall_review_upsert(
            measure=measure, reason="原因", improvement="", actor=u),
        "report_upsert": lambda u: services.report_upsert(
            department=department, year=report.year, title="新標題", preface="前言",
            code_footnote="", self_managed_text="", status="draft", actor=u),
        "key_achievement_upsert": lambda u: services.key_achievement_upsert(
            report=report, number=9, title="x", body="y", actor=u),
        "plans_create": lambda u: services.plans_create(
            department=department, year=plan.year, plans=[], actor=u),
        "plans_replace": lambda u: services.plans_replace(
            department=department, year=plan.year + 1, plans=[], actor=u),
        "plan_update": lambda u: services.plan_update(plan=plan, data={"name": "改"}, actor=u),
        "indicator_update": lambda u: services.indicator_update(
            indicator=indicator, data={"text": "改"}, actor=u),
        "measure_update": lambda u: services.measure_update(
            measure=measure, data={"label": "改"}, actor=u),
        "plan_create": lambda u: services.plan_create(
            department=department, year=plan.year, name="新", budget_thousands=1, actor=u),
        "indicator_create": lambda u: services.indicator_create(
            plan=plan, text="新", standard_text="新標準", actor=u),
        "measure_create": lambda u: services.measure_create(
            indicator=indicator, label="新", target=Decimal(1), unit="場", actor=u),
        "shortfall_review_save": lambda u: services.shortfall_review_save(
            measure=measure, reason="原因", improvement="改進", actor=u),
        "department_rate_method_set": lambda u: services.department_rate_method_set(
            department=department, rate_method="measures", actor=u),
        "report_create": lambda u: services.report_create(
            department=department, year=report.year + 1, actor=u),
        "report_update": lambda u: services.report_update(
            report=report, data={"title": "改"}, actor=u),
        "key_achievement_save": lambda u: services.key_achievement_save(
            report=report, number=9, title="x", body="y", actor=u),
        "report_transition": lambda u: services.report_transition(
            report=report, transition="finalise", actor=u),
        "report_status_load": lambda u: services.report_status_load(
            report=report, status="final", actor=u),
        "measure_actuals_apply": lambda u: services.measure_actuals_apply(
            values=[(measure, Decimal(6000), None)], actor=u),
        "report_ensure": lambda u: services.report_ensure(
            department=department, year=report.year + 2, actor=u),
        "reports_publish": lambda u: services.reports_publish(reports=[report], actor=u),
        "indicators_series_assign": lambda u: services.indicators_series_assign(
            department=department, assignments=[], actor=u),
        "series_link": lambda u: services.series_link(
            department=department, year=plan.year, actor=u),
        "indicator_series_set": lambda u: services.indicator_series_set(
            indicator=indicator, previous=None, actor=u),
    }  # fmt: skip


# Every public write of performance/services.py: a new one must be added to _writes.
WRITE_SERVICES = {
    name
    for name, value in vars(services).items()
    if callable(value)
    and getattr(value, "__module__", "") == services.__name__
    and not name.startswith("_")
    and "actor" in inspect.signature(value).parameters
}


@pytest.mark.parametrize("who", ["reviewer", "reporter", "other department", "nobody"])
def test_every_write_refuses_an_actor_without_the_role(who: str) -> None:
    report = factories.small_report()
    factories.review(shortfall_measure(report), "原因", "改進")
    other = factories.department(slug="test-other", name="他處")
    actor = {
        "reviewer": lambda: _someone(Role.REVIEWER, report.department),
        "reporter": lambda: _someone(Role.REPORTER, report.department),
        "other department": lambda: _someone(Role.COORDINATOR, other),
        "nobody": lambda: _someone(None),
    }[who]()
    audit = AuditEntry.objects.count()
    writes = _writes(report)
    assert set(writes) == WRITE_SERVICES
    for name, write in writes.items():
        with pytest.raises(NotPermitted, match="您的角色沒有「維護分工表、施政計畫"):
            write(actor)
        assert AuditEntry.objects.count() == audit, name
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_every_write_lets_the_department_coordinator_through() -> None:
    report = factories.small_report()
    factories.review(shortfall_measure(report), "原因", "改進")
    coordinator = _someone(Role.COORDINATOR, report.department)
    for name, write in _writes(report).items():
        if name in {"report_transition", "report_status_load", "reports_publish"}:
            continue  # they move the report on, which locks the writes after them
        write(coordinator)
    services.report_transition(report=report, transition="finalise", actor=coordinator)
    assert PerformanceReport.objects.get(pk=report.pk).status == ReportStatus.FINAL


def test_data_is_locked_while_the_report_is_final() -> None:
    report = factories.small_report()
    measure = shortfall_measure(report)
    factories.review(measure, "原因")
    services.report_transition(report=report, transition=Transition.FINALISE, actor=None)
    with pytest.raises(ReportLocked, match="已定稿，不能修改資料"):
        services.measure_update(measure=measure, data={"actual": Decimal(5500)}, actor=None)
    measure.refresh_from_db()
    assert measure.actual == Decimal(5000)


def test_rate_method_cannot_change_while_a_report_is_final() -> None:
    report = factories.small_report()
    factories.review(shortfall_measure(report), "原因")
    services.report_transition(report=report, transition=Transition.FINALISE, actor=None)
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
