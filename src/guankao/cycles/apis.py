"""JSON API of reporting cycles, mounted at /api/v1/cycles/. Session or token, role matrix.

401 when signed out, 403 when the role does not allow it (or a session write lacks its CSRF
token), 404 for what does not exist, 400 for refused input, 409 when the submission's state or a
newer version stands in the way (the body then gives the current version and lists what
changed) or when the mail server does not answer a reminder, 413 for a body over 2.5 MB, 422 for
a value of the wrong type. Each operation declares exactly these in its ``response``. Dates are
ISO (``2024-07-15``) with an ROC twin (``113年7月15日``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from guankao.core.api_auth import API_AUTH, SIGNED_IN, WITH_BODY, Error, refusals
from guankao.core.api_lists import (
    Filters,
    aware,
    filtered,
    gregorian,
    id_filter,
    jurisdiction_of,
    page,
)
from guankao.core.models import Agency, Jurisdiction
from guankao.core.permissions import Action, NotPermitted, api_require
from guankao.cycles import reminders, selectors, services
from guankao.cycles.exceptions import EditConflict, InvalidTransition, SubmissionLocked
from guankao.cycles.forms import parse_figure
from guankao.cycles.models import ReminderKind, ReportingPeriod, Submission, SubmissionStatus
from guankao.cycles.state import TRANSITIONS, Transition
from guankao.divisions.models import DivisionTable
from guankao.tw import format_roc_date, parse_roc_date

router = Router(tags=["cycles"], auth=API_AUTH)


# --- schemas -------------------------------------------------------------------------------


class PeriodOut(Schema):
    id: int
    jurisdiction: str
    code: str
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    deadline: datetime.date
    deadline_roc: str
    division_table: str | None
    department: str | None
    is_sample: bool
    modified: datetime.datetime | None = Field(None, description="newest write (audit log)")


class PeriodIn(Schema):
    jurisdiction: str = Field(description="jurisdiction slug, e.g. keelung")
    code: str = Field(description="113, 113H1, 113H2, 113Q1 … 113Q4")
    deadline: datetime.date
    division_table: str | None = Field(None, description="table version, e.g. 112.7")
    department: str | None = Field(None, description="agency slug whose plans are reported")


class DeadlineIn(Schema):
    deadline: datetime.date


class FigureIO(Schema):
    label: str = Field("", max_length=60)
    value: str = Field(max_length=40, description="as written: 12, 1,200, 1萬 2,000, 十二")
    unit: str = Field("", max_length=10, description="場, 人次 …; may be typed with the value")


class TaskEntryOut(Schema):
    id: int
    task_number: int
    task: str
    area: str
    narrative: str
    behind: bool
    behind_reason: str
    figures: list[FigureIO]
    attachments: list[str]


class MeasureEntryOut(Schema):
    id: int
    label: str
    unit: str
    target: Decimal | None
    actual: Decimal | None
    done: datetime.date | None
    note: str


class CommentOut(Schema):
    entry: int | None
    kind: str
    body: str
    author: str
    created_at: datetime.datetime


class SubmissionOut(Schema):
    id: int
    period: str
    agency: str
    status: str
    status_label: str
    version: int
    is_sample: bool
    submitted_at: datetime.datetime | None
    tasks: list[TaskEntryOut]
    measures: list[MeasureEntryOut]
    comments: list[CommentOut]


class SubmissionRow(Schema):
    id: int
    period: str
    period_id: int
    agency: str
    agency_id: int
    status: str
    version: int
    deadline: datetime.date
    modified: datetime.datetime = Field(description="the submission's last save")


class SubmissionFilters(Filters):
    period: int | None = id_filter("id of one period")


class TaskEntryIn(Schema):
    narrative: str = Field(max_length=20000)
    behind: bool = False
    behind_reason: str = Field("", max_length=5000)
    figures: list[FigureIO] = Field(default_factory=list, max_length=20)


class MeasureEntryIn(Schema):
    actual: str | None = Field(None, max_length=40)
    done: str | None = Field(None, max_length=20, description="ROC or ISO date")
    note: str = Field("", max_length=5000)


class DraftIn(Schema):
    version: int = Field(ge=1, description="the version this edit is based on")
    tasks: dict[int, TaskEntryIn] = Field(default_factory=dict)
    measures: dict[int, MeasureEntryIn] = Field(default_factory=dict)


class VersionIn(Schema):
    version: int | None = Field(None, ge=1)


class TransitionIn(Schema):
    transition: str = Field(
        max_length=20,
        description="submit, return, approve or reopen; another name answers 400",
        examples=["submit", "return", "approve", "reopen"],
    )
    reason: str = Field("", max_length=2000, description="needed to return and to reopen")
    version: int | None = Field(None, ge=1, description="the version this move is based on")


class ReasonIn(Schema):
    reason: str = Field(max_length=2000)
    version: int | None = Field(None, ge=1)


class CommentIn(Schema):
    entry: int | None = None
    body: str = Field(max_length=2000)


class Conflict(Schema):
    """409 of a submission: why, the version it is at now, and what changed since the version
    sent (each as where, field, before, after; empty when its status stands in the way)."""

    detail: str
    version: int
    changes: list[list[str]]


class Message(Schema):
    detail: str


class DashboardRowOut(Schema):
    submission: int
    agency: str
    status: str
    late: bool
    shortfalls: int
    missing: int
    last_reminder: datetime.datetime | None


class DashboardOut(Schema):
    period: PeriodOut
    counts: dict[str, int]
    late: int
    shortfalls: int
    agencies: list[DashboardRowOut]


class AuditEntryOut(Schema):
    time: datetime.datetime
    actor: str
    action: str
    before: Any
    after: Any


# What each kind of endpoint can answer besides its success (see refusals() in core.api_auth).
class ActionUpdateOut(Schema):
    period: str
    note: str
    created_at: datetime.datetime


class CorrectiveActionOut(Schema):
    id: int
    what: str
    who: str
    due: datetime.date
    due_roc: str
    status: str
    opened_in: str
    closed_in: str | None
    closing_note: str
    updates: list[ActionUpdateOut]


class ProjectionOut(Schema):
    measure: int
    reference: str
    label: str
    department: str
    kind: str
    unit: str
    target: Decimal | None
    cumulative: Decimal | None
    cumulative_percent: Decimal | None
    projected_percent: Decimal | None
    method: str
    light: str
    light_text: str
    rule: str
    approved: bool
    corrective_actions: list[CorrectiveActionOut]


class EarlyWarningOut(Schema):
    period: PeriodOut
    legend: dict[str, Decimal]
    counts: dict[str, int]
    measures: list[ProjectionOut]


READ = refusals(SIGNED_IN, 404, 422)
WRITE = refusals(SIGNED_IN, WITH_BODY, 404, 422)
MOVE = {**WRITE, 409: Conflict}


# --- helpers -------------------------------------------------------------------------------


def _period_out(period: ReportingPeriod) -> dict[str, Any]:
    return {
        "id": period.pk,
        "jurisdiction": period.jurisdiction.slug,
        "code": period.code,
        "name": period.period.name,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "deadline": period.deadline,
        "deadline_roc": format_roc_date(period.deadline),
        "division_table": period.division_table.version if period.division_table else None,
        "department": period.department.slug if period.department else None,
        "is_sample": period.is_sample,
        "modified": getattr(period, "modified", None),
    }


def _submission_out(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.pk,
        "period": submission.period.code,
        "agency": submission.agency.label,
        "status": submission.status,
        "status_label": str(SubmissionStatus(submission.status).label),
        "version": submission.version,
        "is_sample": submission.is_sample,
        "submitted_at": submission.submitted_at,
        "tasks": [
            {
                "id": e.pk,
                "task_number": e.task.number,
                "task": e.task.text,
                "area": e.task.area.name,
                "narrative": e.narrative,
                "behind": e.behind,
                "behind_reason": e.behind_reason,
                "figures": [
                    {"label": f.label, "value": str(f.plain_value), "unit": f.unit}
                    for f in e.figures.all()
                ],
                "attachments": [a.original_name for a in e.attachments.all() if not a.removed_at],
            }
            for e in submission.task_entries.all()
        ],
        "measures": [
            {
                "id": m.pk,
                "label": m.measure.label,
                "unit": m.measure.unit,
                "target": m.measure.target,
                "actual": m.actual,
                "done": m.done,
                "note": m.note,
            }
            for m in submission.measure_entries.all()
        ],
        "comments": [
            {
                "entry": c.entry_id,
                "kind": c.kind,
                "body": c.body,
                "author": str(c.author or ""),
                "created_at": c.created_at,
            }
            for c in sorted(
                [*submission.general_comments]  # type: ignore[attr-defined]
                + [c for e in submission.task_entries.all() for c in e.comments.all()],
                key=lambda c: (c.created_at, c.pk),
            )
        ],
    }


def _period(request: HttpRequest, pk: int, action: Action) -> ReportingPeriod:
    period = get_object_or_404(
        ReportingPeriod.objects.select_related(
            "jurisdiction", "division_table", "department", "department__parent"
        ),
        pk=pk,
    )
    api_require(request, action, period)
    return period


def _submission(request: HttpRequest, pk: int, action: Action) -> Submission:
    try:
        submission = selectors.submission_whole(pk)
    except Submission.DoesNotExist:
        raise Http404 from None
    api_require(request, action, submission)
    return submission


def _figure(item: FigureIO, where: str) -> services.FigureInput:
    try:
        value, typed_unit = parse_figure(item.value)
    except forms.ValidationError as error:
        raise HttpError(400, f"{where}：{' '.join(error.messages)}") from None
    unit = item.unit.strip() or typed_unit
    if not unit:
        raise HttpError(400, f"{where}：" + _("請填寫單位，例如 場、人次、件。"))
    return services.FigureInput(item.label.strip(), value, unit, item.value)


def _measure(item: MeasureEntryIn, where: str) -> services.MeasureInput:
    actual = None
    if item.actual not in (None, ""):
        try:
            actual, _unit = parse_figure(item.actual or "")
        except forms.ValidationError as error:
            raise HttpError(400, f"{where}：{' '.join(error.messages)}") from None
    done = None
    if item.done:
        try:
            parsed = parse_roc_date(item.done)
        except ValueError:
            parsed = None
        if not isinstance(parsed, datetime.date):
            try:
                parsed = datetime.date.fromisoformat(item.done)
            except ValueError:
                raise HttpError(
                    400, f"{where}：" + _("「%(value)s」不是日期。") % {"value": item.done}
                ) from None
        done = parsed
    return services.MeasureInput(actual=actual, done=done, note=item.note)


def _conflict(error: EditConflict) -> Status[dict[str, Any]]:
    return Status(
        409,
        {
            "detail": str(error),
            "version": error.version,
            "changes": [list(c) for c in error.changes],
        },
    )


def _state_conflict(error: Exception, submission: Submission) -> Status[dict[str, Any]]:
    """409 because of the submission's status: the same body as an edit conflict, no changes."""
    submission.refresh_from_db(fields=["version"])
    return Status(409, {"detail": str(error), "version": submission.version, "changes": []})


# --- periods -------------------------------------------------------------------------------


@router.get(
    "/periods",
    response={200: list[PeriodOut], **refusals(401, 404, 422)},
    summary="Periods whose dashboard you may see",
    description="By id, paged by `limit`/`offset` (`X-Total-Count`, `Link`); `year` is the "
    "period's year (ROC, or Gregorian from 1912), `modified_after` reads the audit log.",
)
def period_list(
    request: HttpRequest, response: HttpResponse, params: Query[Filters]
) -> list[dict[str, Any]]:
    seen = [p.pk for p in selectors.periods_overseen_by(request.user)]
    rows = filtered(
        ReportingPeriod.objects.select_related(
            "jurisdiction", "division_table", "department", "department__parent"
        ).filter(pk__in=seen),
        params,
    )
    if params.jurisdiction:
        rows = rows.filter(jurisdiction=jurisdiction_of(params.jurisdiction))
    if params.year is not None:
        rows = rows.filter(year=gregorian(params.year))
    return [_period_out(p) for p in page(request, response, rows, params)]


@router.post("/periods", response={201: PeriodOut, **WRITE}, summary="Open a reporting period")
def period_create(request: HttpRequest, payload: PeriodIn) -> Status[dict[str, Any]]:
    api_require(request, Action.PERIOD_OPEN)  # the role somewhere; the service checks the scope
    jurisdiction = get_object_or_404(Jurisdiction, slug=payload.jurisdiction)
    table = None
    if payload.division_table:
        tables = DivisionTable.objects.filter(jurisdiction=jurisdiction)
        table = next((t for t in tables if t.version == payload.division_table), None)
        if table is None:
            raise HttpError(
                400,
                _("%(name)s沒有 %(version)s 版的分工表。")
                % {"name": jurisdiction.name, "version": payload.division_table},
            )
    department = None
    if payload.department:
        department = get_object_or_404(Agency, slug=payload.department)
    try:
        period = services.period_open(
            jurisdiction=jurisdiction,
            code=payload.code,
            deadline=payload.deadline,
            division_table=table,
            department=department,
            actor=request.user,
        )
    except NotPermitted as error:
        raise HttpError(403, str(error)) from None
    return Status(201, _period_out(period))


@router.patch(
    "/periods/{pk}", response={200: PeriodOut, **WRITE}, summary="Move a period's deadline"
)
def period_update(request: HttpRequest, pk: int, payload: DeadlineIn) -> dict[str, Any]:
    period = _period(request, pk, Action.PERIOD_UPDATE)
    services.period_set_deadline(period=period, deadline=payload.deadline, actor=request.user)
    return _period_out(period)


@router.get(
    "/periods/{pk}/dashboard",
    response={200: DashboardOut, **READ},
    summary="Each agency's status, lateness and shortfalls",
)
def period_dashboard(request: HttpRequest, pk: int) -> dict[str, Any]:
    period = _period(request, pk, Action.PERIOD_VIEW)
    dashboard = selectors.period_dashboard(period, today=timezone.localdate())
    return {
        "period": _period_out(period),
        "counts": dashboard.counts,
        "late": dashboard.late,
        "shortfalls": dashboard.shortfalls,
        "agencies": [
            {
                "submission": row.submission.pk,
                "agency": row.submission.agency.label,
                "status": row.submission.status,
                "late": row.late,
                "shortfalls": row.shortfalls,
                "missing": row.missing,
                "last_reminder": row.last_reminder,
            }
            for row in dashboard.rows
        ],
    }


@router.get(
    "/periods/{pk}/committee-report",
    response={200: dict[str, Any], **READ},
    summary="The committee report as JSON",
)
def period_committee_report(request: HttpRequest, pk: int) -> dict[str, Any]:
    period = _period(request, pk, Action.REPORT_VIEW)
    return selectors.committee_report(period, today=timezone.localdate()).as_json()


@router.get(
    "/periods/{pk}/early-warning",
    response={200: EarlyWarningOut, **READ},
    summary="Measures predicted red or yellow at the year's end, with corrective actions",
)
def period_early_warning(request: HttpRequest, pk: int) -> dict[str, Any]:
    period = _period(request, pk, Action.PERIOD_VIEW)
    warning = selectors.early_warning(period)
    department = period.department.label if period.department else ""
    return {
        "period": _period_out(period),
        "legend": {
            "green_at": warning.legend.green_at,
            "yellow_at": warning.legend.yellow_at,
        },
        "counts": {light.value: n for light, n in warning.counts.items()},
        "measures": [
            {
                "measure": row.measure.pk,
                "reference": row.reference,
                "label": row.measure.label,
                "department": department,
                "kind": row.measure.kind,
                "unit": row.measure.unit,
                "target": row.measure.target,
                "cumulative": row.projection.cumulative,
                "cumulative_percent": row.projection.cumulative_percent,
                "projected_percent": row.projection.projected_percent,
                "method": row.projection.method.value,
                "light": row.projection.light.value,
                "light_text": row.projection.light_text,
                "rule": row.projection.rule,
                "approved": row.approved,
                "corrective_actions": [
                    {
                        "id": a.pk,
                        "what": a.what,
                        "who": a.who,
                        "due": a.due,
                        "due_roc": format_roc_date(a.due),
                        "status": a.status,
                        "opened_in": a.opened_in.code,
                        "closed_in": a.closed_in.code if a.closed_in else None,
                        "closing_note": a.closing_note,
                        "updates": [
                            {"period": u.period.code, "note": u.note, "created_at": u.created_at}
                            for u in a.updates.all()
                        ],
                    }
                    for a in row.actions
                ],
            }
            for row in warning.listed
        ],
    }


# --- submissions ---------------------------------------------------------------------------


@router.get(
    "/submissions",
    response={200: list[SubmissionRow], **refusals(401, 404, 422)},
    summary="Submissions you may see",
    description="By id, paged by `limit`/`offset` (`X-Total-Count`, `Link`); `year` is the "
    "period's year, `period` one period's id; `modified` is the submission's last save.",
)
def submission_list(
    request: HttpRequest, response: HttpResponse, params: Query[SubmissionFilters]
) -> list[dict[str, Any]]:
    rows = selectors.submissions_visible_to(request.user).with_scope()
    if params.modified_after is not None:
        rows = rows.filter(updated_at__gt=aware(params.modified_after))
    if params.jurisdiction:
        rows = rows.filter(period__jurisdiction=jurisdiction_of(params.jurisdiction))
    if params.year is not None:
        rows = rows.filter(period__year=gregorian(params.year))
    if params.period is not None:
        rows = rows.filter(period_id=params.period)
    return [
        {
            "id": s.pk,
            "period": s.period.code,
            "period_id": s.period_id,
            "agency": s.agency.label,
            "agency_id": s.agency_id,
            "status": s.status,
            "version": s.version,
            "deadline": s.period.deadline,
            "modified": s.updated_at,
        }
        for s in page(request, response, rows, params)
    ]


@router.get(
    "/submissions/{pk}", response={200: SubmissionOut, **READ}, summary="One submission, whole"
)
def submission_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _submission_out(_submission(request, pk, Action.SUBMISSION_VIEW))


@router.put(
    "/submissions/{pk}/draft",
    response={200: SubmissionOut, **MOVE},
    summary="Save the draft (entries by id; based on `version`)",
)
def submission_draft(request: HttpRequest, pk: int, payload: DraftIn) -> Any:
    submission = _submission(request, pk, Action.SUBMISSION_EDIT)
    tasks = {
        entry_id: services.TaskInput(
            narrative=item.narrative,
            behind=item.behind,
            behind_reason=item.behind_reason,
            figures=[_figure(f, f"#{entry_id}") for f in item.figures],
        )
        for entry_id, item in payload.tasks.items()
    }
    measures = {mid: _measure(m, f"#{mid}") for mid, m in payload.measures.items()}
    try:
        services.submission_save_draft(
            submission=submission,
            expected_version=payload.version,
            tasks=tasks,
            measures=measures,
            actor=request.user,
        )
    except EditConflict as error:
        return _conflict(error)
    except SubmissionLocked as error:
        return _state_conflict(error, submission)
    return _submission_out(selectors.submission_whole(pk))


def _transition(
    request: HttpRequest, pk: int, transition: str, reason: str, version: int | None
) -> Any:
    """Every transition endpoint: the row's action for 401/403, then the one service."""
    row = TRANSITIONS.row(transition)  # an unknown name answers 400
    submission = _submission(request, pk, row.action)
    try:
        services.submission_transition(
            submission=submission,
            transition=row.name,
            reason=reason,
            actor=request.user,
            expected_version=version,
        )
    except EditConflict as error:
        return _conflict(error)
    except (InvalidTransition, SubmissionLocked) as error:
        return _state_conflict(error, submission)
    except NotPermitted as error:
        raise HttpError(403, str(error)) from None
    return _submission_out(selectors.submission_whole(pk))


@router.post(
    "/submissions/{pk}/transitions",
    response={200: SubmissionOut, **MOVE},
    summary="Move the submission: submit, return, approve or reopen",
)
def submission_transition(request: HttpRequest, pk: int, payload: TransitionIn) -> Any:
    return _transition(request, pk, payload.transition, payload.reason, payload.version)


# The four URLs below came first; each is the endpoint above with its transition in the path.


@router.post("/submissions/{pk}/submit", response={200: SubmissionOut, **MOVE})
def submission_submit(request: HttpRequest, pk: int, payload: VersionIn) -> Any:
    return _transition(request, pk, Transition.SUBMIT, "", payload.version)


@router.post("/submissions/{pk}/return", response={200: SubmissionOut, **MOVE})
def submission_return(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    return _transition(request, pk, Transition.RETURN, payload.reason, payload.version)


@router.post("/submissions/{pk}/approve", response={200: SubmissionOut, **MOVE})
def submission_approve(request: HttpRequest, pk: int, payload: VersionIn) -> Any:
    return _transition(request, pk, Transition.APPROVE, "", payload.version)


@router.post("/submissions/{pk}/reopen", response={200: SubmissionOut, **MOVE})
def submission_reopen(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    return _transition(request, pk, Transition.REOPEN, payload.reason, payload.version)


@router.post("/submissions/{pk}/comments", response={201: CommentOut, **WRITE})
def submission_comment(request: HttpRequest, pk: int, payload: CommentIn) -> Any:
    submission = _submission(request, pk, Action.COMMENT_ADD)
    entry = None
    if payload.entry is not None:
        entry = next((e for e in submission.task_entries.all() if e.pk == payload.entry), None)
        if entry is None:
            raise HttpError(400, _("這個項目不屬於這份填報。"))
    comment = services.comment_add(
        submission=submission, entry=entry, body=payload.body, actor=request.user
    )
    return Status(
        201,
        {
            "entry": comment.entry_id,
            "kind": comment.kind,
            "body": comment.body,
            "author": str(comment.author or ""),
            "created_at": comment.created_at,
        },
    )


@router.post(
    "/submissions/{pk}/remind",
    response={200: Message, **WRITE, 409: Error},
    summary="E-mail the agency's reporters now",
    description="400 when the submission is already sent or its agency has no reporter with "
    "an e-mail address; 409 when the mail server does not answer (nothing is recorded).",
)
def submission_remind(request: HttpRequest, pk: int) -> Any:
    submission = _submission(request, pk, Action.SUBMISSION_VIEW)
    api_require(request, Action.REMINDER_SEND, submission.period)
    try:
        reminder = reminders.reminder_send(
            submission=submission,
            kind=ReminderKind.MANUAL,
            actor=request.user,
            base_url=request.build_absolute_uri("/"),
        )
    except reminders.MAIL_ERRORS:
        return Status(409, {"detail": _("無法寄出催報通知：郵件伺服器沒有回應，請稍後再試。")})
    return {"detail": _("已寄送催報通知：%(to)s") % {"to": reminder.recipients}}


@router.get(
    "/submissions/{pk}/audit",
    response={200: list[AuditEntryOut], **READ},
    summary="The submission's audit trail, oldest first",
)
def submission_audit(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    submission = _submission(request, pk, Action.AUDIT_VIEW)
    return [
        {
            "time": e.created_at,
            "actor": e.actor_label,
            "action": e.action,
            "before": e.before,
            "after": e.after,
        }
        for e in selectors.audit_trail(submission)
    ]
