"""The lights counted in the database (``overview.light_expression``, decision 0077) are the
scorecard's ``light_of``, measure by measure: random measures with hypothesis, aimed at the
thresholds' last cent, under random legends; then per report over the synthetic country, with a
jurisdiction's own legend, milestones late, missed and not yet due, and unreviewed shortfalls."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guankao.core.models import Jurisdiction
from guankao.performance import overview, selectors
from guankao.performance.models import (
    Indicator,
    LightLegend,
    Measure,
    MeasureKind,
    PerformanceReport,
    ShortfallReview,
)
from guankao.performance.scorecard import Legend, Light, light_of
from guankao.performance.services import department_rate_method_set
from guankao.performance.synthetic import Sizes, load_country
from tests.conftest import rolled_back_at_the_end
from tests.performance import factories

pytestmark = pytest.mark.django_db

YEAR = factories.YEAR
AS_OF = datetime.date(YEAR, 12, 31)
CENT = Decimal("0.01")

# Thresholds as a LightLegend row holds them (one decimal, yellow below green).
tenths = st.integers(min_value=1, max_value=20000)
legends = (
    st.tuples(tenths, tenths)
    .filter(lambda gy: gy[0] != gy[1])
    .map(lambda gy: Legend(green_at=Decimal(max(gy)) / 10, yellow_at=Decimal(min(gy)) / 10))
)


# A numeric measure's (target, actual) or a milestone's (due, done).
Spec = tuple[Decimal, Decimal | None] | tuple[datetime.date, datetime.date | None]


def _light(measure: Measure) -> str:
    # The annotation measure_lights adds (not a model field, hence not typed).
    light: str = measure.light  # type: ignore[attr-defined]
    return light


@st.composite
def numeric(draw: st.DrawFn, legend: Legend) -> tuple[Decimal, Decimal | None]:
    """A target and an actual in cents; often the last cent either side of a threshold."""
    target = draw(st.one_of(st.integers(1, 10_000), st.integers(1, 10**9), st.integers(1, 10**11)))
    if draw(st.integers(0, 9)) == 0:
        return Decimal(target) * CENT, None
    aim = draw(st.sampled_from(["green", "yellow", "free"]))
    if aim == "free":
        actual = draw(st.integers(0, 10**11))
    else:
        threshold = legend.green_at if aim == "green" else legend.yellow_at
        # 2000·a ≥ (20·T − 1)·t at the boundary: a = (20·T − 1)·t / 2000, give or take a cent.
        boundary = (threshold * 20 - 1) * target / 2000
        actual = max(0, int(boundary) + draw(st.integers(-2, 2)))
    return Decimal(target) * CENT, Decimal(actual) * CENT


@st.composite
def milestone(draw: st.DrawFn) -> tuple[datetime.date, datetime.date | None]:
    due = AS_OF + datetime.timedelta(days=draw(st.integers(-40, 40)))
    if draw(st.booleans()):
        return due, None
    return due, due + datetime.timedelta(days=draw(st.integers(-3, 3)))


@st.composite
def measures(draw: st.DrawFn) -> tuple[Legend, list[Spec]]:
    legend = draw(legends)
    rows = draw(st.lists(st.one_of(numeric(legend), milestone()), min_size=1, max_size=12))
    return legend, rows


@pytest.fixture
def indicator_id() -> int:
    owner = factories.department()
    plan = factories.plan(owner, 1)
    return factories.indicator(plan, 1, standard="服務人次。", achievement="服務人次。").pk


class _Rollback(Exception):
    pass


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=measures())
def test_the_sql_light_of_every_measure_is_light_of(
    indicator_id: int, case: tuple[Legend, list[Spec]]
) -> None:
    legend, specs = case
    jurisdiction_id = Indicator.objects.values_list(
        "plan__department__jurisdiction_id", flat=True
    ).get(pk=indicator_id)
    try:
        with transaction.atomic():
            made = []
            for position, spec in enumerate(specs, start=1):
                first, second = spec
                if isinstance(first, datetime.date):
                    assert second is None or isinstance(second, datetime.date)
                    made.append(
                        Measure(
                            indicator_id=indicator_id,
                            position=position,
                            label="里程碑",
                            kind=MeasureKind.MILESTONE,
                            due=first,
                            done=second,
                        )
                    )
                else:
                    assert second is None or isinstance(second, Decimal)
                    made.append(
                        Measure(
                            indicator_id=indicator_id,
                            position=position,
                            label="數量",
                            kind=MeasureKind.NUMERIC,
                            target=first,
                            actual=second,
                            unit="人次",
                        )
                    )
            Measure.objects.bulk_create(made)
            # Both sides read what the database kept (SQLite keeps REALs): the same values.
            rows = overview.measure_lights(
                Measure.objects.filter(indicator_id=indicator_id),
                {jurisdiction_id: legend},
                as_of=AS_OF,
            )
            for row in rows:
                expected = light_of(selectors.measure_data(row), legend, as_of=AS_OF)
                assert _light(row) == expected.value, (row.target, row.actual, row.due, row.done)
            raise _Rollback
    except _Rollback:
        pass


def test_each_light_on_its_last_cent_under_the_default_legend(indicator_id: int) -> None:
    """The edges written out: 99.95% is green (100.0% once rounded), 99.94% yellow; 79.95%
    yellow, 79.94% red; a target of 3 and an actual of 2.4 is exactly 80%."""
    cases = [
        (Decimal("10000.00"), Decimal("9995.00"), Light.GREEN),
        (Decimal("10000.00"), Decimal("9994.99"), Light.YELLOW),
        (Decimal("10000.00"), Decimal("7995.00"), Light.YELLOW),
        (Decimal("10000.00"), Decimal("7994.99"), Light.RED),
        (Decimal("3.00"), Decimal("2.40"), Light.YELLOW),
        (Decimal("3.00"), Decimal("2.39"), Light.RED),
        (Decimal("0.03"), Decimal("0.03"), Light.GREEN),
        (Decimal("5800"), Decimal("4373"), Light.RED),  # the seed's 十四.1: 75.4%
        (Decimal("432"), Decimal("361"), Light.YELLOW),  # 八.5: 83.6%
        (Decimal("10"), None, Light.WHITE),
        (Decimal("10"), Decimal(0), Light.RED),
    ]
    Measure.objects.bulk_create(
        Measure(
            indicator_id=indicator_id,
            position=n,
            label="數量",
            kind=MeasureKind.NUMERIC,
            target=target,
            actual=actual,
        )
        for n, (target, actual, _light) in enumerate(cases, start=1)
    )
    rows = overview.measure_lights(
        Measure.objects.filter(indicator_id=indicator_id).order_by("position"), {}, as_of=AS_OF
    )
    assert [_light(r) for r in rows] == [light.value for _t, _a, light in cases]
    assert [light_of(selectors.measure_data(r), Legend(), as_of=AS_OF).value for r in rows] == [
        light.value for _t, _a, light in cases
    ]


SMALL = Sizes(jurisdictions=3, years=2, departments=4, plans=6, indicators=4)


@pytest.fixture(scope="module")
def small_country_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The SMALL synthetic country, loaded once for the tests below and rolled back after them;
    each test's own changes are undone by its ``db`` transaction."""
    with rolled_back_at_the_end(django_db_blocker):
        load_country(sizes=SMALL, actor=None)
        yield


def test_the_counts_per_report_equal_the_scorecards_over_the_country(
    small_country_once: None,
) -> None:
    """Every report of the synthetic country, under a jurisdiction's own legend and the
    default: the database's counts, shortfalls and unreviewed equal the Python scorecard's."""
    taipei = Jurisdiction.objects.get(slug="sim-taipei")
    LightLegend.objects.create(
        jurisdiction=taipei, green_at=Decimal("95.5"), yellow_at=Decimal("70.0")
    )
    # Milestones of every kind and a shortfall without a review, beyond what the seed made.
    some = Measure.objects.filter(kind=MeasureKind.MILESTONE, indicator__plan__year=2024).order_by(
        "pk"
    )[:3]
    late, missed, later = list(some)
    assert late.due is not None
    late.done = late.due + datetime.timedelta(days=1)
    missed.done = None
    later.due, later.done = datetime.date(2025, 3, 1), None
    Measure.objects.bulk_update([late, missed, later], ["due", "done"])
    assert Measure.objects.filter(
        kind=MeasureKind.NUMERIC, actual__lt=F("target"), shortfall_review__isnull=True
    ).exists()
    assert ShortfallReview.objects.exists()
    reports = list(
        PerformanceReport.objects.filter(department__slug__startswith="sim-")
        .select_related("department__jurisdiction")
        .order_by("pk")
    )
    legends = overview._legends({r.department.jurisdiction_id for r in reports})
    assert legends == {taipei.pk: Legend(green_at=Decimal("95.5"), yellow_at=Decimal("70.0"))}
    seen = dict.fromkeys(Light, 0)
    for year in {r.year for r in reports}:
        of_year = [r for r in reports if r.year == year]
        counted = overview.tallies_in_sql(
            {r.department_id: r.department.jurisdiction_id for r in of_year}, year, legends
        )
        for report in of_year:
            legend = legends.get(report.department.jurisdiction_id, Legend())
            expected = overview.tally(selectors.report_data(report), legend)
            assert counted[report.department_id] == expected, report
            for light, n in expected[0].items():
                seen[light] += n
    # The country exercised every light, and the custom legend changed some.
    assert all(seen.values()), seen


def test_the_national_view_reads_no_measure_rows(small_country_once: None) -> None:
    """What the speed fix is for: the national page's queries return a row per department,
    not per measure."""
    with CaptureQueriesContext(connection) as captured:
        overview.national_year(roc_year=113)
    assert not any(
        '"performance_measure"."target"' in q["sql"] and "GROUP BY" not in q["sql"]
        for q in captured.captured_queries
    )


def test_a_department_whose_rate_comes_from_its_measures_is_counted_in_python_alike(
    small_country_once: None,
) -> None:
    """Staff reading a draft whose 執行率 is the measures' capped mean: that report's measures
    are read (the rate needs them) and counted by ``light_of``; the others by the database. Both
    give the scorecard's counts, and the 執行率 is the report's own."""
    draft = PerformanceReport.objects.select_related("department__jurisdiction").get(
        department__slug="sim-taipei-education", year=2024
    )
    assert draft.status == "draft"
    department_rate_method_set(department=draft.department, rate_method="measures", actor=None)
    city = overview.city_year(
        jurisdiction=draft.department.jurisdiction, roc_year=113, sees_drafts=lambda _d: True
    )
    assert len(city.lines) == SMALL.departments
    for line in city.lines:
        data = selectors.report_data(line.report)
        if line.report.pk != draft.pk:
            data = dataclasses.replace(data, rate_method="reported")
        counts, below, unreviewed, total = overview.tally(data, Legend())
        assert (line.counts, line.below_target, line.unreviewed, line.measures) == (
            counts,
            below,
            unreviewed,
            total,
        )
        assert line.execution == overview.execution_of(data)
    shown = next(line for line in city.lines if line.report.pk == draft.pk)
    assert shown.live and shown.execution is not None


def test_a_published_report_keeps_the_rate_method_it_was_published_with(
    small_country_once: None,
) -> None:
    """Each revision keeps its 執行率 method in a column (read by the overviews instead of the
    revision's JSON): a department that changes its method after publishing changes its drafts,
    not what the public reads of its published year."""
    published = (
        PerformanceReport.objects.filter(status="published", year=2024)
        .select_related("department__jurisdiction")
        .order_by("pk")
        .first()
    )
    assert published is not None
    revision = published.revisions.get()
    assert revision.rate_method == "reported"
    kept = selectors.shown_report_data(published, staff=False)
    department_rate_method_set(department=published.department, rate_method="measures", actor=None)
    city = overview.city_year(jurisdiction=published.department.jurisdiction, roc_year=113)
    line = next(line for line in city.lines if line.report.pk == published.pk)
    assert not line.live
    assert line.execution == overview.execution_of(kept)
    measured = overview.execution_of(dataclasses.replace(kept, rate_method="measures"))
    assert measured is not None and measured != line.execution
