"""Pages of the department's coordinators: departments and years, the plan editor and the
report's texts (its status: ``status``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guankao.core.models import Agency
from guankao.core.permissions import Action, can
from guankao.performance import rules, selectors, services
from guankao.performance.exceptions import (
    InvalidInput,
    PerformanceError,
    ReportLocked,
)
from guankao.performance.forms import (
    EDITOR_FORM_ID,
    AchievementForm,
    IndicatorForm,
    MeasureForm,
    NewIndicatorForm,
    NewMeasureForm,
    NewPlanForm,
    PlanForm,
    RateMethodForm,
    ReportTextForm,
    show_errors,
)
from guankao.performance.models import (
    Indicator,
    Measure,
    MeasureKind,
    PerformanceReport,
    Plan,
)
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

# The fields a measure's row shows: a milestone has dates, a number has target and actual.
MILESTONE_FIELDS = ("label", "due", "done")
NUMBER_FIELDS = ("label", "target", "actual", "unit", "actual_unit")
# A row of the editor as the pressed 儲存 button names it (its anchor on the page).
ROW_KEY = re.compile(r"[pim][0-9]{1,10}")


def _shown_fields(measure: Measure) -> tuple[str, ...]:
    return MILESTONE_FIELDS if measure.kind == MeasureKind.MILESTONE else NUMBER_FIELDS


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


def _plan_form(plan: Plan, data: QueryDict | None = None) -> PlanForm:
    """A plan's row, its initial values the database's (``has_changed`` compares with them)."""
    return PlanForm(
        data,
        html_id=f"p{plan.pk}",
        error_context=_("計畫 %(n)s，") % {"n": plan.number},
        initial={
            "name": plan.name,
            "budget_thousands": plan.budget_thousands,
            "executed_thousands": plan.executed_thousands,
            "control_code": plan.control_code,
            "control_note": plan.control_note,
            "reported_rate": plan.reported_rate,
        },
    )


def _indicator_form(indicator: Indicator, data: QueryDict | None = None) -> IndicatorForm:
    return IndicatorForm(
        data,
        html_id=f"i{indicator.pk}",
        error_context=_("衡量指標 %(plan)s.%(n)s，")
        % {"plan": indicator.plan.number, "n": indicator.number},
        initial={
            "text": indicator.text,
            "standard_text": indicator.standard_text,
            "achievement_text": indicator.achievement_text,
        },
    )


def _measure_form(measure: Measure, data: QueryDict | None = None) -> MeasureForm:
    indicator = measure.indicator
    return MeasureForm(
        data,
        html_id=f"m{measure.pk}",
        error_context=_("衡量標準 %(plan)s.%(indicator)s.%(n)s，")
        % {"plan": indicator.plan.number, "indicator": indicator.number, "n": measure.position},
        initial={
            "label": measure.label,
            "target": measure.target_value,
            "actual": measure.actual_value,
            "unit": measure.unit,
            "actual_unit": measure.actual_unit,
            "due": measure.due,
            "done": measure.done,
        },
    )


def _editor_context(
    department: Agency,
    year: int,
    bound: dict[str, Any] | None = None,
    *,
    refusal: str = "",
) -> dict[str, Any]:
    """The editor's page. ``bound`` maps a row's key (``p12``, ``i3``, ``m40``, ``new_plan``…)
    to the posted form shown in its place, with what was typed; those rows are marked 未儲存.
    ``refusal`` is a service's sentence for the error summary (a locked year)."""
    bound = bound or {}
    as_of = rules.year_end(from_roc_year(year))
    plans = list(selectors.plans_of(department=department, roc_year=year))
    rows = []
    for plan in plans:
        plan.department = department
        indicators = []
        for indicator in plan.indicators.all():
            measures = [
                {
                    "measure": m,
                    "flags": _measure_flags(m, as_of),
                    "form": bound.get(f"m{m.pk}") or _measure_form(m),
                    "unsaved": f"m{m.pk}" in bound,
                }
                for m in indicator.measures.all()
            ]
            indicators.append(
                {
                    "indicator": indicator,
                    "form": bound.get(f"i{indicator.pk}") or _indicator_form(indicator),
                    "unsaved": f"i{indicator.pk}" in bound,
                    "measures": measures,
                    "new_measure": bound.get(f"nm{indicator.pk}")
                    or NewMeasureForm(prefix=f"nm{indicator.pk}"),
                }
            )
        rows.append(
            {
                "plan": plan,
                "form": bound.get(f"p{plan.pk}") or _plan_form(plan),
                "unsaved": f"p{plan.pk}" in bound,
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
        "locked": report is not None and report.status in services.LOCKED_STATUSES,
        "new_plan": bound.get("new_plan") or NewPlanForm(prefix="np"),
        "rate_form": bound.get("rate_method")
        or RateMethodForm(initial={"rate_method": selectors.rate_method_of(department)}),
        "editor_form_id": EDITOR_FORM_ID,
        # The error summary lists the posted forms' errors in page order, then the refusal.
        "summary_forms": list(bound.values()),
        "refusal": refusal,
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
    request: HttpRequest,
    department: Agency,
    year: int,
    bound: dict[str, Any],
    *,
    refusal: PerformanceError | None = None,
) -> HttpResponse:
    """Show the editor again with the posted forms in place and nothing saved: HTTP 400 for
    values to correct, 409 with the service's sentence for a locked year (final, published)."""
    if refusal is None:
        messages.error(request, _("資料未儲存，請修正標示的欄位。"))
    context = _editor_context(
        department, year, bound=bound, refusal=str(refusal) if refusal is not None else ""
    )
    return render(
        request, "performance/plans.html", context, status=400 if refusal is None else 409
    )


@dataclass(frozen=True, slots=True)
class _Edit:
    """One row of the editor as posted: its form bound to the post over the database values."""

    key: str
    form: PlanForm | IndicatorForm | MeasureForm
    row: Plan | Indicator | Measure

    @property
    def changed(self) -> bool:
        if isinstance(self.row, Measure):
            # Only the fields the row shows: a milestone posts no target, a number no dates.
            return bool(set(self.form.changed_data) & set(_shown_fields(self.row)))
        return self.form.has_changed()

    def save(self, actor: Any) -> None:
        """Write the row through its service (the form is valid)."""
        if isinstance(self.row, Plan):
            services.plan_update(plan=self.row, data=dict(self.form.cleaned_data), actor=actor)
        elif isinstance(self.row, Indicator):
            services.indicator_update(
                indicator=self.row, data=dict(self.form.cleaned_data), actor=actor
            )
        else:
            services.measure_update(
                measure=self.row, data=_measure_data(self.form.cleaned_data, self.row), actor=actor
            )


def _posted_edits(post: QueryDict, department: Agency, plans: list[Plan]) -> list[_Edit]:
    """The rows the post carries, in page order (an indicator before its measures, so a measure's
    rewrite of the figure in its indicator's text applies to the text just saved). A row that
    the post does not carry (added since the page was shown) is left alone, not emptied."""
    posted = {name.partition("-")[0] for name in post}
    edits: list[_Edit] = []
    for plan in plans:
        plan.department = department
        if f"p{plan.pk}" in posted:
            edits.append(_Edit(f"p{plan.pk}", _plan_form(plan, post), plan))
        for indicator in plan.indicators.all():
            if f"i{indicator.pk}" in posted:
                edits.append(_Edit(f"i{indicator.pk}", _indicator_form(indicator, post), indicator))
            for measure in indicator.measures.all():
                if f"m{measure.pk}" in posted:
                    edits.append(_Edit(f"m{measure.pk}", _measure_form(measure, post), measure))
    return edits


class _RollBack(Exception):
    """Raised inside the save-all transaction to undo it: nothing of the post is kept."""


def _write_all(edits: list[_Edit], actor: Any, *, keep: bool) -> bool:
    """Write ``edits`` through their services in one transaction, kept only when ``keep`` and
    no service refused a row. Every row is tried, so every problem shows at once: a refused
    row's messages go on its fields (and when a form was refused already, ``keep`` is False and
    the valid rows are only tried, for the model's own rules). ``ReportLocked`` propagates,
    with nothing written either. True when the rows were written."""
    try:
        with transaction.atomic():
            refused = False
            for edit in edits:
                try:
                    edit.save(actor)
                except InvalidInput as error:
                    show_errors(edit.form, error)
                    refused = True
            if refused or not keep:
                raise _RollBack
    except _RollBack:
        return False
    return True


@explains_missing
@staff_required
@require_POST
def plans_save(request: HttpRequest, org: str, year: int) -> HttpResponse:
    """Save every changed row of the editor at once (any 儲存 button on the page posts them all),
    or none: a refused row shows the page again with every posted value (HTTP 400); a locked
    year answers 409 with its sentence."""
    department = department_of(org)
    ensure_known_year(department, year)
    plans = list(selectors.plans_of(department=department, roc_year=year))
    edits = [edit for edit in _posted_edits(request.POST, department, plans) if edit.changed]
    pressed = request.POST.get("row", "")
    anchor = pressed if ROW_KEY.fullmatch(pressed) else ""
    if not edits:
        messages.info(request, _("沒有變更，未儲存任何資料。"))
        return redirect(_editor_url(org, year, anchor))
    bound: dict[str, Any] = {edit.key: edit.form for edit in edits}
    try:
        services.check_editable(department=department, year=from_roc_year(year))
        # Every row is validated (not up to the first refused), so every problem shows at once.
        valid = [edit for edit in edits if edit.form.is_valid()]
        saved = _write_all(valid, request.user, keep=len(valid) == len(edits))
    except ReportLocked as error:
        return _invalid(request, department, year, bound, refusal=error)
    if not saved:
        return _invalid(request, department, year, bound)
    messages.success(request, _("已儲存 %(n)d 項變更。") % {"n": len(edits)})
    return redirect(_editor_url(org, year, anchor))


@explains_missing
@staff_required
@require_POST
def plan_update(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    """Save one plan's row (the row's own endpoint; the page posts to ``plans_save``)."""
    department = department_of(org)
    plan = get_object_or_404(Plan, pk=pk, department=department, year=from_roc_year(year))
    form = _plan_form(plan, request.POST)
    if not form.is_valid():
        return _invalid(request, department, year, {f"p{pk}": form})
    try:
        services.plan_update(plan=plan, data=form.cleaned_data, actor=request.user)
    except InvalidInput as error:
        show_errors(form, error)
        return _invalid(request, department, year, {f"p{pk}": form})
    except ReportLocked as error:
        return _invalid(request, department, year, {f"p{pk}": form}, refusal=error)
    except PerformanceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("已儲存計畫%(label)s。") % {"label": plan.number})
    return redirect(_editor_url(org, year, f"p{pk}"))


@explains_missing
@staff_required
@require_POST
def indicator_update(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    """Save one indicator's texts (the row's own endpoint)."""
    department = department_of(org)
    indicator = indicator_of(department, year, pk)
    form = _indicator_form(indicator, request.POST)
    if not form.is_valid():
        return _invalid(request, department, year, {f"i{pk}": form})
    try:
        services.indicator_update(indicator=indicator, data=form.cleaned_data, actor=request.user)
    except InvalidInput as error:
        show_errors(form, error)
        return _invalid(request, department, year, {f"i{pk}": form})
    except ReportLocked as error:
        return _invalid(request, department, year, {f"i{pk}": form}, refusal=error)
    except PerformanceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("已儲存衡量指標。"))
    return redirect(_editor_url(org, year, f"i{pk}"))


def _measure_data(cleaned: dict[str, Any], measure: Measure) -> dict[str, Any]:
    # A milestone has a due date, not a target: ignore the fields its row does not show.
    shown = _shown_fields(measure)
    return {name: value for name, value in cleaned.items() if name in shown}


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
    form = _measure_form(measure, request.POST)
    if not form.is_valid():
        return _invalid(request, department, year, {f"m{pk}": form})
    try:
        services.measure_update(
            measure=measure, data=_measure_data(form.cleaned_data, measure), actor=request.user
        )
    except InvalidInput as error:
        show_errors(form, error)
        return _invalid(request, department, year, {f"m{pk}": form})
    except ReportLocked as error:
        return _invalid(request, department, year, {f"m{pk}": form}, refusal=error)
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
        return _invalid(request, department, year, {"new_plan": form})
    try:
        plan = services.plan_create(
            department=department, year=from_roc_year(year), actor=request.user, **form.cleaned_data
        )
    except InvalidInput as error:
        show_errors(form, error)
        return _invalid(request, department, year, {"new_plan": form})
    except ReportLocked as error:
        return _invalid(request, department, year, {"new_plan": form}, refusal=error)
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
        return _invalid(request, department, year, {f"ni{pk}": form})
    try:
        indicator = services.indicator_create(plan=plan, actor=request.user, **form.cleaned_data)
    except InvalidInput as error:
        show_errors(form, error)
        return _invalid(request, department, year, {f"ni{pk}": form})
    except ReportLocked as error:
        return _invalid(request, department, year, {f"ni{pk}": form}, refusal=error)
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
        return _invalid(request, department, year, {f"nm{pk}": form})
    try:
        measure = services.measure_create(
            indicator=indicator, actor=request.user, **form.cleaned_data
        )
    except InvalidInput as error:
        show_errors(form, error)
        return _invalid(request, department, year, {f"nm{pk}": form})
    except ReportLocked as error:
        return _invalid(request, department, year, {f"nm{pk}": form}, refusal=error)
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
        return _invalid(request, department, year, {"rate_method": form})
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
    """Edit the title, 前言 and footnote, and the items of 伍. A refused save shows the page
    again with what was typed: HTTP 400 for values to correct, 409 for a locked report."""
    department = department_of(org)
    report = report_of(department, year)
    achievements = list(report.achievements.order_by("number"))
    posting = request.method == "POST"
    text_form = ReportTextForm(
        request.POST if posting and "text" in request.POST else None,
        initial={
            "title": report.title,
            "preface": report.preface,
            "code_footnote": report.code_footnote,
        },
        prefix="text",
    )
    item_number = request.POST.get("item") if posting else None
    item_forms = []
    for number in [a.number for a in achievements] + [len(achievements) + 1]:
        current = next((a for a in achievements if a.number == number), None)
        form = AchievementForm(
            request.POST if item_number == str(number) else None,
            prefix=f"a{number}",
            initial={"title": current.title, "body": current.body} if current else None,
        )
        # Every item has the same two labels: the summary says which item a message is about.
        form.error_context = _("第 %(n)d 項，") % {"n": number}
        item_forms.append((number, form))
    status = 200
    refusal = ""
    if posting:
        status = 400
        bound_forms: list[forms.Form] = [text_form, *(f for _n, f in item_forms)]
        posted = next((f for f in bound_forms if f.is_bound), None)
        if posted is None:
            messages.error(request, _("不明的表單，未儲存任何資料。"))
        elif posted.is_valid():
            try:
                if posted is text_form:
                    services.report_update(
                        report=report, data=text_form.cleaned_data, actor=request.user
                    )
                    messages.success(request, _("已儲存前言。"))
                    return redirect(reverse("performance:report_edit", args=[org, year]))
                number = int(str(item_number))
                services.key_achievement_save(
                    report=report, number=number, actor=request.user, **posted.cleaned_data
                )
                messages.success(request, _("已儲存重要施政具體事蹟。"))
                return redirect(
                    reverse("performance:report_edit", args=[org, year]) + f"#a{number}"
                )
            except InvalidInput as error:
                show_errors(posted, error)
            except ReportLocked as error:
                refusal, status = str(error), 409
            except PerformanceError as error:
                messages.error(request, str(error))
                return redirect(reverse("performance:report", args=[org, year]))
    return render(
        request,
        "performance/report_edit.html",
        {
            "report": report,
            "org": org,
            "year": year,
            "text_form": text_form,
            "item_forms": item_forms,
            "summary_forms": [text_form, *(form for _n, form in item_forms)],
            "refusal": refusal,
            "locked": report.status in services.LOCKED_STATUSES,
        },
        status=status,
    )
