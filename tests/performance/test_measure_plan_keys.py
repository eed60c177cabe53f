"""Each measure's copy of its plan's year and department is kept by the database (migration
0008, decision 0090): on every insert, whatever writes it, and when the indicator or the plan
it depends on changes. Python code never writes the copies."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import F, Q

from guankao.performance.models import Indicator, Measure, MeasureKind, Plan
from tests.performance import factories

pytestmark = pytest.mark.django_db


def keys(measure: Measure) -> tuple[int | None, int | None]:
    row = Measure.objects.filter(pk=measure.pk).values_list("plan_year", "plan_department_id")
    return row.get()


def astray() -> int:
    """Measures whose copy differs from their plan's year or department."""
    return (
        Measure.objects.filter(
            Q(plan_year__isnull=True)
            | Q(plan_department_id__isnull=True)
            | ~Q(plan_year=F("indicator__plan__year"))
            | ~Q(plan_department_id=F("indicator__plan__department_id"))
        )
        .distinct()
        .count()
    )


def test_the_seed_documents_measures_carry_their_plans_keys() -> None:
    assert Measure.objects.filter(indicator__plan__department__slug="hsinchu-social").count() > 80
    assert astray() == 0


def test_a_measure_written_by_a_service_carries_them() -> None:
    department = factories.department()
    plan = factories.plan(department, 1)
    measure = factories.measure(
        factories.indicator(plan, 1, standard="辦理 3 場。", achievement=""), 1, target=3
    )
    # Not in the instance: only the database wrote them.
    assert measure.plan_year is None
    assert keys(measure) == (plan.year, department.pk)


def test_bulk_inserts_and_full_saves_keep_them() -> None:
    plan = factories.plan(factories.department(), 1)
    indicator = factories.indicator(plan, 1, standard="辦理 3 場。", achievement="")
    created = Measure.objects.bulk_create(
        [
            Measure(indicator=indicator, position=p, label="場次", target=Decimal(3), unit="場")
            for p in (1, 2)
        ]
    )
    assert [keys(m) for m in created] == [(plan.year, plan.department_id)] * 2
    # A save of every field writes the instance's None back; the database puts them back.
    first = created[0]
    first.label = "場次（修）"
    first.save()
    assert keys(first) == (plan.year, plan.department_id)
    first.actual = Decimal(2)
    first.save(update_fields=["actual"])
    assert keys(first) == (plan.year, plan.department_id)


def test_they_follow_a_plan_and_an_indicator_that_change() -> None:
    department = factories.department()
    other = factories.department(slug="test-health", name="測試衛生局")
    plan = factories.plan(department, 1)
    second = factories.plan(department, 2)
    indicator = factories.indicator(plan, 1, standard="辦理 3 場。", achievement="")
    measure = factories.measure(indicator, 1, target=3)
    milestone = factories.measure(indicator, 2, due=datetime.date(2019, 12, 31))
    assert {keys(measure), keys(milestone)} == {(plan.year, department.pk)}

    Plan.objects.filter(pk=plan.pk).update(year=plan.year + 1, department=other)
    assert keys(measure) == (plan.year + 1, other.pk)
    assert keys(milestone) == (plan.year + 1, other.pk)

    Indicator.objects.filter(pk=indicator.pk).update(plan=second)
    assert keys(measure) == (second.year, department.pk)
    assert astray() == 0


def test_the_light_count_finds_the_measures_by_their_copies() -> None:
    """The query the national view runs reads measures of one year only."""
    plan = factories.plan(factories.department(), 1)
    indicator = factories.indicator(plan, 1, standard="辦理 3 場。", achievement="")
    factories.measure(indicator, 1, target=3, actual=3)
    of_year = Measure.objects.filter(plan_year=plan.year, plan_department_id=plan.department_id)
    assert list(of_year.values_list("kind", flat=True)) == [MeasureKind.NUMERIC]
    assert not Measure.objects.filter(
        plan_year=plan.year + 1, plan_department_id=plan.department_id
    ).exists()
