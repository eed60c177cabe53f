"""The home page: what is loaded, by jurisdiction."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from guankao.core.models import Jurisdiction
from guankao.divisions.models import DivisionTable
from guankao.performance.models import PerformanceReport


def home(request: HttpRequest) -> HttpResponse:
    """What is public: jurisdictions with their division tables in force or published before,
    departments with their published report years (drafts are for staff pages only)."""
    tables = (
        DivisionTable.objects.published(timezone.localdate())
        .annotate(task_count=Count("tasks"))
        .latest_first()
    )
    reports = (
        PerformanceReport.objects.published()
        .select_related("department")
        .annotate(plan_count=Count("department__plans", distinct=True))
        .order_by("department__label", "-year")
    )
    jurisdictions = Jurisdiction.objects.prefetch_related(
        Prefetch("division_tables", queryset=tables, to_attr="tables"),
    ).order_by("slug")
    reports_by_jurisdiction: dict[int, list[PerformanceReport]] = {}
    for report in reports:
        reports_by_jurisdiction.setdefault(report.department.jurisdiction_id, []).append(report)
    rows = [
        {
            "jurisdiction": jurisdiction,
            "tables": jurisdiction.tables,
            "reports": reports_by_jurisdiction.get(jurisdiction.pk, []),
        }
        for jurisdiction in jurisdictions
    ]
    return render(request, "site/home.html", {"rows": rows})
