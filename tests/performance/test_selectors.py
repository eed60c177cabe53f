"""The report model read from the database, compared with the one read from the data file."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from guankao.performance import selectors
from guankao.performance.datafile import parse_performance_file, report_data_from_file
from guankao.performance.exceptions import NotFound
from guankao.performance.report_model import ReportData
from tests.performance import factories

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "src/guankao/seeds/hsinchu-social-performance-108.yaml"


def without_ids(value: Any) -> Any:
    """The model with database ids cleared, to compare with one built from the file."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: None if f.name == "id" else without_ids(getattr(value, f.name))
            for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(without_ids(v) for v in value)
    return value


def test_database_and_data_file_give_the_same_report_model() -> None:
    from_db = selectors.performance_report(department_slug="hsinchu-social", roc_year=108)
    from_file = report_data_from_file(parse_performance_file(SEED))
    assert without_ids(from_db) == without_ids(from_file)
    assert from_db.plans[0].id is not None


def test_the_report_model_takes_a_fixed_number_of_queries(
    django_assert_num_queries: Any,
) -> None:
    report_row = selectors.report_get(
        department=selectors.department_get(slug="hsinchu-social"), roc_year=108
    )
    with django_assert_num_queries(7):
        report = selectors.report_data(report_row)
    assert isinstance(report, ReportData)
    assert sum(len(p.measures) for p in report.plans) == 83


def test_a_published_report_is_read_from_its_revision_in_three_queries(
    django_assert_num_queries: Any,
) -> None:
    # department, report, last revision: the published model is kept, not rebuilt.
    with django_assert_num_queries(3):
        published = selectors.performance_report(department_slug="hsinchu-social", roc_year=108)
    report_row = selectors.report_get(
        department=selectors.department_get(slug="hsinchu-social"), roc_year=108
    )
    assert published == dataclasses.replace(selectors.report_data(report_row), status="published")


def test_unknown_department_and_year_name_what_is_missing() -> None:
    with pytest.raises(NotFound, match="找不到機關「x」。"):
        selectors.performance_report(department_slug="x", roc_year=108)
    with pytest.raises(NotFound, match="找不到社會處 109年度的施政績效報告。"):
        selectors.performance_report(department_slug="hsinchu-social", roc_year=109)


def test_published_only_hides_drafts() -> None:
    factories.small_report()
    with pytest.raises(NotFound):
        selectors.performance_report(
            department_slug="test-social", roc_year=113, published_only=True
        )
    assert (
        selectors.performance_report(department_slug="test-social", roc_year=113).status == "draft"
    )


def test_rate_method_defaults_to_reported() -> None:
    owner = factories.department()
    assert selectors.rate_method_of(owner) == "reported"
