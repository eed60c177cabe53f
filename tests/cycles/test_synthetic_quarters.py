"""The synthetic country's quarterly reporting (``guankao demo --national``, issue 14 item 7):
every department reports its last year's first two quarters, Q1 approved and Q2 submitted, with
figures that follow the year-end actuals, so that the early warning projects every light; a
second run writes nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from guankao.core.models import AuditEntry
from guankao.cycles import selectors
from guankao.cycles.models import MeasureEntry, ReportingPeriod, SubmissionStatus
from guankao.performance.models import Measure
from guankao.performance.scorecard import Light
from guankao.performance.synthetic import Sizes, departments_of
from guankao.site.demo import load_national
from tests.conftest import rolled_back_at_the_end

pytestmark = pytest.mark.django_db

TINY = Sizes(jurisdictions=2, years=2, departments=3, plans=4, indicators=4)


@pytest.fixture(scope="module")
def tiny_country_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The tiny country loaded once for the module (about a second each time), rolled back at
    its end; each test's own writes are undone by its ``db`` transaction."""
    with rolled_back_at_the_end(django_db_blocker):
        load_national(sizes=TINY, actor=None)
        yield


def test_each_department_reports_two_quarters_of_its_last_year(tiny_country_once: None) -> None:
    departments = departments_of(TINY)
    assert len(departments) == 6
    periods = ReportingPeriod.objects.filter(department__in=departments)
    assert sorted(Counter(periods.values_list("code", flat=True)).items()) == [
        ("113Q1", 6),
        ("113Q2", 6),
    ]
    assert all(p.is_sample for p in periods)
    statuses = Counter(
        (p.code, p.submissions.get().status) for p in periods.prefetch_related("submissions")
    )
    assert statuses == {
        ("113Q1", SubmissionStatus.APPROVED): 6,
        ("113Q2", SubmissionStatus.SUBMITTED): 6,
    }
    # Every measure of the year is reported in each quarter, and Q2's figure is about half of
    # the year-end actual (Q1's a quarter): the quarters add up.
    entries = MeasureEntry.objects.filter(submission__period__in=periods).select_related(
        "measure", "submission__period"
    )
    year_measures = Measure.objects.filter(
        indicator__plan__department__in=departments, indicator__plan__year=2024
    ).count()
    assert entries.count() == 2 * year_measures
    for entry in entries:
        if entry.measure.actual is None or entry.actual is None:
            continue
        q1 = entry.submission.period.index == 1
        share = entry.actual / entry.measure.actual
        assert 0 < share <= (1 if q1 else 2) * 0.5 * 1.4, (entry.measure, share)


def test_the_early_warning_of_the_country_projects_every_light(tiny_country_once: None) -> None:
    lights: Counter[Light] = Counter()
    for period in ReportingPeriod.objects.filter(code="113Q2").select_related("department"):
        warning = selectors.early_warning(period)
        lights.update(row.projection.light for row in warning.rows)
        assert all(row.sent for row in warning.rows)
    assert lights[Light.GREEN] > lights[Light.RED] > 0
    assert lights[Light.YELLOW] > 0


def test_a_second_run_writes_nothing(tiny_country_once: None) -> None:
    before = AuditEntry.objects.count(), MeasureEntry.objects.count()
    load_national(sizes=TINY, actor=None)
    assert (AuditEntry.objects.count(), MeasureEntry.objects.count()) == before
