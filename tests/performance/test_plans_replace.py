"""plans_replace, the one writer of a department-year's plans that the seed data file and the
import share: the same rows and audit entries from both, nothing written the second time, rows
no longer listed deleted, and new plans in bulk."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guankao.core.models import Agency, AuditEntry
from guankao.imports.performance import ParsedIndicator, ParsedPlan, PerformanceImport
from guankao.imports.services import apply_performance, performance_target
from guankao.performance import services
from guankao.performance.datafile import load_performance_file, parse_performance_file
from guankao.performance.exceptions import PlanRowInvalid
from guankao.performance.models import Indicator, Measure, Plan
from guankao.performance.rows import PlanRow
from guankao.tw import from_roc_year
from tests.core.test_data_files import HSINCHU, SEEDS, broken_copy

pytestmark = pytest.mark.django_db

SEED = SEEDS / HSINCHU


def department() -> Agency:
    return Agency.objects.get(slug="hsinchu-social")


def seed_plans() -> tuple[PlanRow, ...]:
    return parse_performance_file(SEED).plans


def replace(year: int, plans: tuple[PlanRow, ...] | list[PlanRow]) -> list[Plan]:
    return services.plans_replace(department=department(), year=year, plans=plans, actor=None)


def of_year(year: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every plan, indicator and measure of ``year`` and their audit entries, without keys."""
    plans = Plan.objects.filter(department=department(), year=year)
    indicators = Indicator.objects.filter(plan__in=plans)
    measures = Measure.objects.filter(indicator__in=indicators)
    rows = [
        *(
            (p.number, p.name, p.budget_thousands, p.reported_rate, p.control_code, p.control_note)
            for p in plans.order_by("number")
        ),
        *(
            (i.plan.number, i.number, i.text, i.standard_text, i.achievement_text)
            for i in indicators.select_related("plan").order_by("plan__number", "number")
        ),
        *(
            (m.indicator.plan.number, m.indicator.number, m.position, m.label, m.kind, m.target,
             m.actual, m.unit, m.actual_unit, m.due, m.done)
            for m in measures.select_related("indicator__plan").order_by(
                "indicator__plan__number", "indicator__number", "position"
            )
        ),
    ]  # fmt: skip
    keys = {
        (queryset.model._meta.label_lower, str(pk))
        for queryset in (plans, indicators, measures)
        for pk in queryset.values_list("pk", flat=True)
    }
    entries = sorted(
        (e.object_type, e.action, re.sub(r"^\d+年 ", "", e.object_repr), e.before, e.after)
        for e in AuditEntry.objects.filter(object_type__startswith="performance.")
        if (e.object_type, e.object_id) in keys
    )
    return rows, entries


def as_parsed(plans: tuple[PlanRow, ...]) -> PerformanceImport:
    """The seed's plans as an import reads them, each at a made-up cell."""
    return PerformanceImport(
        filename="表.xlsx",
        title="",
        plans=tuple(
            ParsedPlan(
                **vars(p)
                | {
                    "indicators": tuple(
                        ParsedIndicator(**vars(i), where=f"表!C{p.number}", row=str(p.number))
                        for i in p.indicators
                    )
                },
                where=f"表!A{p.number}",
                row=str(p.number),
            )
            for p in plans
        ),
        issues=(),
        rows_read=len(plans),
        measures_from_table=True,
    )


def test_the_seed_file_and_the_import_write_the_same_rows_and_entries(tmp_path: Path) -> None:
    as_120 = broken_copy(tmp_path, HSINCHU, lambda data: data["report"].update(year=120))
    load_performance_file(path=as_120, actor=None)
    # 122, not 121: a year right after 120 would continue its indicator series (more entries).
    target = performance_target(org="hsinchu-social", year=122)
    apply_performance(parsed=as_parsed(seed_plans()), target=target, actor=None)
    from_file, imported = of_year(from_roc_year(120)), of_year(from_roc_year(122))
    rows = seed_plans()
    indicators = [i for p in rows for i in p.indicators]
    assert len(from_file[0]) == 14 + len(indicators) + sum(len(i.measures) for i in indicators)
    assert from_file == imported
    # And the same as the seed the demo loaded.
    assert from_file[0] == of_year(from_roc_year(108))[0]


def test_the_same_rows_again_write_nothing_in_four_reads() -> None:
    created = replace(2040, seed_plans())
    assert [p.number for p in created] == list(range(1, 15))
    entries, social, rows = AuditEntry.objects.count(), department(), seed_plans()
    with CaptureQueriesContext(connection) as queries:
        again = services.plans_replace(department=social, year=2040, plans=rows, actor=None)
    assert AuditEntry.objects.count() == entries
    assert [p.pk for p in again] == [p.pk for p in created]
    # savepoint, the year's report (is it locked?), 3 reads, release
    assert len(queries) == 6, [q["sql"] for q in queries]


def test_plans_indicators_and_measures_no_longer_listed_are_deleted() -> None:
    first, second, *rest = seed_plans()
    replace(2041, [first, second, *rest])
    indicator = dataclasses.replace(
        second.indicators[0], measures=second.indicators[0].measures[:-1]
    )
    shorter = dataclasses.replace(second, indicators=(indicator,))
    entries = AuditEntry.objects.count()
    replace(2041, [shorter, *rest])
    new = AuditEntry.objects.order_by("pk")[entries:]
    assert sorted({(e.object_type, e.action) for e in new}) == [
        ("performance.indicator", "delete"),
        ("performance.measure", "delete"),
        ("performance.plan", "delete"),
    ]
    left = Plan.objects.filter(department=department(), year=2041)
    assert sorted(left.values_list("number", flat=True)) == list(range(2, 15))
    kept = left.get(number=2)
    assert [i.number for i in kept.indicators.all()] == [1]
    assert kept.indicators.get().measures.count() == len(second.indicators[0].measures) - 1
    assert Measure.objects.filter(indicator__plan__in=left).count() == (
        sum(len(i.measures) for p in rest for i in p.indicators) + len(indicator.measures)
    )


def test_a_changed_row_is_updated_and_audited_once() -> None:
    rows = seed_plans()
    replace(2042, rows)
    changed = dataclasses.replace(rows[0], budget_thousands=rows[0].budget_thousands + 1)
    entries = AuditEntry.objects.count()
    replace(2042, (changed, *rows[1:]))
    (entry,) = AuditEntry.objects.order_by("pk")[entries:]
    assert (entry.object_type, entry.action) == ("performance.plan", "update")
    assert entry.after == {"budget_thousands": changed.budget_thousands}


def test_new_plans_are_written_in_bulk() -> None:
    counts, social = [], department()
    # Years apart: a year right after another links its indicator series (tested apart).
    for year, rows in ((2043, seed_plans()[:2]), (2046, seed_plans())):
        with CaptureQueriesContext(connection) as queries:
            services.plans_replace(department=social, year=year, plans=rows, actor=None)
        counts.append(len(queries))
    # Three reads of what the year holds, then plans_create's few statements a level (SQLite
    # may need one more batch for the measures of 14 plans).
    assert counts[1] <= counts[0] + 2, counts


def test_a_bad_row_of_an_existing_plan_names_its_plan_and_indicator() -> None:
    rows = seed_plans()
    replace(2045, rows)
    indicator = rows[0].indicators[0]
    zero = dataclasses.replace(indicator.measures[0], target=Decimal(0))
    bad = dataclasses.replace(indicator, measures=(zero, *indicator.measures[1:]))
    entries = AuditEntry.objects.count()
    with pytest.raises(PlanRowInvalid) as raised:
        replace(2045, (dataclasses.replace(rows[0], indicators=(bad,)), *rows[1:]))
    assert (raised.value.plan, raised.value.indicator) == (1, indicator.number)
    assert raised.value.messages == ["目標值須大於 0。"]
    assert AuditEntry.objects.count() == entries
