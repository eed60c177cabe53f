"""JSON API endpoints of the performance app, mounted at /api/v1/performance/.

- ``GET reports/{org}/{year}``: the report model as JSON (docs/performance.md); public once
  published, staff only before that.
- ``PATCH measures/{id}``: change a measure's target, actual, unit or dates (staff); bad values
  answer 400 with the rule's message, values of the wrong type 422; nothing is saved.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from guankao.core.api_auth import API_AUTH, SIGNED_IN, WITH_BODY, caller, refusals
from guankao.core.permissions import Action, api_require, can
from guankao.performance import document as performance_document
from guankao.performance import rules, selectors, services
from guankao.performance.exceptions import NotFound, ReportLocked
from guankao.performance.models import Measure

router = Router(tags=["performance"])


class MeasureOut(Schema):
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


class MeasurePatch(Schema):
    # A field the endpoint cannot change (kind, position…) is an error, not silently ignored.
    model_config = ConfigDict(extra="forbid")

    label: str | None = None
    target: Decimal | None = None
    actual: Decimal | None = None
    unit: str | None = None
    actual_unit: str | None = None
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
def measure_patch(request: HttpRequest, measure_id: int, payload: MeasurePatch) -> dict[str, Any]:
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
