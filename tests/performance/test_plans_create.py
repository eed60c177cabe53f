"""Bulk plan creation: the same rows and audit entries as the one-by-one services, errors that
name their plan and indicator, and no query per row."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guankao.core.models import Agency, AuditEntry
from guankao.performance import services
from guankao.performance.exceptions import PlanRowInvalid
from guankao.performance.models import Indicator, Measure, Plan
from guankao.performance.rows import IndicatorRow, MeasureRow, PlanRow

pytestmark = pytest.mark.django_db


def department() -> Agency:
    return Agency.objects.get(slug="hsinchu-social")


def plan_rows(count: int, *, first: int = 1, target: str = "100") -> list[PlanRow]:
    visits = MeasureRow("訪視人次", "numeric", Decimal(target), Decimal(98), "人次", "")
    talks = MeasureRow("宣導場次", "numeric", Decimal(12), Decimal(14), "場", "")
    return [
        PlanRow(
            number=n,
            name=f"第{n}項計畫",
            budget_thousands=1_000 + n,
            reported_rate=Decimal(100),
            control_code=5,
            control_note="",
            indicators=(
                IndicatorRow(1, "訪視人次。", "訪視 100人次。", "訪視 98人次。", (visits,)),
                IndicatorRow(2, "宣導場次。", "宣導 12場。", "宣導 14場。", (visits, talks)),
            ),
        )
        for n in range(first, first + count)
    ]


def one_by_one(year: int, rows: list[PlanRow]) -> None:
    """What the services wrote for each new row before plans_create."""
    for row in rows:
        plan = services.plan_upsert(
            department=department(), year=year, number=row.number, name=row.name,
            budget_thousands=row.budget_thousands, control_code=row.control_code,
            control_note=row.control_note, reported_rate=row.reported_rate, actor=None,
        )  # fmt: skip
        for i in row.indicators:
            indicator = services.indicator_upsert(
                plan=plan, number=i.number, text=i.text, standard_text=i.standard_text,
                achievement_text=i.achievement_text, actor=None,
            )  # fmt: skip
            for position, m in enumerate(i.measures, start=1):
                services.measure_upsert(
                    indicator=indicator, position=position, **vars(m), actor=None
                )


def written(year: int) -> tuple[list[Any], list[Any]]:
    """The rows of ``year`` and their audit entries, without keys or times."""
    measures = Measure.objects.filter(indicator__plan__year=year).order_by(
        "indicator__plan__number", "indicator__number", "position"
    )
    rows = [
        (m.indicator.plan.number, m.indicator.plan.name, m.indicator.plan.budget_thousands,
         m.indicator.number, m.indicator.standard_text, m.position, m.label, m.target, m.actual)
        for m in measures
    ]  # fmt: skip
    plans = Plan.objects.filter(year=year)
    keys = (
        {("performance.plan", str(pk)) for pk in plans.values_list("pk", flat=True)}
        | {
            ("performance.indicator", str(pk))
            for pk in Indicator.objects.filter(plan__in=plans).values_list("pk", flat=True)
        }
        | {("performance.measure", str(pk)) for pk in measures.values_list("pk", flat=True)}
    )
    entries = sorted(
        (e.object_type, e.action, re.sub(r"^\d+年 ", "", e.object_repr), e.before, e.after)
        for e in AuditEntry.objects.filter(object_type__startswith="performance.")
        if (e.object_type, e.object_id) in keys
    )
    return rows, entries


def test_the_same_rows_and_audit_entries_as_the_services_one_by_one() -> None:
    rows = plan_rows(3)
    created = services.plans_create(department=department(), year=2031, plans=rows, actor=None)
    one_by_one(2032, rows)
    assert [p.number for p in created] == [1, 2, 3]
    bulk, single = written(2031), written(2032)
    assert len(bulk[0]) == 9 and len(bulk[1]) == 3 + 6 + 9
    assert bulk == single


def test_a_bad_row_names_its_plan_and_indicator_and_writes_nothing() -> None:
    rows = [*plan_rows(2), *plan_rows(1, first=3, target="0")]
    before = (Plan.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PlanRowInvalid) as raised:
        services.plans_create(department=department(), year=2033, plans=rows, actor=None)
    assert (raised.value.plan, raised.value.indicator) == (3, 1)
    assert raised.value.messages == ["目標值須大於 0。"]
    assert (Plan.objects.count(), AuditEntry.objects.count()) == before


def test_a_taken_number_is_refused() -> None:
    services.plans_create(department=department(), year=2034, plans=plan_rows(1), actor=None)
    with pytest.raises(PlanRowInvalid) as raised:
        services.plans_create(department=department(), year=2034, plans=plan_rows(2), actor=None)
    assert raised.value.plan == 1
    assert Plan.objects.filter(year=2034).count() == 1


def test_queries_do_not_grow_with_the_rows() -> None:
    counts = []
    for year, count in ((2035, 2), (2036, 60)):
        rows, social = plan_rows(count), department()
        with CaptureQueriesContext(connection) as queries:
            services.plans_create(department=social, year=year, plans=rows, actor=None)
        counts.append(len(queries))
    # Each level is one INSERT per batch plus one for its audit entries; 60 plans write 60 plans,
    # 120 indicators and 180 measures (SQLite batches about 100 rows).
    # savepoint, numbers taken, 3 × (rows, entries, chain head read and moved), release
    assert counts[0] == 15, counts
    assert counts[1] <= 15 + 360 * 2 / 50, counts
