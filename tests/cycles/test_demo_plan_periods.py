"""The demo's quarterly reporting on the 民政處's 115 plans: 115Q1 approved and 115Q2 submitted,
the early warning page predicting a red light in words, and a corrective action opened in Q1
and followed up in Q2 (what ``make run`` shows the coordinator); idempotent."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from lxml import html  # type: ignore[import-untyped]

from guankao.core.models import AuditEntry
from guankao.cycles import selectors
from guankao.cycles.demo import PLAN_DEPARTMENT, demo_password
from guankao.cycles.demo import load_demo as load_cycles_demo
from guankao.cycles.models import CorrectiveAction, ReportingPeriod
from guankao.performance.models import Plan
from guankao.performance.scorecard import Light
from tests.cycles.conftest import Demo


def _periods() -> dict[str, ReportingPeriod]:
    return {
        p.code: p
        for p in ReportingPeriod.objects.filter(department__slug=PLAN_DEPARTMENT).select_related(
            "department"
        )
    }


def test_two_quarters_of_the_115_plans_are_reported(demo: Demo) -> None:
    periods = _periods()
    assert sorted(periods) == ["115Q1", "115Q2"]
    assert all(p.is_sample and p.year == 2026 for p in periods.values())
    assert Plan.objects.filter(department__slug=PLAN_DEPARTMENT, year=2026).count() == 2
    statuses = {code: p.submissions.get().status for code, p in periods.items()}
    assert statuses == {"115Q1": "approved", "115Q2": "submitted"}


def test_q2_predicts_each_light_and_one_red_in_words(demo: Demo) -> None:
    warning = selectors.early_warning(_periods()["115Q2"])
    lights = {row.reference: row.projection.light for row in warning.rows}
    assert lights == {
        "一.1": Light.GREEN,  # 22 of 40 at mid-year: 110%
        "一.2": Light.RED,  # 1,800 of 6,000: 60%
        "二.1": Light.YELLOW,  # 5 of 12: 83.3%
        "二.2": Light.RED,  # the report due 5/31, not done by 6/30
        "二.3": Light.GREEN,  # a rate, not projected: 92 of 90
    }
    people = next(r for r in warning.rows if r.reference == "一.2")
    assert people.projection.rule == "依第2季累計 30%，預估年底達成 60%"


def test_the_coordinator_sees_the_red_measure_and_the_action_on_the_page(demo: Demo) -> None:
    client = Client()
    assert client.login(username="demo-coordinator", password=demo_password("demo-coordinator"))
    period = _periods()["115Q2"]
    response = client.get(reverse("cycles:early_warning", args=[period.pk]))
    assert response.status_code == 200
    page = html.fromstring(response.content.decode())
    text = " ".join(page.text_content().split())
    assert "依第2季累計 30%，預估年底達成 60%" in text
    assert "增開假日及夜間場次" in text
    assert "已增開假日場次4場" in text
    action = CorrectiveAction.objects.get(
        measure__indicator__plan__department__slug=PLAN_DEPARTMENT
    )
    assert action.is_open and action.opened_in.code == "115Q1"


def test_loading_the_demo_again_writes_nothing_more(demo: Demo) -> None:
    before = AuditEntry.objects.count(), ReportingPeriod.objects.count(), Plan.objects.count()
    load_cycles_demo(actor=None)
    after = AuditEntry.objects.count(), ReportingPeriod.objects.count(), Plan.objects.count()
    assert after == before
