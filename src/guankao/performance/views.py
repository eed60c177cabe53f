"""Pages of the performance app: departments and years, the plan editor, the reviewer view and
the report page (public once published). Views parse input, call one service and present."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guankao.core.models import Agency
from guankao.core.permissions import Action, can, denied_message
from guankao.documents.formats import FORMATS
from guankao.documents.render import html as html_renderer
from guankao.performance import document as performance_document
from guankao.performance import rules, selectors, services
from guankao.performance.exceptions import (
    InvalidInput,
    InvalidTransition,
    NotFound,
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
    ShortfallReviewForm,
    TransitionForm,
    show_errors,
)
from guankao.performance.models import (
    Indicator,
    Measure,
    MeasureKind,
    PerformanceReport,
    Plan,
    ReportStatus,
)
from guankao.performance.report_model import ReportData
from guankao.performance.state import TRANSITIONS as REPORT_TRANSITIONS
from guankao.tw import from_roc_year

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


class Missing(Http404):
    """An unknown department, year, report or format: the page says which (HTTP 404)."""


def explains_missing(view: View[P]) -> View[P]:
    """Show a Missing error as a page that names what was not found, rather than a bare 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Missing as error:
            return render(request, "performance/missing.html", {"message": str(error)}, status=404)

    return wrapper


def staff_required(view: View[P]) -> View[P]:
    """Staff pages: sign in first, then the role matrix over the page's department.

    Reading (GET, HEAD) needs ``data.view``, changing anything ``data.edit``; both scoped to the
    department named by the URL's ``org`` (without one, holding the role anywhere is enough).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        action = Action.DATA_VIEW if request.method in {"GET", "HEAD"} else Action.DATA_EDIT
        org = kwargs.get("org")
        # An unknown department is left to the view, which answers 404 with its own message.
        department = Agency.objects.filter(slug=org).first() if isinstance(org, str) else None
        if not can(request.user, action, department):
            raise PermissionDenied(denied_message(action))
        return view(request, *args, **kwargs)

    return wrapper


def _is_staff(request: HttpRequest, department: Agency) -> bool:
    """Whether the reader may see ``department``'s drafts: signed in with a role that reads
    staff pages over the department (a reporter of another city sees only what is published)."""
    return bool(request.user.is_authenticated and can(request.user, Action.DATA_VIEW, department))


def _department(org: str) -> Agency:
    try:
        return selectors.department_get(slug=org)
    except NotFound as error:
        raise Missing(str(error)) from None


def _indicator(department: Agency, year: int, pk: int) -> Indicator:
    """The indicator ``pk`` of ``department``'s plans of ROC ``year``, or 404."""
    return get_object_or_404(
        Indicator.objects.select_related("plan__department"),
        pk=pk,
        plan__department=department,
        plan__year=from_roc_year(year),
    )


def _known_year(department: Agency, year: int) -> None:
    """404 for a year with neither plans nor a report: a typo, not an empty year."""
    gregorian = from_roc_year(year) if year >= 1 else 0
    if not (
        Plan.objects.filter(department=department, year=gregorian).exists()
        or PerformanceReport.objects.filter(department=department, year=gregorian).exists()
    ):
        raise Missing(
            _("%(department)s沒有 %(year)d年度的施政計畫。")
            % {"department": department.label, "year": year}
        )


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
    department = _department(org)
    _known_year(department, year)
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


def _refused(request: HttpRequest, error: PerformanceError) -> None:
    messages.error(request, str(error))


@explains_missing
@staff_required
@require_POST
def plan_update(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    department = _department(org)
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
        _refused(request, error)
    else:
        messages.success(request, _("已儲存計畫%(label)s。") % {"label": plan.number})
    return redirect(_editor_url(org, year, f"p{pk}"))


@explains_missing
@staff_required
@require_POST
def indicator_update(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    department = _department(org)
    indicator = _indicator(department, year, pk)
    form = IndicatorForm(request.POST, html_id=f"i{pk}")
    if not form.is_valid():
        return _invalid(request, department, year, f"i{pk}", form)
    try:
        services.indicator_update(indicator=indicator, data=form.cleaned_data, actor=request.user)
    except InvalidInput as error:
        show_errors(form, error)
        return _invalid(request, department, year, f"i{pk}", form)
    except PerformanceError as error:
        _refused(request, error)
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
    department = _department(org)
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
        _refused(request, error)
    else:
        messages.success(request, _("已儲存「%(label)s」。") % {"label": measure.label})
    return redirect(_editor_url(org, year, f"m{pk}"))


@explains_missing
@staff_required
@require_POST
def plan_create(request: HttpRequest, org: str, year: int) -> HttpResponse:
    department = _department(org)
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
        _refused(request, error)
        return redirect(_editor_url(org, year))
    return redirect(_editor_url(org, year, f"p{plan.pk}"))


@explains_missing
@staff_required
@require_POST
def indicator_create(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    department = _department(org)
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
        _refused(request, error)
        return redirect(_editor_url(org, year))
    return redirect(_editor_url(org, year, f"i{indicator.pk}"))


@explains_missing
@staff_required
@require_POST
def measure_create(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    department = _department(org)
    indicator = _indicator(department, year, pk)
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
        _refused(request, error)
        return redirect(_editor_url(org, year))
    return redirect(_editor_url(org, year, f"m{measure.pk}"))


@explains_missing
@staff_required
@require_POST
def rate_method(request: HttpRequest, org: str, year: int) -> HttpResponse:
    department = _department(org)
    form = RateMethodForm(request.POST)
    if not form.is_valid():
        return _invalid(request, department, year, "rate_method", form)
    try:
        services.department_rate_method_set(
            department=department, rate_method=form.cleaned_data["rate_method"], actor=request.user
        )
    except PerformanceError as error:
        _refused(request, error)
    else:
        messages.success(request, _("已變更執行率計算方式。"))
    return redirect(reverse("performance:review", args=[org, year]))


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
    department = _department(org)
    report = _report_or_404(department, year)
    return render(request, "performance/review.html", _review_context(department, year, report))


@explains_missing
@staff_required
@require_POST
def shortfall_review(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    """Save the reason and improvement of one shortfall."""
    department = _department(org)
    report = _report_or_404(department, year)
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
            _refused(request, error)
            return redirect(reverse("performance:review", args=[org, year]))
        else:
            messages.success(request, _("已儲存「%(label)s」的檢討。") % {"label": measure.label})
            return redirect(reverse("performance:review", args=[org, year]) + f"#r{pk}")
    context = _review_context(department, year, report, bound={pk: form})
    return render(request, "performance/review.html", context, status=400)


# --- report page, downloads, status --------------------------------------------------------


def _report_or_404(
    department: Agency, year: int, *, published_only: bool = False
) -> PerformanceReport:
    try:
        report = selectors.report_get(
            department=department, roc_year=year, published_only=published_only
        )
    except NotFound as error:
        raise Missing(str(error)) from None
    report.department = department
    return report


def _readable_report(request: HttpRequest, org: str, year: int) -> PerformanceReport | HttpResponse:
    """The report if this visitor may read it: anyone once published, staff before that."""
    department = _department(org)
    if _is_staff(request, department):
        return _report_or_404(department, year)
    try:
        return _report_or_404(department, year, published_only=True)
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
    staff = _is_staff(request, report.department)
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


@explains_missing
@staff_required
@require_POST
def transition(request: HttpRequest, org: str, year: int) -> HttpResponse:
    """Move the report's status through the state machine; refusals are shown, not raised."""
    department = _department(org)
    report = _report_or_404(department, year)
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
    department = _department(org)
    _known_year(department, year)
    gregorian = from_roc_year(year)
    if not PerformanceReport.objects.filter(department=department, year=gregorian).exists():
        services.report_create(department=department, year=gregorian, actor=request.user)
    return redirect(reverse("performance:report", args=[org, year]))


@explains_missing
@staff_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, org: str, year: int) -> HttpResponse:
    """Edit the title, 前言 and footnote, and the items of 伍."""
    department = _department(org)
    report = _report_or_404(department, year)
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
