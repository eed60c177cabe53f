"""JSON API endpoints of the performance app, mounted at /api/v1/performance/.

- ``GET reports/{org}/{year}``: the report model as JSON (docs/performance.md); public once
  published, staff only before that.
- ``PATCH measures/{id}``: change a measure's target, actual, unit or dates (staff); bad values
  answer 400 with the rule's message, values of the wrong type 422; nothing is saved.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import ConfigDict

from guankao.core.api_auth import API_AUTH, SIGNED_IN, WITH_BODY, caller, refusals
from guankao.core.api_lists import (
    ID_MAX,
    SLUG,
    TEXT,
    Filters,
    Omitted,
    Patch,
    filtered,
    gregorian,
    id_filter,
    jurisdiction_of,
    page,
    record_id,
    staff_rows,
    with_modified,
)
from guankao.core.permissions import Action, User, api_require, can
from guankao.performance import document as performance_document
from guankao.performance import rules, selectors, services
from guankao.performance.exceptions import NotFound, ReportLocked
from guankao.performance.models import (
    ControlCode,
    Indicator,
    Measure,
    PerformanceReport,
    Plan,
    ReportStatus,
)

M = TypeVar("M", bound=Model)

router = Router(tags=["performance"])


class MeasureOut(Schema):
    # The row's stable id (PATCH /performance/measures/{id} and the lists); null only in a
    # report read from a data file, which has no rows.
    id: int | None
    position: int
    label: str
    kind: str
    target: int | float | None
    actual: int | float | None
    unit: str
    actual_unit: str
    due: str | None
    done: str | None
    due_roc: str | None
    done_roc: str | None
    achievement: int | float | None
    met: bool | None
    shortfall: bool


class IndicatorOut(Schema):
    id: int | None
    number: int
    text: str
    standard_text: str
    achievement_text: str
    measures: list[MeasureOut]


class RateOut(Schema):
    shown: int | float | None
    shown_text: str
    reported: int | float | None
    measures: int | float | None
    budget: int | float | None


class PlanOut(Schema):
    id: int | None
    number: int
    label: str
    name: str
    budget_thousands: int
    executed_thousands: int | None
    control_code: int
    control_note: str
    rate: RateOut
    indicators: list[IndicatorOut]


class ShortfallOut(Schema):
    plan: int
    plan_name: str
    indicator: int
    measure: int
    label: str
    standard: str
    rate: int | float | None
    rate_text: str
    reason: str
    improvement: str


class AchievementOut(Schema):
    number: int
    label: str
    title: str
    body: str


class SectionsOut(Schema):
    preface: str
    table_footnote: str
    self_managed: str
    achievements: list[AchievementOut]


class DepartmentOut(Schema):
    slug: str
    name: str
    jurisdiction: str


class YearOut(Schema):
    roc: int
    gregorian: int


class TotalsOut(Schema):
    plans: int
    indicators: int
    measures: int
    budget_thousands: int


class ReportOut(Schema):
    # "schema" would shadow a pydantic attribute; the JSON keeps its documented name.
    schema_: str = Field(alias="schema")
    department: DepartmentOut
    year: YearOut
    title: str
    status: str
    rate_method: str
    plans: list[PlanOut]
    shortfalls: list[ShortfallOut]
    sections: SectionsOut
    totals: TotalsOut


@router.get(
    "/reports/{org}/{year}",
    response={200: ReportOut, **refusals(404, 422)},
    by_alias=True,
    summary="施政績效報告 as JSON",
    description="The report model of one department and ROC year: plans, indicators, measures "
    "with numbers, 執行率, the shortfalls of 參 and the generated sections. Public once "
    "published; staff see drafts. Field by field: docs/performance.md.",
)
def report_json(request: HttpRequest, org: str, year: int) -> dict[str, Any]:
    try:
        department = selectors.department_get(slug=org)
        # Drafts only for staff of this department's jurisdiction, by session or by token.
        staff = can(caller(request), Action.DATA_VIEW, department)
        report = selectors.performance_report(
            department_slug=org, roc_year=year, published_only=not staff
        )
    except NotFound as error:
        raise HttpError(404, str(error)) from None
    return performance_document.data(report)


class MeasurePatch(Patch):
    # A field the endpoint cannot change (kind, position…) is an error, not silently ignored.
    nullable = frozenset({"target", "actual", "due", "done"})

    label: str | Omitted = Field(None, min_length=1, max_length=200, pattern=TEXT)
    target: Decimal | None = None
    actual: Decimal | None = None
    unit: str | Omitted = Field(None, max_length=10, pattern=TEXT)
    actual_unit: str | Omitted = Field(None, max_length=10, pattern=TEXT)
    due: datetime.date | None = None
    done: datetime.date | None = None


class MeasureSaved(MeasureOut):
    id: int


@router.patch(
    "/measures/{measure_id}",
    auth=API_AUTH,
    response={200: MeasureSaved, **refusals(SIGNED_IN, WITH_BODY, 404, 409, 422)},
    summary="Change a measure's target, actual, unit or dates",
    description="Staff only. Send only the fields to change. A target of 0, a negative actual "
    "or a missing unit answers 400 with the rule's message; text in a number field answers "
    "422; a measure whose report is final or published answers 409 (a published report is "
    "corrected by a 勘誤, docs/performance.md). Nothing is saved on an error.",
)
def measure_patch(
    request: HttpRequest, measure_id: int = record_id(), *, payload: MeasurePatch
) -> dict[str, Any]:
    measure = get_object_or_404(
        Measure.objects.select_related("indicator__plan__department"), pk=measure_id
    )
    api_require(request, Action.DATA_EDIT, measure.indicator.plan.department)
    try:
        services.measure_update(
            measure=measure, data=payload.dict(exclude_unset=True), actor=request.user
        )
    except ReportLocked as error:
        raise HttpError(409, str(error)) from None
    measure.refresh_from_db()
    as_of = rules.year_end(measure.indicator.plan.year)
    saved = performance_document.measure_json(selectors.measure_data(measure), as_of=as_of)
    return {"id": measure.pk, **saved}


# --- plans, indicators and measures as resources (by id) --------------------------------------
#
# Public once the year's report is published (its rows are then the record and cannot change,
# decision 0067); staff of the department (``data.view``) see every year. While a published
# report is being corrected its rows are the correction in progress, so the public reads the
# report JSON above (its last published revision) instead.


def _data_seen(user: User, prefix: str = "") -> Q:
    """The plans (or, with ``prefix``, indicators or measures) ``user`` sees, as a filter."""
    published = PerformanceReport.objects.filter(
        department=OuterRef(f"{prefix}department"),
        year=OuterRef(f"{prefix}year"),
        status=ReportStatus.PUBLISHED,
    )
    staff = staff_rows(
        user,
        Action.DATA_VIEW,
        jurisdiction=f"{prefix}department__jurisdiction_id",
        agency=f"{prefix}department_id",
        parent=f"{prefix}department__parent_id",
    )
    return Q() if staff is None else Q(Exists(published)) | staff


class DataFilters(Filters):
    department: str | None = Field(None, max_length=60, pattern=SLUG, description="department slug")


class IndicatorFilters(DataFilters):
    plan: int | None = id_filter("id of one plan")


class MeasureFilters(DataFilters):
    indicator: int | None = id_filter("id of one indicator")


class PlanRow(Schema):
    id: int
    department: str
    jurisdiction: str
    year: int = Field(description="ROC year")
    number: int
    name: str
    budget_thousands: int
    executed_thousands: int | None
    control_code: int
    control_note: str
    reported_rate: Decimal | None
    indicators: list[int] = Field(description="ids of its indicators, in order")
    modified: datetime.datetime | None = Field(description="newest write (audit log), or null")


class IndicatorRow(Schema):
    id: int
    plan: int
    number: int
    text: str
    standard_text: str
    achievement_text: str
    series: int | None
    measures: list[int] = Field(description="ids of its measures, in order")
    modified: datetime.datetime | None = Field(description="newest write (audit log), or null")


class MeasureRow(Schema):
    id: int
    indicator: int
    plan: int
    position: int
    label: str
    kind: str
    target: Decimal | None
    actual: Decimal | None
    unit: str
    actual_unit: str
    due: datetime.date | None
    done: datetime.date | None
    modified: datetime.datetime | None = Field(description="newest write (audit log), or null")


class PlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    department: str = Field(max_length=60, pattern=SLUG, description="department slug")
    year: int = Field(ge=1, le=9999, description="ROC year (113); from 1912 on, Gregorian")
    name: str = Field(min_length=1, max_length=200, pattern=TEXT)
    budget_thousands: int = Field(ge=0, le=10**15)
    control_code: int = Field(ControlCode.SELF_MANAGED, ge=1, le=5)
    control_note: str = Field("", max_length=200, pattern=TEXT)


class PlanPatch(Patch):
    """Only the fields sent change; null only where a plan may have none."""

    nullable = frozenset({"executed_thousands", "reported_rate"})

    name: str | Omitted = Field(None, min_length=1, max_length=200, pattern=TEXT)
    budget_thousands: int | Omitted = Field(None, ge=0, le=10**15)
    executed_thousands: int | None = Field(None, ge=0, le=10**15)
    control_code: int | Omitted = Field(None, ge=1, le=5)
    control_note: str | Omitted = Field(None, max_length=200, pattern=TEXT)
    reported_rate: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=2)


class IndicatorIn(Schema):
    model_config = ConfigDict(extra="forbid")

    plan: int = Field(ge=1, le=ID_MAX, description="id of the plan")
    text: str = Field(min_length=1, max_length=5000, pattern=TEXT)
    standard_text: str = Field(min_length=1, max_length=5000, pattern=TEXT)


class IndicatorPatch(Patch):
    """Only the fields sent change (none may be null)."""

    text: str | Omitted = Field(None, min_length=1, max_length=5000, pattern=TEXT)
    standard_text: str | Omitted = Field(None, min_length=1, max_length=5000, pattern=TEXT)
    achievement_text: str | Omitted = Field(None, max_length=5000, pattern=TEXT)


class MeasureIn(Schema):
    model_config = ConfigDict(extra="forbid")

    indicator: int = Field(ge=1, le=ID_MAX, description="id of the indicator")
    label: str = Field(min_length=1, max_length=200, pattern=TEXT)
    kind: Literal["numeric", "milestone"] = "numeric"
    target: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    unit: str = Field("", max_length=10, pattern=TEXT)
    due: datetime.date | None = None


DATA_LIST = refusals(404, 422)
DATA_WRITE = refusals(SIGNED_IN, WITH_BODY, 404, 409, 422)


def _plans() -> QuerySet[Plan]:
    return Plan.objects.select_related("department__jurisdiction").prefetch_related("indicators")


def _indicators() -> QuerySet[Indicator]:
    return Indicator.objects.prefetch_related("measures")


def _measures() -> QuerySet[Measure]:
    return Measure.objects.select_related("indicator")


def _plan_row(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "department": plan.department.slug,
        "jurisdiction": plan.department.jurisdiction.slug,
        "year": plan.roc_year,
        "number": plan.number,
        "name": plan.name,
        "budget_thousands": plan.budget_thousands,
        "executed_thousands": plan.executed_thousands,
        "control_code": plan.control_code,
        "control_note": plan.control_note,
        "reported_rate": plan.reported_rate,
        "indicators": [i.pk for i in sorted(plan.indicators.all(), key=lambda i: i.number)],
        "modified": getattr(plan, "modified", None),
    }


def _indicator_row(indicator: Indicator) -> dict[str, Any]:
    return {
        "id": indicator.pk,
        "plan": indicator.plan_id,
        "number": indicator.number,
        "text": indicator.text,
        "standard_text": indicator.standard_text,
        "achievement_text": indicator.achievement_text,
        "series": indicator.series_id,
        "measures": [m.pk for m in sorted(indicator.measures.all(), key=lambda m: m.position)],
        "modified": getattr(indicator, "modified", None),
    }


def _measure_row(measure: Measure) -> dict[str, Any]:
    return {
        "id": measure.pk,
        "indicator": measure.indicator_id,
        "plan": measure.indicator.plan_id,
        "position": measure.position,
        "label": measure.label,
        "kind": measure.kind,
        "target": measure.target,
        "actual": measure.actual,
        "unit": measure.unit,
        "actual_unit": measure.actual_unit,
        "due": measure.due,
        "done": measure.done,
        "modified": getattr(measure, "modified", None),
    }


def _narrowed(rows: QuerySet[M], params: DataFilters, prefix: str = "") -> QuerySet[M]:
    """The filters of every performance list over plans reached through ``prefix``."""
    if params.jurisdiction:
        rows = rows.filter(
            **{f"{prefix}department__jurisdiction": jurisdiction_of(params.jurisdiction)}
        )
    if params.department:
        rows = rows.filter(**{f"{prefix}department__slug": params.department})
    if params.year is not None:
        rows = rows.filter(**{f"{prefix}year": gregorian(params.year)})
    return rows


def _one(request: HttpRequest, rows: QuerySet[M], prefix: str, pk: int) -> M:
    """One row the caller may see, else 404 (another city's draft as if it did not exist)."""
    found = with_modified(rows.filter(_data_seen(caller(request), prefix))).filter(pk=pk).first()
    if found is None:
        raise HttpError(404, _("找不到這筆資料。"))
    return found


def _locked(error: ReportLocked) -> HttpError:
    return HttpError(409, str(error))


@router.get("/plans", response={200: list[PlanRow], **DATA_LIST}, summary="Plans (施政計畫) by id")
def plan_list(
    request: HttpRequest, response: HttpResponse, params: Query[DataFilters]
) -> list[dict[str, Any]]:
    """Plans of published years for anyone; every year for the department's staff."""
    rows = filtered(_plans().filter(_data_seen(caller(request))), params)
    rows = _narrowed(rows, params)
    return [_plan_row(p) for p in page(request, response, rows, params)]


@router.get("/plans/{plan_id}", response={200: PlanRow, **DATA_LIST}, summary="One plan")
def plan_detail(request: HttpRequest, plan_id: int = record_id()) -> dict[str, Any]:
    return _plan_row(_one(request, _plans(), "", plan_id))


@router.post(
    "/plans",
    auth=API_AUTH,
    response={201: PlanRow, **DATA_WRITE},
    summary="Add a plan at the end of a department's year",
    description="Staff (data.edit) of the department. 409 when the year's report is final or "
    "published; 400 with the rule's message for values the model refuses.",
)
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    try:
        department = selectors.department_get(slug=payload.department)
    except NotFound as error:
        raise HttpError(404, str(error)) from None
    api_require(request, Action.DATA_EDIT, department)
    try:
        plan = services.plan_create(
            department=department,
            year=gregorian(payload.year),
            name=payload.name,
            budget_thousands=payload.budget_thousands,
            control_code=payload.control_code,
            control_note=payload.control_note,
            actor=request.user,
        )
    except ReportLocked as error:
        raise _locked(error) from None
    return Status(201, _plan_row(_one(request, _plans(), "", plan.pk)))


@router.patch(
    "/plans/{plan_id}",
    auth=API_AUTH,
    response={200: PlanRow, **DATA_WRITE},
    summary="Change a plan's name, budget, executed amount, 管考代碼 or reported 執行率",
    description="Send only the fields to change. 409 when the year's report is final or published.",
)
def plan_patch(
    request: HttpRequest, plan_id: int = record_id(), *, payload: PlanPatch
) -> dict[str, Any]:
    plan = _one(request, _plans(), "", plan_id)
    api_require(request, Action.DATA_EDIT, plan.department)
    try:
        services.plan_update(plan=plan, data=payload.dict(exclude_unset=True), actor=request.user)
    except ReportLocked as error:
        raise _locked(error) from None
    return _plan_row(_one(request, _plans(), "", plan_id))


@router.get(
    "/indicators",
    response={200: list[IndicatorRow], **DATA_LIST},
    summary="Indicators (衡量指標) by id",
)
def indicator_list(
    request: HttpRequest, response: HttpResponse, params: Query[IndicatorFilters]
) -> list[dict[str, Any]]:
    rows = filtered(_indicators().filter(_data_seen(caller(request), "plan__")), params)
    rows = _narrowed(rows, params, "plan__")
    if params.plan is not None:
        rows = rows.filter(plan_id=params.plan)
    return [_indicator_row(i) for i in page(request, response, rows, params)]


@router.get(
    "/indicators/{indicator_id}", response={200: IndicatorRow, **DATA_LIST}, summary="One indicator"
)
def indicator_detail(request: HttpRequest, indicator_id: int = record_id()) -> dict[str, Any]:
    return _indicator_row(_one(request, _indicators(), "plan__", indicator_id))


@router.post(
    "/indicators",
    auth=API_AUTH,
    response={201: IndicatorRow, **DATA_WRITE},
    summary="Add an indicator at the end of a plan",
    description="409 when the year's report is final or published.",
)
def indicator_create(request: HttpRequest, payload: IndicatorIn) -> Status[dict[str, Any]]:
    plan = _one(request, _plans(), "", payload.plan)
    api_require(request, Action.DATA_EDIT, plan.department)
    try:
        indicator = services.indicator_create(
            plan=plan, text=payload.text, standard_text=payload.standard_text, actor=request.user
        )
    except ReportLocked as error:
        raise _locked(error) from None
    return Status(201, _indicator_row(_one(request, _indicators(), "plan__", indicator.pk)))


@router.patch(
    "/indicators/{indicator_id}",
    auth=API_AUTH,
    response={200: IndicatorRow, **DATA_WRITE},
    summary="Change an indicator's texts",
    description="Send only the fields to change. 409 when the year's report is final or published.",
)
def indicator_patch(
    request: HttpRequest, indicator_id: int = record_id(), *, payload: IndicatorPatch
) -> dict[str, Any]:
    indicator = _one(
        request, _indicators().select_related("plan__department"), "plan__", indicator_id
    )
    api_require(request, Action.DATA_EDIT, indicator.plan.department)
    try:
        services.indicator_update(
            indicator=indicator, data=payload.dict(exclude_unset=True), actor=request.user
        )
    except ReportLocked as error:
        raise _locked(error) from None
    return _indicator_row(_one(request, _indicators(), "plan__", indicator_id))


@router.get(
    "/measures", response={200: list[MeasureRow], **DATA_LIST}, summary="Measures (衡量標準) by id"
)
def measure_list(
    request: HttpRequest, response: HttpResponse, params: Query[MeasureFilters]
) -> list[dict[str, Any]]:
    rows = filtered(_measures().filter(_data_seen(caller(request), "indicator__plan__")), params)
    rows = _narrowed(rows, params, "indicator__plan__")
    if params.indicator is not None:
        rows = rows.filter(indicator_id=params.indicator)
    return [_measure_row(m) for m in page(request, response, rows, params)]


@router.get(
    "/measures/{measure_id}", response={200: MeasureRow, **DATA_LIST}, summary="One measure"
)
def measure_detail(request: HttpRequest, measure_id: int = record_id()) -> dict[str, Any]:
    return _measure_row(_one(request, _measures(), "indicator__plan__", measure_id))


@router.post(
    "/measures",
    auth=API_AUTH,
    response={201: MeasureRow, **DATA_WRITE},
    summary="Add a measure at the end of an indicator",
    description="A numeric measure needs a target and its unit, a milestone a due date; 400 "
    "with the rule's message otherwise. 409 when the year's report is final or published.",
)
def measure_create(request: HttpRequest, payload: MeasureIn) -> Status[dict[str, Any]]:
    indicator = _one(
        request, _indicators().select_related("plan__department"), "plan__", payload.indicator
    )
    api_require(request, Action.DATA_EDIT, indicator.plan.department)
    try:
        measure = services.measure_create(
            indicator=indicator,
            label=payload.label,
            kind=payload.kind,
            target=payload.target,
            unit=payload.unit,
            due=payload.due,
            actor=request.user,
        )
    except ReportLocked as error:
        raise _locked(error) from None
    return Status(201, _measure_row(_one(request, _measures(), "indicator__plan__", measure.pk)))
