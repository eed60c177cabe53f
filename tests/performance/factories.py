"""Test data made through the services, the way the application makes it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from guankao.core.accounts import membership_grant
from guankao.core.models import Agency, AgencyKind, Role
from guankao.core.services import agency_upsert, jurisdiction_upsert
from guankao.performance.models import (
    Indicator,
    Measure,
    MeasureKind,
    PerformanceReport,
    Plan,
    ReportStatus,
)
from guankao.performance.services import (
    indicator_upsert,
    key_achievement_upsert,
    measure_upsert,
    plan_upsert,
    report_status_load,
    report_upsert,
    shortfall_review_upsert,
)

YEAR = 2024  # ROC 113


def department(slug: str = "test-social", name: str = "測試處") -> Agency:
    jurisdiction = jurisdiction_upsert(slug="testcity", name="測試市", area_code="03", actor=None)
    return agency_upsert(
        jurisdiction=jurisdiction,
        slug=slug,
        name=name,
        label=name,
        kind=AgencyKind.CITY_DEPARTMENT,
        phone="",
        parent=None,
        actor=None,
    )


def plan(
    owner: Agency, number: int, *, name: str = "", budget: int = 1000, rate: int | None = 100
) -> Plan:
    return plan_upsert(
        department=owner,
        year=YEAR,
        number=number,
        name=name or f"測試計畫{number}",
        budget_thousands=budget,
        control_code=5,
        control_note="",
        reported_rate=Decimal(rate) if rate is not None else None,
        actor=None,
    )


def indicator(owner: Plan, number: int, *, standard: str, achievement: str) -> Indicator:
    return indicator_upsert(
        plan=owner,
        number=number,
        text=f"指標{number}。",
        standard_text=standard,
        achievement_text=achievement,
        actor=None,
    )


def measure(
    owner: Indicator,
    position: int,
    *,
    target: int | None = None,
    actual: int | None = None,
    unit: str = "人次",
    due: datetime.date | None = None,
    done: datetime.date | None = None,
) -> Measure:
    kind = MeasureKind.MILESTONE if due is not None else MeasureKind.NUMERIC
    return measure_upsert(
        indicator=owner,
        position=position,
        label=f"衡量標準{position}",
        kind=kind,
        target=Decimal(target) if target is not None else None,
        actual=Decimal(actual) if actual is not None else None,
        unit=unit if kind == MeasureKind.NUMERIC else "",
        due=due,
        done=done,
        actor=None,
    )


def review(target: Measure, reason: str, improvement: str = "") -> None:
    shortfall_review_upsert(measure=target, reason=reason, improvement=improvement, actor=None)


def report(owner: Agency, *, status: str = ReportStatus.DRAFT, **fields: Any) -> PerformanceReport:
    data = {
        "title": "測試市政府測試處113年度施政績效報告",
        "preface": "測試前言。",
        "code_footnote": "",
        "self_managed_text": "",
        "status": status,
    }
    data.update(fields)
    made = report_upsert(department=owner, year=YEAR, actor=None, **data)
    return made


def achievement(owner: PerformanceReport, number: int, title: str, body: str) -> None:
    key_achievement_upsert(report=owner, number=number, title=title, body=body, actor=None)


def small_report(*, status: str = ReportStatus.DRAFT) -> PerformanceReport:
    """Two plans: one on target, one with a measure below target (5,000 of 6,000人次)."""
    owner = department()
    first = plan(owner, 1, name="達標計畫")
    ind = indicator(first, 1, standard="服務 1,000人次。", achievement="服務 1,200人次。")
    measure(ind, 1, target=1000, actual=1200)
    second = plan(owner, 2, name="未達標計畫", rate=95)
    ind2 = indicator(second, 1, standard="服務 6,000人次。", achievement="服務 5,000人次。")
    measure(ind2, 1, target=6000, actual=5000)
    made = report(owner)
    achievement(made, 1, "服務成果", "共計 {plan 1 total}人次受益。")
    if status != ReportStatus.DRAFT:
        # As the seed loader does: the status last, a published one with its first revision.
        report_status_load(report=made, status=status, actor=None)
    return made


def staff_user(username: str = "staff") -> User:
    """A user who may edit every department's plans (an administrator in the role matrix)."""
    user = User.objects.create_user(username=username, password="correct horse battery")
    membership_grant(user=user, role=Role.ADMIN, actor=None)
    return user


def open_correction(
    slug: str = "hsinchu-social", roc_year: int = 108, reason: str = "測試勘誤"
) -> PerformanceReport:
    """Open a 勘誤 on a published report (the seed's 108 by default), so its data may change."""
    from guankao.performance.services import report_transition

    report = PerformanceReport.objects.get(department__slug=slug, year=roc_year + 1911)
    return report_transition(report=report, transition="correct", reason=reason, actor=None)
