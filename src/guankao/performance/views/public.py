"""The report page and its downloads: public once the report is published, staff of the
department before that."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from guankao.documents.formats import FORMATS
from guankao.documents.render import html as html_renderer
from guankao.performance import document as performance_document
from guankao.performance import rules, selectors
from guankao.performance.models import (
    PerformanceReport,
)
from guankao.performance.report_model import ReportData
from guankao.performance.state import TRANSITIONS as REPORT_TRANSITIONS
from guankao.performance.views.access import (
    Missing,
    department_of,
    explains_missing,
    is_staff,
    report_of,
)

# --- report page, downloads, status --------------------------------------------------------


def _readable_report(request: HttpRequest, org: str, year: int) -> PerformanceReport | HttpResponse:
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


@explains_missing
def report_page(request: HttpRequest, org: str, year: int) -> HttpResponse:
    """The report in the official layout with its downloads; staff also see status and actions."""
    report = _readable_report(request, org, year)
    if isinstance(report, HttpResponse):
        return report
    data = selectors.report_data(report)
    document = performance_document.document(data)
    staff = is_staff(request, report.department)
    context: dict[str, Any] = {
        "report": report,
        "year": year,
        "org": org,
        "formats": [FORMATS[name] for name in performance_document.FORMATS],
        "staff": staff,
        **html_renderer.context(document),
    }
    if staff:
        context["transitions"] = [
            (row.target, row.label) for row in REPORT_TRANSITIONS.available(report.status)
        ]
        context["problems"] = rules.finalization_problems(data)
        context["candidates"] = rules.review_candidates(data)
    return render(request, "performance/report.html", context)


@explains_missing
def download(request: HttpRequest, org: str, year: int, fmt: str) -> HttpResponse:
    """The report as a file in one of its formats (same access as the report page)."""
    if fmt not in performance_document.FORMATS:
        raise Missing(_("不支援的格式：%(format)s") % {"format": fmt})
    report = _readable_report(request, org, year)
    if isinstance(report, HttpResponse):
        return report
    content = _rendered(selectors.report_data(report), fmt)
    info = FORMATS[fmt]
    response = HttpResponse(content, content_type=info.content_type)
    disposition = content_disposition_header(
        as_attachment=fmt != "html", filename=f"{report.title}.{info.extension}"
    )
    if disposition:
        response["Content-Disposition"] = disposition
    return response


def _rendered(data: ReportData, fmt: str) -> bytes:
    """The file, from the cache when this exact report model was rendered before: a PDF takes
    about a second (seconds for long reports), and a published report is read far more often than
    it changes. The key is the model itself, so any edit gives a new file."""
    key = "performance-report:" + hashlib.sha256(f"{fmt}:{data!r}".encode()).hexdigest()
    content = cache.get(key)
    if not isinstance(content, bytes):
        content = performance_document.render(data, fmt)
        cache.set(key, content, timeout=3600)
    return content
