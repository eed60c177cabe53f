"""The report page and its downloads: public once the report is published, staff of the
department before that."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from guankao.core.page_cache import published_page
from guankao.core.permissions import Action, can
from guankao.documents.formats import FORMATS
from guankao.documents.render import html as html_renderer
from guankao.performance import document as performance_document
from guankao.performance import overview, rules, selectors, services
from guankao.performance.exceptions import NotFound
from guankao.performance.models import PUBLIC_STATUSES, PerformanceReport
from guankao.performance.report_model import ReportData
from guankao.performance.state import TRANSITIONS as REPORT_TRANSITIONS
from guankao.performance.views.access import (
    Missing,
    department_of,
    explains_missing,
    is_staff,
    report_of,
)

# --- the public index ----------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """Every published report by city, department and year, for anyone; a signed-in member of
    staff also sees the department-years they work on, drafts included."""
    staff_rows = (
        [
            row
            for row in selectors.department_years()
            if can(request.user, Action.DATA_VIEW, row.department)
        ]
        if request.user.is_authenticated
        else []
    )
    city_years = overview.published_years()
    published = selectors.published_index(
        newest={c.jurisdiction.pk: c.years[0][0] + 1911 for c in city_years}
    )
    cities: dict[str, list[selectors.PublishedReport]] = {}
    for row in published:
        cities.setdefault(row.jurisdiction, []).append(row)
    years = {c.jurisdiction.name: c for c in city_years}
    index = reverse("performance:index")
    return render(
        request,
        "performance/index.html",
        {
            "rows": staff_rows,
            "cities": [
                (years.get(name), [(r, *_report_links(r, index)) for r in reports])
                for name, reports in cities.items()
            ],
            "national_year": max((c.years[0][0] for c in city_years), default=None),
            "signed_in": request.user.is_authenticated,
        },
    )


def _report_links(row: selectors.PublishedReport, index: str) -> tuple[str, str]:
    """The report's and its scorecard's addresses under the index's, without resolving two URLs
    per row (the index of the synthetic country lists 440 reports)."""
    base = f"{index}{row.department.slug}/{row.roc_year}/"
    return base, f"{base}scorecard/"


# --- report page, downloads, status --------------------------------------------------------


def readable_report(request: HttpRequest, org: str, year: int) -> PerformanceReport | HttpResponse:
    """The report if this visitor may read it: anyone once published, staff before that."""
    department = department_of(org)
    if is_staff(request, department):
        return report_of(department, year)
    try:
        return report_of(department, year, published_only=True)
    except Http404:
        if not request.user.is_authenticated:
            # A draft may exist: offer to sign in rather than say it does not.
            return redirect_to_login(request.get_full_path())
        raise


def _shown_data(request: HttpRequest, report: PerformanceReport) -> tuple[ReportData, bool]:
    """The report model this visitor reads, and whether it is the published revision: staff
    see a report being corrected (or not yet published) live, everyone else what was published."""
    staff = is_staff(request, report.department)
    data = selectors.shown_report_data(report, staff=staff)
    return data, selectors.reads_published(report, staff=staff) and report.status in PUBLIC_STATUSES


@published_page(services.PUBLISHED_PAGES)
@explains_missing
def report_page(request: HttpRequest, org: str, year: int) -> HttpResponse:
    """The report in the official layout with its downloads, its 勘誤 notices and earlier
    revisions; staff also see status and actions."""
    report = readable_report(request, org, year)
    if isinstance(report, HttpResponse):
        return report
    data, _published = _shown_data(request, report)
    document = performance_document.document(data)
    staff = is_staff(request, report.department)
    revisions = selectors.revisions_of(report)
    context: dict[str, Any] = {
        "report": report,
        "year": year,
        "org": org,
        "formats": [FORMATS[name] for name in performance_document.FORMATS],
        "staff": staff,
        "revisions": revisions,
        "corrections": [r for r in revisions if r.number > 1],
        **html_renderer.context(document),
    }
    if staff:
        context["transitions"] = [
            (row.name, row.target, row.label) for row in REPORT_TRANSITIONS.available(report.status)
        ]
        context["problems"] = rules.readiness(data)
        context["candidates"] = rules.review_candidates(data)
    return render(request, "performance/report.html", context)


def file_response(content: bytes, fmt: str, title: str) -> HttpResponse:
    info = FORMATS[fmt]
    response = HttpResponse(content, content_type=info.content_type)
    disposition = content_disposition_header(
        as_attachment=fmt != "html", filename=f"{title}.{info.extension}"
    )
    if disposition:
        response["Content-Disposition"] = disposition
    return response


@published_page(services.PUBLISHED_PAGES)
@explains_missing
def download(request: HttpRequest, org: str, year: int, fmt: str) -> HttpResponse:
    """The report as a file in one of its formats (same access as the report page): once
    published, the bytes of the last revision as they were published."""
    if fmt not in performance_document.FORMATS:
        raise Missing(_("不支援的格式：%(format)s") % {"format": fmt})
    report = readable_report(request, org, year)
    if isinstance(report, HttpResponse):
        return report
    data, published = _shown_data(request, report)
    revision = selectors.latest_revision(report) if published else None
    if revision is not None:
        content = services.revision_file_get(revision=revision, fmt=fmt)
    else:
        content = _rendered(data, fmt)
    return file_response(content, fmt, report.title)


@published_page(services.PUBLISHED_PAGES)
@explains_missing
def revision_download(
    request: HttpRequest, org: str, year: int, number: int, fmt: str
) -> HttpResponse:
    """Revision ``number`` of a published report in one of its formats, byte for byte as it was
    published (anyone may read every revision once the report is public)."""
    if fmt not in performance_document.FORMATS:
        raise Missing(_("不支援的格式：%(format)s") % {"format": fmt})
    report = report_of(department_of(org), year, published_only=True)
    try:
        revision = selectors.revision_get(report=report, number=number)
        content = services.revision_file_get(revision=revision, fmt=fmt)
    except NotFound as error:
        raise Missing(str(error)) from None
    return file_response(content, fmt, f"{report.title}（第{number}版）")


def _rendered(data: ReportData, fmt: str) -> bytes:
    """The file, from the cache when this exact report model was rendered before: a PDF takes
    about a second (seconds for long reports). The key is the model itself, so any edit gives a
    new file. Published reports are served from their revision's stored files instead."""
    key = "performance-report:" + hashlib.sha256(f"{fmt}:{data!r}".encode()).hexdigest()
    content = cache.get(key)
    if not isinstance(content, bytes):
        content = performance_document.render(data, fmt)
        cache.set(key, content, timeout=3600)
    return content
