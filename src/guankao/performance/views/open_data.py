"""Open data: each published report's metadata in the data.gov.tw format, and a catalogue of
all of them (docs/performance.md, "Open data")."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from guankao.performance import open_data, selectors
from guankao.performance.report_model import ReportData
from guankao.performance.views.access import department_of, explains_missing

OPEN_FORMATS = ("csv", "json")


def _datasets(request: HttpRequest, dates: selectors.PublishedDates) -> list[dict[str, Any]]:
    report = dates.report
    department = report.department
    roc_year = report.roc_year
    data = ReportData(
        department_slug=department.slug,
        department_name=department.name,
        jurisdiction_name=department.jurisdiction.name,
        year=report.year,
        title=report.title,
        preface="",
    )
    args = [department.slug, roc_year]
    return open_data.report_datasets(
        data,
        published=dates.first,
        modified=dates.last,
        report_urls={
            fmt: request.build_absolute_uri(reverse("performance:download", args=[*args, fmt]))
            for fmt in OPEN_FORMATS
        },
        scorecard_urls={
            fmt: request.build_absolute_uri(
                reverse("performance:scorecard_download", args=[*args, fmt])
            )
            for fmt in OPEN_FORMATS
        },
    )


def _json(body: Any) -> JsonResponse:
    return JsonResponse(body, safe=False, json_dumps_params={"ensure_ascii": False, "indent": 1})


def catalogue(request: HttpRequest) -> JsonResponse:
    """Every published report's two datasets (report and scorecard), for harvesters."""
    return _json(
        {
            "schema": "guankao/open-data-catalogue/1",
            "datasets": [
                d for dates in selectors.published_dates() for d in _datasets(request, dates)
            ],
        }
    )


@explains_missing
def metadata(request: HttpRequest, org: str, year: int) -> JsonResponse:
    """The datasets of one published report; 404 before it is published."""
    department = department_of(org)
    found = [
        d for d in selectors.published_dates(department=department) if d.report.roc_year == year
    ]
    if not found:
        return JsonResponse({"detail": "找不到已公開的報告。"}, status=404)
    found[0].report.department = department
    return _json(
        {"schema": "guankao/open-data-catalogue/1", "datasets": _datasets(request, found[0])}
    )
