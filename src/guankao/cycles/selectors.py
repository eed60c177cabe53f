"""Reads of the cycles app: loading a submission whole, lists, the dashboard and the audit trail.

Each function issues a fixed number of queries, whatever the number of agencies or tasks
(tests assert the counts).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guankao.core.models import Agency, AuditEntry, Jurisdiction, Membership, Role
from guankao.core.permissions import Action, can, covers, memberships_of, scope_of
from guankao.core.registry import discover
from guankao.core.services import Actor
from guankao.cycles.committee import (
    AgencyLine,
    AreaSection,
    CommitteeReport,
    FigureLine,
    MeasureLine,
    TaskLine,
    UnansweredLine,
)
from guankao.cycles.early_warning import Projection, project, unreported
from guankao.cycles.exceptions import PeriodError
from guankao.cycles.models import (
    Attachment,
    CorrectiveAction,
    CorrectiveActionQuerySet,
    CorrectiveActionUpdate,
    Figure,
    MeasureEntry,
    ReportingPeriod,
    ReviewComment,
    Submission,
    SubmissionQuerySet,
    SubmissionRevision,
    SubmissionStatus,
    TaskEntry,
)
from guankao.cycles.snapshots import figure_text
from guankao.divisions.models import DivisionTable, TableStatus, Task
from guankao.performance.models import Measure
from guankao.performance.report_model import MeasureData, chinese_number
from guankao.performance.scorecard import Legend, Light
from guankao.performance.selectors import legend_of
from guankao.tw import parse_period_code


def entries_prefetch() -> list[Prefetch[str]]:
    """What showing, editing or snapshotting a submission needs, in six queries."""
    return [
        Prefetch(
            "task_entries",
            queryset=TaskEntry.objects.select_related("task", "task__agency", "task__area")
            .order_by("task__position")
            .prefetch_related(
                Prefetch("figures", queryset=Figure.objects.order_by("position")),
                Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
                Prefetch(
                    "comments",
                    queryset=ReviewComment.objects.select_related("author").order_by("created_at"),
                ),
            ),
        ),
        Prefetch(
            "measure_entries",
            queryset=MeasureEntry.objects.select_related(
                "measure", "measure__indicator", "measure__indicator__plan"
            ).order_by(
                "measure__indicator__plan__number",
                "measure__indicator__number",
                "measure__position",
            ),
        ),
    ]


def _whole() -> SubmissionQuerySet:
    return (
        Submission.objects.with_scope()
        .select_related("period__division_table", "submitted_by", "decided_by")
        .prefetch_related(
            *entries_prefetch(),
            Prefetch(
                "comments",
                queryset=ReviewComment.objects.filter(entry__isnull=True)
                .select_related("author")
                .order_by("created_at"),
                to_attr="general_comments",
            ),
        )
    )


def submission_whole(pk: int) -> Submission:
    """A submission with everything it holds; raises ``Submission.DoesNotExist``."""
    return _whole().get(pk=pk)


def submissions_whole(pks: list[int]) -> list[Submission]:
    """The submissions ``pks``, each with everything it holds, in that order: in the seven
    queries of one ``submission_whole``, whatever their number."""
    by_pk = {submission.pk: submission for submission in _whole().filter(pk__in=pks)}
    return [by_pk[pk] for pk in pks]


def submissions_visible_to(user: Actor) -> SubmissionQuerySet:
    """Submissions a person may see: their agencies' own, or all in what they coordinate/review."""
    if user is None:
        return Submission.objects.all()
    memberships = memberships_of(user)
    if any(m.role == Role.ADMIN for m in memberships):
        return Submission.objects.all()
    condition = Q(pk__in=[])
    for m in memberships:
        if m.role == Role.REPORTER:
            condition |= Q(agency_id=m.agency_id)
        elif m.jurisdiction_id is not None:
            condition |= Q(period__jurisdiction_id=m.jurisdiction_id)
        elif m.agency_id is not None:
            condition |= Q(agency_id=m.agency_id) | Q(agency__parent_id=m.agency_id)
    return Submission.objects.filter(condition)


def periods_overseen_by(user: Actor) -> list[ReportingPeriod]:
    """Periods whose dashboard the person may open (coordinators, reviewers, administrators)."""
    periods = list(
        ReportingPeriod.objects.select_related(
            "jurisdiction", "division_table", "department", "department__parent"
        ).latest_first()
    )
    if user is None:
        return periods
    overseers = [m for m in memberships_of(user) if m.role != Role.REPORTER]
    return [p for p in periods if any(covers(m, scope_of(p)) for m in overseers)]


@dataclass(frozen=True, slots=True)
class DashboardRow:
    """One agency's line on the coordinator's dashboard."""

    submission: Submission
    late: bool
    shortfalls: int
    missing: int
    last_reminder: datetime.datetime | None


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The period's progress: a row per agency and the totals by status."""

    period: ReportingPeriod
    rows: list[DashboardRow]
    counts: dict[str, int]
    late: int
    shortfalls: int


def period_dashboard(period: ReportingPeriod, *, today: datetime.date) -> Dashboard:
    """Per agency: status, late or not, shortfalls, empty tasks and the last reminder sent."""
    tw_period = period.period
    submissions = (
        Submission.objects.filter(period=period)
        .select_related("agency", "agency__parent", "period")
        .annotate(last_reminder=Max("reminders__sent_at"))
        .prefetch_related(
            Prefetch(
                "task_entries",
                queryset=TaskEntry.objects.only("id", "submission_id", "narrative", "behind"),
            ),
            Prefetch(
                "measure_entries",
                queryset=MeasureEntry.objects.select_related("measure"),
            ),
        )
        .order_by("agency__label")
    )
    rows: list[DashboardRow] = []
    counts = {status.value: 0 for status in SubmissionStatus}
    for submission in submissions:
        tasks = list(submission.task_entries.all())
        measures = list(submission.measure_entries.all())
        shortfalls = sum(e.behind for e in tasks) + sum(e.is_shortfall(tw_period) for e in measures)
        missing = sum(not e.narrative.strip() for e in tasks) + sum(
            e.actual is None and e.done is None for e in measures
        )
        counts[submission.status] += 1
        rows.append(
            DashboardRow(
                submission=submission,
                late=submission.is_late_on(today),
                shortfalls=shortfalls,
                missing=missing,
                last_reminder=getattr(submission, "last_reminder", None),
            )
        )
    return Dashboard(
        period=period,
        rows=rows,
        counts=counts,
        late=sum(r.late for r in rows),
        shortfalls=sum(r.shortfalls for r in rows),
    )


def audit_trail(submission: Submission) -> QuerySet[AuditEntry]:
    """Every audit entry about the submission, oldest first."""
    return AuditEntry.objects.filter(
        object_type=Submission._meta.label_lower, object_id=str(submission.pk)
    ).order_by("created_at", "pk")


def period_audit_trail(period: ReportingPeriod) -> QuerySet[AuditEntry]:
    """The period's own entries and those of all its submissions, oldest first."""
    submission_ids = [str(pk) for pk in period.submissions.values_list("pk", flat=True)]
    return AuditEntry.objects.filter(
        Q(object_type=ReportingPeriod._meta.label_lower, object_id=str(period.pk))
        | Q(object_type=Submission._meta.label_lower, object_id__in=submission_ids)
    ).order_by("created_at", "pk")


def revisions_of(submission: Submission) -> QuerySet[SubmissionRevision]:
    """Every kept version, newest first."""
    return submission.revisions.select_related("created_by").order_by("-number")


def reporters_of(agency: Agency) -> list[Membership]:
    """Active reporters of the agency, with their user rows."""
    return list(Membership.objects.reporters_of(agency).select_related("user"))


def _plain(value: Decimal | None) -> int | Decimal | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def committee_report(period: ReportingPeriod, *, today: datetime.date) -> CommitteeReport:
    """The committee report of ``period``: every task of the table by area, in the table's
    order, with the approved 辦理情形; agencies not approved and shortfalls are marked."""
    tw_period = period.period
    submissions = list(
        Submission.objects.filter(period=period)
        .select_related("agency", "period")
        .prefetch_related(*entries_prefetch())
        .order_by("agency__label")
    )
    by_task: dict[int, tuple[Submission, TaskEntry]] = {}
    measures: list[MeasureLine] = []
    for submission in submissions:
        approved = submission.status == SubmissionStatus.APPROVED
        for entry in submission.task_entries.all():
            by_task[entry.task_id] = (submission, entry)
        for m in submission.measure_entries.all():
            measure = m.measure
            measures.append(
                MeasureLine(
                    plan=f"{measure.indicator.plan.number}. {measure.indicator.plan.name}",
                    indicator=measure.indicator.text,
                    label=measure.label,
                    unit=measure.unit,
                    target=_plain(measure.target),
                    expected=_plain(m.expected_to_date(tw_period)),
                    actual=_plain(m.actual) if approved else None,
                    due=measure.due,
                    done=m.done if approved else None,
                    reported=approved,
                    shortfall=approved and m.is_shortfall(tw_period),
                )
            )
    areas: list[AreaSection] = []
    if period.division_table_id is not None:
        tasks = (
            Task.objects.filter(table_id=period.division_table_id)
            .select_related("agency", "area")
            .order_by("area__position", "area_id", "position")
        )
        current: list[TaskLine] = []
        area_name = None
        for task in tasks:
            if task.area.name != area_name and current:
                areas.append(AreaSection(str(area_name), tuple(current)))
                current = []
            area_name = task.area.name
            current.append(_task_line(task, by_task.get(task.pk)))
        if current:
            areas.append(AreaSection(str(area_name), tuple(current)))
    table = period.division_table
    agencies = tuple(
        AgencyLine(
            agency=s.agency.label,
            status=s.status,
            status_label=str(SubmissionStatus(s.status).label),
            submitted_on=timezone.localdate(s.submitted_at) if s.submitted_at else None,
            late=s.is_late_on(today),
            is_sample=s.is_sample,
        )
        for s in submissions
    )
    unanswered, threshold = unanswered_lines(period)
    subject = (
        table.title
        if table
        else _("%(jurisdiction)s%(department)s施政計畫")
        % {"jurisdiction": period.jurisdiction.name, "department": period.department}
    )
    return CommitteeReport(
        jurisdiction=period.jurisdiction.name,
        jurisdiction_slug=period.jurisdiction.slug,
        title=_("%(subject)s%(period)s辦理情形") % {"subject": subject, "period": tw_period.name},
        table_title=table.title if table else "",
        table_version=table.version if table else "",
        period_code=period.code,
        period_name=tw_period.name,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        deadline=period.deadline,
        generated_on=today,
        areas=tuple(areas),
        measures=tuple(measures),
        agencies=agencies,
        has_sample=period.is_sample or any(s.is_sample for s in submissions),
        unanswered=unanswered,
        unanswered_threshold=threshold,
    )


class UnansweredSource(Protocol):
    """An app's unanswered needs (the directory's ``committee_sections.UNANSWERED_NEEDS``)."""

    @property
    def name(self) -> str: ...

    @property
    def threshold(self) -> int: ...

    def rows(
        self, *, jurisdiction_slug: str, first: datetime.date, last: datetime.date
    ) -> Sequence[tuple[datetime.date, str, str, str, int]]: ...


def unanswered_lines(period: ReportingPeriod) -> tuple[tuple[UnansweredLine, ...] | None, int]:
    """The section 民眾查詢未獲解答的需求 of ``period``'s report, and the threshold it uses.

    cycles may not import directory (the layers contract), so the rows come from whichever app
    offers ``committee_sections.UNANSWERED_NEEDS`` (decision 0082). None for a department's
    period (its report is about plans, not the public directory) or without such an app.
    """
    sources: list[UnansweredSource] = discover("committee_sections", "UNANSWERED_NEEDS")
    if period.department_id is not None or not sources:
        return None, 3
    lines = tuple(
        UnansweredLine(*row)
        for source in sources
        for row in source.rows(
            jurisdiction_slug=period.jurisdiction.slug, first=period.starts_on, last=period.ends_on
        )
    )
    return lines, min(source.threshold for source in sources)


def _task_line(task: Task, found: tuple[Submission, TaskEntry] | None) -> TaskLine:
    status = found[0].status if found else ""
    approved = status == SubmissionStatus.APPROVED
    entry = found[1] if found and approved else None
    return TaskLine(
        agency=task.agency.label,
        number=task.number,
        numbered=task.numbered,
        task=task.text,
        status=status,
        status_label=str(SubmissionStatus(status).label) if status else "",
        reported=entry is not None,
        narrative=entry.narrative if entry else "",
        figures=tuple(
            FigureLine(f.label, f.plain_value, f.unit, figure_text(f.label, f.value, f.unit))
            for f in (entry.figures.all() if entry else [])
        ),
        attachments=tuple(
            a.original_name
            for a in (entry.attachments.all() if entry else [])
            if a.removed_at is None
        ),
        behind=entry.behind if entry else False,
        behind_reason=entry.behind_reason if entry else "",
        is_sample=bool(found and found[0].is_sample),
    )


def committee_report_for(
    *,
    jurisdiction_slug: str,
    period_code: str,
    department_slug: str | None = None,
    today: datetime.date,
) -> CommitteeReport:
    """The committee report of a period named by its code (``113H1``); the jurisdiction's own
    period unless ``department_slug`` names a department's. Raises ``PeriodError`` with a
    sentence when there is no such period."""
    try:
        code = parse_period_code(period_code).code
    except (ValueError, TypeError):
        raise PeriodError(
            _("「%(code)s」不是期別代碼；請寫 113、113H1、113H2 或 113Q1 至 113Q4。")
            % {"code": period_code}
        ) from None
    periods = ReportingPeriod.objects.select_related(
        "jurisdiction", "division_table", "department"
    ).filter(jurisdiction__slug=jurisdiction_slug, code=code)
    if department_slug:
        periods = periods.filter(department__slug=department_slug)
    else:
        periods = periods.filter(department__isnull=True)
    period = periods.first()
    if period is None:
        if not Jurisdiction.objects.filter(slug=jurisdiction_slug).exists():
            raise PeriodError(_("找不到縣市「%(slug)s」。") % {"slug": jurisdiction_slug})
        raise PeriodError(
            _("%(slug)s 沒有 %(code)s 的填報期間。") % {"slug": jurisdiction_slug, "code": code}
        )
    return committee_report(period, today=today)


@dataclass(frozen=True, slots=True)
class OpenChoices:
    """What a person may open a period for: division tables and departments, by jurisdiction."""

    jurisdictions: list[Jurisdiction]
    tables: list[DivisionTable]
    departments: list[Agency]


def period_open_choices(user: Actor) -> OpenChoices:
    """A city's coordinator may open periods for its tables and any department; a department's
    coordinator only for that department's (and its units') plans."""
    tables = [
        t
        for t in DivisionTable.objects.filter(status=TableStatus.PUBLISHED).select_related(
            "jurisdiction"
        )
        if user is None or can(user, Action.PERIOD_OPEN, t.jurisdiction)
    ]
    departments = [
        a
        for a in Agency.objects.filter(plans__isnull=False)
        .distinct()
        .select_related("jurisdiction")
        .order_by("jurisdiction__slug", "label")
        if user is None or can(user, Action.PERIOD_OPEN, a)
    ]
    by_pk = {t.jurisdiction.pk: t.jurisdiction for t in tables}
    by_pk |= {a.jurisdiction.pk: a.jurisdiction for a in departments}
    return OpenChoices(
        jurisdictions=sorted(by_pk.values(), key=lambda j: j.slug),
        tables=tables,
        departments=departments,
    )


# --- early warning and corrective actions ---------------------------------------------------

# A submission's figures count for the projection once the agency has sent them.
SENT = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)
LIGHT_ORDER = {Light.RED: 0, Light.YELLOW: 1, Light.WHITE: 2, Light.GREEN: 3}


def measure_model(measure: Measure) -> MeasureData:
    """The report model of a measure, without its shortfall review (a projection needs none)."""
    return MeasureData(
        id=measure.pk,
        position=measure.position,
        label=measure.label,
        kind=measure.kind,
        target=measure.target,
        actual=measure.actual,
        unit=measure.unit,
        actual_unit=measure.actual_unit,
        due=measure.due,
        done=measure.done,
    )


def reference_of(measure: Measure) -> str:
    """「八.5」: the plan's Chinese number and the indicator's, as the scorecard writes it."""
    return f"{chinese_number(measure.indicator.plan.number)}.{measure.indicator.number}"


@dataclass(frozen=True, slots=True)
class WarningRow:
    """One measure of the period: its figure, projection and corrective actions."""

    measure: Measure
    entry: MeasureEntry
    projection: Projection
    sent: bool  # the figure comes from a submitted or approved submission
    approved: bool
    actions: tuple[CorrectiveAction, ...]

    @property
    def reference(self) -> str:
        return reference_of(self.measure)

    @property
    def open_action(self) -> CorrectiveAction | None:
        return next((a for a in self.actions if a.is_open), None)

    @property
    def listed(self) -> bool:
        """Predicted red or yellow, or an action still followed up here."""
        return self.projection.warns or bool(self.actions)


@dataclass(frozen=True, slots=True)
class EarlyWarning:
    """A period's early warning: every measure of the department, projected to the year's end."""

    period: ReportingPeriod
    legend: Legend
    rows: tuple[WarningRow, ...]

    @property
    def listed(self) -> list[WarningRow]:
        """What the coordinator's list shows: red first, then yellow, then actions followed up."""
        return sorted(
            (r for r in self.rows if r.listed),
            key=lambda r: LIGHT_ORDER[r.projection.light],
        )

    @property
    def counts(self) -> dict[Light, int]:
        return {light: sum(r.projection.light == light for r in self.rows) for light in Light}


def _actions_with_history() -> CorrectiveActionQuerySet:
    return CorrectiveAction.objects.select_related(
        "measure", "opened_in", "closed_in", "opened_by", "closed_by"
    ).prefetch_related(
        Prefetch(
            "updates",
            queryset=CorrectiveActionUpdate.objects.select_related("period", "created_by").order_by(
                "created_at", "pk"
            ),
        )
    )


def actions_followed_in(period: ReportingPeriod) -> list[CorrectiveAction]:
    """The corrective actions a period follows up (opened by its end and open, or closed in it),
    with their history: two queries."""
    if period.department_id is None:
        return []
    return list(
        _actions_with_history()
        .of_department_year(period.department_id, period.year)
        .shown_in(period)
        .order_by("opened_at", "pk")
    )


def early_warning(period: ReportingPeriod) -> EarlyWarning:
    """Every measure of the period's department projected to the year's end, with the
    jurisdiction's legend and the actions followed up: four queries, whatever the number of
    measures."""
    if period.department is None:
        return EarlyWarning(period=period, legend=Legend(), rows=())
    legend = legend_of(period.department)
    entries = (
        MeasureEntry.objects.filter(submission__period=period, submission__agency=period.department)
        .select_related("submission", "measure__indicator__plan")
        .order_by(
            "measure__indicator__plan__number", "measure__indicator__number", "measure__position"
        )
    )
    by_measure: dict[int, list[CorrectiveAction]] = {}
    for action in actions_followed_in(period):
        by_measure.setdefault(action.measure_id, []).append(action)
    tw_period = period.period
    rows = []
    for entry in entries:
        sent = entry.submission.status in SENT
        model = measure_model(entry.measure)
        projection = (
            project(model, tw_period, legend, actual=entry.actual, done=entry.done)
            if sent
            else unreported(model, tw_period, _("本期填報尚未送出，無法推估。"))
        )
        rows.append(
            WarningRow(
                measure=entry.measure,
                entry=entry,
                projection=projection,
                sent=sent,
                approved=entry.submission.status == SubmissionStatus.APPROVED,
                actions=tuple(by_measure.get(entry.measure_id, ())),
            )
        )
    return EarlyWarning(period=period, legend=legend, rows=tuple(rows))


def warning_row(period: ReportingPeriod, measure_pk: int) -> WarningRow | None:
    """One measure's row of the period's early warning (None when the period does not report
    it), with every corrective action of the measure, closed ones too."""
    found = next((r for r in early_warning(period).rows if r.measure.pk == measure_pk), None)
    if found is None:
        return None
    actions = tuple(
        _actions_with_history().filter(
            measure_id=measure_pk, opened_in__ends_on__lte=period.ends_on
        )
    )
    return dataclasses.replace(found, actions=actions)
