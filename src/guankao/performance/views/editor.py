"""Pages of the department's coordinators: departments and years, the plan editor, the report's
texts and its status."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guankao.core.models import Agency
from guankao.core.permissions import Action, can
from guankao.performance import rules, selectors, services
from guankao.performance.exceptions import (
    InvalidInput,
    InvalidTransition,
    PerformanceError,
    ReportNotReady,
)
from guankao.performance.forms import (
    AchievementForm,
    IndicatorForm,
    MeasureForm,
    NewIndicatorForm,
    NewMeasureForm,
    NewPlanForm,
    PlanForm,
    RateMethodForm,
    ReportTextForm,
    TransitionForm,
    show_errors,
)
from guankao.performance.models import (
    Measure,
    MeasureKind,
    PerformanceReport,
    Plan,
    ReportStatus,
)
from guankao.performance.state import TRANSITIONS as REPORT_TRANSITIONS
from guankao.performance.views.access import (
    department_of,
    ensure_known_year,
    explains_missing,
    indicator_of,
    report_of,
    show_refusal,
    staff_required,
)
from guankao.tw import from_roc_year

# --- departments and years ---------------------------------------------------------------


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """Every department-year the reader works on, with plans or a report, and its status."""
    rows = [
        row
        for row in selectors.department_years()
        if can(request.user, Action.DATA_VIEW, row.department)
    ]
    return render(request, "performance/index.html", {"rows": rows})


# --- plan editor -------------------------------------------------------------------------


def _measure_flags(measure: Measure, as_of: Any) -> list[tuple[str, str]]:
    """The rule flags a measure's row shows: (css class, text)."""
    data = selectors.measure_data(measure)
    flags: list[tuple[str, str]] = []
    ratio = rules.achievement(data)
    if ratio is not None:
        flags.append(("ratio", rules.format_rate(ratio * 100)))
    elif data.kind == MeasureKind.MILESTONE:
        met = rules.milestone_met(data, as_of=as_of)
        if met:
            flags.append(("ratio", _("如期完成")))
    else:
        flags.append(("missing", _("未填實際值")))
    if rules.is_shortfall(data, as_of=as_of):
        flags.append(("shortfall", _("未達目標")))
    if ratio is not None and ratio > rules.LOW_TARGET_RATIO:
        flags.append(("low-target", _("超過目標 50% 以上：目標可能偏低")))
    return flags


def _editor_context(
    department: Agency, year: int, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    as_of = rules.year_end(from_roc_year(year))
    plans = list(selectors.plans_of(department=department, roc_year=year))
    rows = []
    for plan in plans:
        plan_form = bound.get(f"p{plan.pk}") or PlanForm(
            html_id=f"p{plan.pk}",
            initial={
                "name": plan.name,
                "budget_thousands": plan.budget_thousands,
                "executed_thousands": plan.executed_thousands,
                "control_code": plan.control_code,
                "control_note": plan.control_note,
                "reported_rate": plan.reported_rate,
            },
        )
        indicators = []
        for indicator in plan.indicators.all():
            measures = [
                {
                    "measure": m,
                    "flags": _measure_flags(m, as_of),
                    "form": bound.get(f"m{m.pk}")
                    or MeasureForm(
                        html_id=f"m{m.pk}",
                        initial={
                            "label": m.label,
                            "target": m.target_value,
                            "actual": m.actual_value,
                            "unit": m.unit,
                            "actual_unit": m.actual_unit,
                            "due": m.due,
                            "done": m.done,
                        },
                    ),
                }
                for m in indicator.measures.all()
            ]
            indicators.append(
                {
                    "indicator": indicator,
                    "form": bound.get(f"i{indicator.pk}")
                    or IndicatorForm(
                        html_id=f"i{indicator.pk}",
                        initial={
                            "text": indicator.text,
                            "standard_text": indicator.standard_text,
                            "achievement_text": indicator.achievement_text,
                        },
                    ),
                    "measures": measures,
                    "new_measure": bound.get(f"nm{indicator.pk}")
                    or NewMeasureForm(prefix=f"nm{indicator.pk}"),
                }
            )
        rows.append(
            {
                "plan": plan,
                "form": plan_form,
                "indicators": indicators,
                "new_indicator": bound.get(f"ni{plan.pk}")
                or NewIndicatorForm(prefix=f"ni{plan.pk}"),
            }
        )
    report = PerformanceReport.objects.filter(
        department=department, year=from_roc_year(year)
    ).first()
    return {
        "department": department,
        "year": year,
        "rows": rows,
        "report": report,
        "locked": report is not None and report.status == ReportStatus.FINAL,
        "new_plan": bound.get("new_plan") or NewPlanForm(prefix="np"),
        "rate_form": bound.get("rate_method")
        or RateMethodForm(initial={"rate_method": selectors.rate_method_of(department)}),
    }


@explains_missing
@staff_required
def plan_editor(request: HttpRequest, org: str, year: int) -> HttpResponse:
    """All plans of a department-year with their indicators and measures, editable in place."""
    department = department_of(org)
    ensure_known_year(department, year)
    return render(request, "performance/plans.html", _editor_context(department, year))


def _editor_url(org: str, year: int, anchor: str = "") -> str:
    url = reverse("performance:plans", args=[org, year])
    return f"{url}#{anchor}" if anchor else url


def _invalid(
    request: HttpRequest, department: Agency, year: int, key: str, form: Any
) -> HttpResponse:
    """Show the editor again with the refused form in place and nothing saved (HTTP 400)."""
    messages.error(request, _("資料未儲存，請修正標示的欄位。"))
    context = _editor_context(department, year, bound={key: form})
    context["error_anchor"] = key
    return render(request, "performance/plans.html", context, status=400)


@explains_missing
@staff_required
@require_POST
def plan_update(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    department = department_of(org)
    plan = get_object_or_404(Plan, pk=pk, department=department, year=from_roc_year(year))
    form = PlanForm(request.POST, html_id=f"p{pk}")
    if not form.is_valid():
        return _invalid(request, department, year, f"p{pk}", form)
    try:
        services.plan_update(plan=plan, data=form.cleaned_data, actor=request.user)
    except InvalidInput as error:
        show_errors(form, error)
        return _invalid(request, department, year, f"p{pk}", form)
    except PerformanceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("已儲存計畫%(label)s。") % {"label": plan.number})
    return redirect(_editor_url(org, year, f"p{pk}"))


@explains_missing
@staff_required
@require_POST
def indicator_update(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    department = department_of(org)
    indicator = indicator_of(department, year, pk)
    form = IndicatorForm(request.POST, html_id=f"i{pk}")
    if not form.is_valid():
        return _invalid(request, department, year, f"i{pk}", form)
    try:
        services.indicator_update(indicator=indicator, data=form.cleaned_data, actor=request.user)
    except InvalidInput as error:
        show_errors(form, error)
        return _invalid(request, department, year, f"i{pk}", form)
    except PerformanceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("已儲存衡量指標。"))
    return redirect(_editor_url(org, year, f"i{pk}"))


def _measure_data(form: MeasureForm, measure: Measure) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    if measure.kind == MeasureKind.MILESTONE:
        # A milestone has a due date, not a target: ignore the number fields it does not show.
        for name in ("target", "actual", "unit", "actual_unit"):
            data.pop(name, None)
    else:
        data.pop("due", None)
        data.pop("done", None)
    return data


@explains_missing
@staff_required
@require_POST
def measure_update(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    """Save one measure's row; a refused value re-shows the editor with the message."""
    department = department_of(org)
    measure = get_object_or_404(
        Measure.objects.select_related("indicator__plan__department"),
        pk=pk,
        indicator__plan__department=department,
        indicator__plan__year=from_roc_year(year),
    )
    form = MeasureForm(request.POST, html_id=f"m{pk}")
    if not form.is_valid():
        return _invalid(request, department, year, f"m{pk}", form)
    try:
        services.measure_update(
            measure=measure, data=_measure_data(form, measure), actor=request.user
        )
    except InvalidInput as error:
        show_errors(form, error)
        return _invalid(request, department, year, f"m{pk}", form)
    except PerformanceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("已儲存「%(label)s」。") % {"label": measure.label})
    return redirect(_editor_url(org, year, f"m{pk}"))


@explains_missing
@staff_required
@require_POST
def plan_create(request: HttpRequest, org: str, year: int) -> HttpResponse:
    department = department_of(org)
    form = NewPlanForm(request.POST, prefix="np")
    if not form.is_valid():
        return _invalid(request, department, year, "new_plan", form)
    try:
        plan = services.plan_create(
            department=department, year=from_roc_year(year), actor=request.user, **form.cleaned_data
        )
    except InvalidInput as error:
        show_errors(form, error)
        return _invalid(request, department, year, "new_plan", form)
    except PerformanceError as error:
        show_refusal(request, error)
        return redirect(_editor_url(org, year))
    return redirect(_editor_url(org, year, f"p{plan.pk}"))


@explains_missing
@staff_required
@require_POST
def indicator_create(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    department = department_of(org)
    plan = get_object_or_404(Plan, pk=pk, department=department, year=from_roc_year(year))
    form = NewIndicatorForm(request.POST, prefix=f"ni{pk}")
    if not form.is_valid():
        return _invalid(request, department, year, f"ni{pk}", form)
    try:
        indicator = services.indicator_create(plan=plan, actor=request.user, **form.cleaned_data)
    except InvalidInput as error:
        show_errors(form, error)
        return _invalid(request, department, year, f"ni{pk}", form)
    except PerformanceError as error:
        show_refusal(request, error)
        return redirect(_editor_url(org, year))
    return redirect(_editor_url(org, year, f"i{indicator.pk}"))


@explains_missing
@staff_required
@require_POST
def measure_create(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    department = department_of(org)
    indicator = indicator_of(department, year, pk)
    form = NewMeasureForm(request.POST, prefix=f"nm{pk}")
    if not form.is_valid():
        return _invalid(request, department, year, f"nm{pk}", form)
    try:
        measure = services.measure_create(
            indicator=indicator, actor=request.user, **form.cleaned_data
        )
    except InvalidInput as error:
        show_errors(form, error)
        return _invalid(request, department, year, f"nm{pk}", form)
    except PerformanceError as error:
        show_refusal(request, error)
        return redirect(_editor_url(org, year))
    return redirect(_editor_url(org, year, f"m{measure.pk}"))


@explains_missing
@staff_required
@require_POST
def rate_method(request: HttpRequest, org: str, year: int) -> HttpResponse:
    department = department_of(org)
    form = RateMethodForm(request.POST)
    if not form.is_valid():
        return _invalid(request, department, year, "rate_method", form)
    try:
        services.department_rate_method_set(
            department=department, rate_method=form.cleaned_data["rate_method"], actor=request.user
        )
    except PerformanceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("已變更執行率計算方式。"))
    return redirect(reverse("performance:review", args=[org, year]))


@explains_missing
@staff_required
@require_POST
def transition(request: HttpRequest, org: str, year: int) -> HttpResponse:
    """Move the report's status through the state machine; refusals are shown, not raised."""
    department = department_of(org)
    report = report_of(department, year)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("不明的報告狀態。"))
        return redirect(reverse("performance:report", args=[org, year]))
    try:
        # The form names the status wanted (the button's); the table knows the transition.
        row = REPORT_TRANSITIONS.towards(report.status, form.cleaned_data["to"])
        services.report_transition(report=report, transition=row.name, actor=request.user)
    except ReportNotReady as error:
        messages.error(request, _("報告尚不能定稿："))
        for problem in error.problems:
            messages.error(request, problem)
    except InvalidTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(row.done))
    return redirect(reverse("performance:report", args=[org, year]))


@explains_missing
@staff_required
@require_POST
def report_start(request: HttpRequest, org: str, year: int) -> HttpResponse:
    """Start the year's report as a draft."""
    department = department_of(org)
    ensure_known_year(department, year)
    gregorian = from_roc_year(year)
    if not PerformanceReport.objects.filter(department=department, year=gregorian).exists():
        services.report_create(department=department, year=gregorian, actor=request.user)
    return redirect(reverse("performance:report", args=[org, year]))


@explains_missing
@staff_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, org: str, year: int) -> HttpResponse:
    """Edit the title, 前言 and footnote, and the items of 伍."""
    department = department_of(org)
    report = report_of(department, year)
    achievements = list(report.achievements.order_by("number"))
    text_form = ReportTextForm(
        request.POST if request.method == "POST" and "text" in request.POST else None,
        initial={
            "title": report.title,
            "preface": report.preface,
            "code_footnote": report.code_footnote,
        },
        prefix="text",
    )
    item_number = request.POST.get("item") if request.method == "POST" else None
    item_forms = []
    for number in [a.number for a in achievements] + [len(achievements) + 1]:
        current = next((a for a in achievements if a.number == number), None)
        bound = item_number == str(number)
        item_forms.append(
            (
                number,
                AchievementForm(
                    request.POST if bound else None,
                    prefix=f"a{number}",
                    initial={"title": current.title, "body": current.body} if current else None,
                ),
            )
        )
    status = 200
    if request.method == "POST":
        try:
            if "text" in request.POST and text_form.is_valid():
                services.report_update(
                    report=report, data=text_form.cleaned_data, actor=request.user
                )
                messages.success(request, _("已儲存前言。"))
                return redirect(reverse("performance:report_edit", args=[org, year]))
            for number, form in item_forms:
                if item_number == str(number) and form.is_valid():
                    services.key_achievement_save(
                        report=report, number=number, actor=request.user, **form.cleaned_data
                    )
                    messages.success(request, _("已儲存重要施政具體事蹟。"))
                    return redirect(
                        reverse("performance:report_edit", args=[org, year]) + f"#a{number}"
                    )
        except InvalidInput as error:
            messages.error(request, str(error))
        except PerformanceError as error:
            messages.error(request, str(error))
            return redirect(reverse("performance:report", args=[org, year]))
        status = 400
    return render(
        request,
        "performance/report_edit.html",
        {
            "report": report,
            "org": org,
            "year": year,
            "text_form": text_form,
            "item_forms": item_forms,
        },
        status=status,
    )
