"""Each published revision's tally, counted when it is published (decision 0087): the overviews
read it instead of the measures, and give exactly what counting the tables gives; a tally
counted under a legend no longer in force is not used, and is counted again after migrations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guankao.core.models import Jurisdiction
from guankao.performance import overview, selectors
from guankao.performance.models import LightLegend, PerformanceReport, ReportRevision, RevisionTally
from guankao.performance.scorecard import Light
from guankao.performance.services import revision_tallies_refresh
from guankao.performance.synthetic import Sizes, load_country

pytestmark = pytest.mark.django_db

SMALL = Sizes(jurisdictions=3, years=2, departments=4, plans=6, indicators=4)


def _lines(roc_year: int) -> list[tuple[object, ...]]:
    """What the national view adds up, report by report."""
    reports = list(overview._reports_of_year(roc_year))
    return [
        (
            line.report.pk,
            line.counts,
            line.below_target,
            line.unreviewed,
            line.measures,
            line.budget_thousands,
            line.execution,
        )
        for line in overview.report_lines(reports, year=roc_year + 1911)
    ]


def test_every_published_revision_is_counted_and_reads_as_its_tables() -> None:
    load_country(sizes=SMALL, actor=None)
    published = PerformanceReport.objects.filter(status="published")
    assert published.count() > 0
    assert RevisionTally.objects.count() == ReportRevision.objects.count() == published.count()
    for report in published.select_related("department"):
        tally = report.revisions.get().tally
        data = selectors.public_report_data(report)
        counts, below, unreviewed, total = overview.tally(
            data, selectors.legend_of(report.department)
        )
        assert (tally.green, tally.yellow, tally.red, tally.white) == tuple(
            counts[light] for light in (Light.GREEN, Light.YELLOW, Light.RED, Light.WHITE)
        )
        assert sum(counts.values()) == total
        assert (tally.yellow + tally.red, tally.unreviewed) == (below, unreviewed)
        assert Decimal(tally.execution) == overview.execution_of(data)
    stored = _lines(113)
    with CaptureQueriesContext(connection) as captured:
        overview.national_year(roc_year=113)
    assert not any("performance_measure" in q["sql"] for q in captured.captured_queries)
    RevisionTally.objects.all().delete()
    assert _lines(113) == stored  # counted from the tables: the same, to the last digit


def test_a_new_legend_is_counted_from_the_tables_until_tallied_again() -> None:
    load_country(sizes=SMALL, actor=None)
    taipei = Jurisdiction.objects.get(slug="sim-taipei")
    before = _lines(113)
    LightLegend.objects.create(
        jurisdiction=taipei, green_at=Decimal("95.5"), yellow_at=Decimal("60.0")
    )
    with CaptureQueriesContext(connection) as captured:
        after = _lines(113)
    assert any("performance_measure" in q["sql"] for q in captured.captured_queries)
    assert after != before  # the new legend changed some lights
    in_taipei = PerformanceReport.objects.filter(
        status="published", department__jurisdiction=taipei
    ).count()
    assert revision_tallies_refresh() == in_taipei
    assert revision_tallies_refresh() == 0
    with CaptureQueriesContext(connection) as captured:
        assert _lines(113) == after
    assert not any("performance_measure" in q["sql"] for q in captured.captured_queries)
