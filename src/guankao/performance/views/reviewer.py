"""The reviewer view: readiness, 執行率 side by side, shortfalls with their review form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guankao.core.models import Agency
from guankao.performance import rules, selectors, services
from guankao.performance.exceptions import (
    InvalidInput,
    PerformanceError,
)
from guankao.performance.forms import (
    RateMethodForm,
    ShortfallReviewForm,
    show_errors,
)
from guankao.performance.models import (
    Measure,
    PerformanceReport,
)
from guankao.performance.views.access import (
    department_of,
    explains_missing,
    report_of,
    show_refusal,
    staff_required,
)
from guankao.tw import from_roc_year

# --- reviewer view -----------------------------------------------------------------------


def _review_context(
    department: Agency, year: int, report: PerformanceReport, bound: dict[int, Any] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    data = selectors.report_data(report)

    def form(item: rules.Shortfall) -> ShortfallReviewForm:
        key = item.measure.id or 0
        review = item.measure.review
        return bound.get(key) or ShortfallReviewForm(
            prefix=f"r{key}",
            initial={
                "reason": review.reason if review else "",
                "improvement": review.improvement if review else "",
            },
        )

    listed = rules.section_three(data)
    candidates = rules.review_candidates(data)
    return {
        "department": department,
        "year": year,
        "report": report,
        "data": data,
        "rates": rules.rate_comparisons(data),
        "gap_points": rules.RATE_GAP_POINTS,
        "listed": [{"item": s, "form": form(s)} for s in listed],
        "candidates": [{"item": s, "form": form(s)} for s in candidates],
        "low_targets": rules.low_targets(data),
        "mismatches": rules.text_mismatches(data),
        "figures": rules.figure_checks(data),
        "problems": rules.finalization_problems(data),
        "self_managed": rules.self_managed_sentence(data),
        "rate_form": RateMethodForm(initial={"rate_method": data.rate_method}),
    }


@explains_missing
@staff_required
def review(request: HttpRequest, org: str, year: int) -> HttpResponse:
    """What a careful reviewer checks: rates side by side, shortfalls and their reviews, targets
    that look too low, text that disagrees with the numbers, figures with no source."""
    department = department_of(org)
    report = report_of(department, year)
    return render(request, "performance/review.html", _review_context(department, year, report))


@explains_missing
@staff_required
@require_POST
def shortfall_review(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    """Save the reason and improvement of one shortfall."""
    department = department_of(org)
    report = report_of(department, year)
    measure = get_object_or_404(
        Measure.objects.select_related("indicator__plan__department"),
        pk=pk,
        indicator__plan__department=department,
        indicator__plan__year=from_roc_year(year),
    )
    form = ShortfallReviewForm(request.POST, prefix=f"r{pk}")
    if form.is_valid():
        try:
            services.shortfall_review_save(measure=measure, actor=request.user, **form.cleaned_data)
        except InvalidInput as error:
            show_errors(form, error)
        except PerformanceError as error:
            show_refusal(request, error)
            return redirect(reverse("performance:review", args=[org, year]))
        else:
            messages.success(request, _("已儲存「%(label)s」的檢討。") % {"label": measure.label})
            return redirect(reverse("performance:review", args=[org, year]) + f"#r{pk}")
    context = _review_context(department, year, report, bound={pk: form})
    return render(request, "performance/review.html", context, status=400)
