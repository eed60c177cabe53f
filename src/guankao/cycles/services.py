"""Every write of a reporting cycle: opening periods, saving drafts, the state machine, comments.

Each function is keyword-only, atomic, checks the role matrix (``ensure_can``; ``actor=None`` is
the system) and leaves an audit entry; each change to a submission also keeps a numbered
revision. Statuses change only here, in ``submission_transition``, driven by the table
``cycles.state.TRANSITIONS``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from guankao.core.models import Agency, Jurisdiction
from guankao.core.permissions import Action, NotPermitted, can, denied_message, ensure_can
from guankao.core.services import Actor, audit_record, model_update
from guankao.cycles import selectors
from guankao.cycles.exceptions import (
    EditConflict,
    IncompleteSubmission,
    InputRejected,
    PeriodError,
    SubmissionLocked,
)
from guankao.cycles.models import (
    Attachment,
    CommentKind,
    CorrectiveAction,
    CorrectiveActionStatus,
    CorrectiveActionUpdate,
    Figure,
    MeasureEntry,
    ReportingPeriod,
    ReviewComment,
    Submission,
    SubmissionRevision,
    SubmissionStatus,
    TaskEntry,
    stored_name,
)
from guankao.cycles.snapshots import Snapshot, changes_as_audit, diff, snapshot
from guankao.cycles.state import EDITABLE, TRANSITIONS, Transition
from guankao.cycles.uploads import MAX_FILES_PER_ENTRY, CheckedFile, check_upload
from guankao.divisions.models import DivisionTable, Task
from guankao.performance.models import Measure, MeasureKind
from guankao.performance.services import measure_actuals_apply
from guankao.tw import format_roc_date, from_roc_year, parse_period_code


def _user(actor: Actor) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _messages(error: ValidationError) -> str:
    return "；".join(str(m) for m in error.messages)


# --- periods -------------------------------------------------------------------------------


def expected_agencies(
    *, division_table: DivisionTable | None, department: Agency | None
) -> list[Agency]:
    """Who reports in a period: agencies with tasks in the table (table order), then the
    department whose plans are reported."""
    agencies: list[Agency] = []
    if division_table is not None:
        seen: set[int] = set()
        for task in division_table.tasks.select_related("agency").order_by("position"):
            if task.agency_id not in seen:
                seen.add(task.agency_id)
                agencies.append(task.agency)
    if department is not None and department not in agencies:
        agencies.append(department)
    return agencies


@transaction.atomic
def period_open(
    *,
    jurisdiction: Jurisdiction,
    code: str,
    deadline: datetime.date,
    division_table: DivisionTable | None = None,
    department: Agency | None = None,
    is_sample: bool = False,
    actor: Actor,
) -> ReportingPeriod:
    """Open the period ``code`` (``113H1``…) and create one draft submission per agency."""
    try:
        parsed = parse_period_code(code)
    except (ValueError, TypeError):
        raise PeriodError(
            _("「%(code)s」不是期別代碼；請寫 113、113H1、113H2 或 113Q1 至 113Q4。")
            % {"code": code}
        ) from None
    if division_table is None and department is None:
        raise PeriodError(_("請選擇分工表或施政計畫機關（至少一項）。"))
    period = ReportingPeriod(
        jurisdiction=jurisdiction,
        code=parsed.code,
        kind=parsed.kind,
        year=from_roc_year(parsed.roc_year),
        index=parsed.index,
        starts_on=parsed.start,
        ends_on=parsed.end,
        deadline=deadline,
        division_table=division_table,
        department=department,
        is_sample=is_sample,
        created_by=_user(actor),
    )
    ensure_can(actor, Action.PERIOD_OPEN, period)
    if division_table is not None and division_table.is_draft:
        # Agencies report against the table as adopted, never a draft that may still change.
        raise PeriodError(
            _("%(table)s 是草稿，公開後才能開始填報。") % {"table": division_table.title}
        )
    if (
        department is not None
        and division_table is None
        and not department.plans.filter(year=period.year).exists()
    ):
        raise PeriodError(
            _("%(agency)s 沒有 %(year)s 年度的施政計畫可以填報。")
            % {"agency": department.label, "year": parsed.roc_year}
        )
    try:
        period.full_clean()
    except ValidationError as error:
        raise PeriodError(_messages(error)) from None
    period.save()
    audit_record(
        actor=actor,
        action="open_period",
        obj=period,
        after={
            "code": period.code,
            "deadline": format_roc_date(deadline),
            "division_table": str(division_table) if division_table else None,
            "department": department.label if department else None,
            "is_sample": is_sample,
        },
    )
    created = [
        _submission_create(period=period, agency=agency, is_sample=is_sample, actor=actor)
        for agency in expected_agencies(division_table=division_table, department=department)
    ]
    # Each new submission's first revision, read back whole in one go (a city's thirty
    # agencies took six queries each).
    for whole in selectors.submissions_whole([submission.pk for submission in created]):
        _keep_revision(submission=whole, action="create", state=snapshot(whole), actor=actor)
    return period


def _submission_create(
    *, period: ReportingPeriod, agency: Agency, is_sample: bool, actor: Actor
) -> Submission:
    submission = Submission(period=period, agency=agency, is_sample=is_sample)
    submission.full_clean()
    submission.save()
    if period.division_table_id is not None:
        tasks = Task.objects.filter(table_id=period.division_table_id, agency=agency)
        TaskEntry.objects.bulk_create(
            [TaskEntry(submission=submission, task=task) for task in tasks.order_by("position")]
        )
    if period.department_id == agency.pk:
        measures = Measure.objects.filter(
            indicator__plan__department=agency, indicator__plan__year=period.year
        ).order_by("indicator__plan__number", "indicator__number", "position")
        MeasureEntry.objects.bulk_create(
            [MeasureEntry(submission=submission, measure=m) for m in measures]
        )
    audit_record(actor=actor, action="create", obj=submission, after={"status": "draft"})
    return submission


@transaction.atomic
def period_set_deadline(
    *, period: ReportingPeriod, deadline: datetime.date, actor: Actor
) -> ReportingPeriod:
    """Move the deadline (audited with the old and new date)."""
    ensure_can(actor, Action.PERIOD_UPDATE, period)
    try:
        model_update(instance=period, data={"deadline": deadline}, actor=actor)
    except ValidationError as error:
        raise PeriodError(_messages(error)) from None
    return period


# --- versions ------------------------------------------------------------------------------


def _keep_revision(*, submission: Submission, action: str, state: Snapshot, actor: Actor) -> None:
    SubmissionRevision.objects.create(
        submission=submission,
        number=submission.version,
        action=action,
        snapshot=state,
        created_by=_user(actor),
    )


def _conflict(submission: Submission, expected_version: int) -> EditConflict:
    """Explain what others changed since ``expected_version``, and who saved last."""
    revisions = {
        r.number: r
        for r in SubmissionRevision.objects.filter(
            submission=submission, number__in=[expected_version, submission.version]
        ).select_related("created_by")
    }
    base, latest = revisions.get(expected_version), revisions.get(submission.version)
    changes = diff(base.snapshot, latest.snapshot) if base and latest else []
    who = str(latest.created_by) if latest and latest.created_by else _("系統")
    when = timezone.localtime(latest.created_at) if latest else timezone.localtime()
    listed = "；".join(f"{c.where}{c.field}：「{c.before}」→「{c.after}」" for c in changes)
    message = _(
        "儲存失敗：%(who)s 已於 %(date)s %(time)s 儲存這份填報（第 %(version)d 版），"
        "您的修改沒有寫入。對方的變更：%(changes)s。請確認後再儲存一次。"
    ) % {
        "who": who,
        "date": format_roc_date(when.date()),
        "time": when.strftime("%H:%M"),
        "version": submission.version,
        "changes": listed or _("（狀態或附件）"),
    }
    return EditConflict(message, [c.as_tuple() for c in changes], submission.version)


def _claim_version(submission: Submission, expected_version: int) -> None:
    """Compare-and-swap on the version: only one of two concurrent saves can win."""
    claimed = Submission.objects.filter(pk=submission.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not claimed:
        submission.refresh_from_db(fields=["version", "status"])
        raise _conflict(submission, expected_version)
    submission.version = expected_version + 1


def locked_message(submission: Submission) -> str:
    """Why the agency cannot change the submission now ("" when it can)."""
    if submission.status in EDITABLE:
        return ""
    if submission.status == SubmissionStatus.APPROVED:
        return _("這份填報已核定並鎖定；需要修改時，請管考承辦人重新開放。")
    return _("這份填報已送出，審查期間不能修改；如需修改，請管考承辦人退回。")


def _ensure_editable(submission: Submission) -> None:
    message = locked_message(submission)
    if message:
        raise SubmissionLocked(message)


# --- drafts --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FigureInput:
    """A figure as parsed from the form: the value is already a number (see ``forms``)."""

    label: str
    value: Decimal
    unit: str
    as_written: str = ""


@dataclass(frozen=True, slots=True)
class TaskInput:
    """What a reporter entered for one task entry."""

    narrative: str
    behind: bool = False
    behind_reason: str = ""
    figures: Sequence[FigureInput] = ()
    new_files: Sequence[UploadedFile[Any]] = ()
    remove_attachments: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class MeasureInput:
    """What a reporter entered for one measure entry."""

    actual: Decimal | None
    done: datetime.date | None = None
    note: str = ""


class _Unchanged(Exception):
    """Internal: nothing differed, so the version claimed for this save is given back."""


@transaction.atomic
def submission_save_draft(
    *,
    submission: Submission,
    expected_version: int,
    tasks: Mapping[int, TaskInput],
    measures: Mapping[int, MeasureInput] | None = None,
    actor: Actor,
) -> bool:
    """Save the reporter's entries (keyed by entry id) as the next version; True if anything changed.

    Refused, with nothing written: entries of another submission (a forged form), a file that
    fails :func:`check_upload`, a submission that is not with the agency, or a save based on
    an older version than the stored one (:class:`EditConflict`, listing what changed).
    """
    measures = measures or {}
    ensure_can(actor, Action.SUBMISSION_EDIT, submission)
    current = selectors.submission_whole(submission.pk)
    _ensure_editable(current)
    task_entries = {e.pk: e for e in current.task_entries.all()}
    measure_entries = {e.pk: e for e in current.measure_entries.all()}
    foreign = sorted(set(tasks) - set(task_entries)) + sorted(set(measures) - set(measure_entries))
    if foreign:
        raise InputRejected(
            _("表單中有不屬於這份填報的項目（編號 %(ids)s），沒有儲存任何內容。")
            % {"ids": "、".join(str(i) for i in foreign)}
        )
    checked = {pk: _check_files(task_entries[pk], task) for pk, task in tasks.items()}
    before = snapshot(current)
    try:
        with transaction.atomic():
            _claim_version(submission, expected_version)
            for pk, task in tasks.items():
                _apply_task(task_entries[pk], task, checked[pk], actor)
            for pk, measure in measures.items():
                _apply_measure(measure_entries[pk], measure)
            whole = selectors.submission_whole(submission.pk)
            after = snapshot(whole)
            changes = diff(before, after)
            if not changes:
                raise _Unchanged
            _keep_revision(submission=whole, action="save", state=after, actor=actor)
            old, new = changes_as_audit(changes)
            audit_record(actor=actor, action="save_draft", obj=whole, before=old, after=new)
    except _Unchanged:
        submission.version = expected_version
        return False
    return True


def _check_files(entry: TaskEntry, task: TaskInput) -> list[tuple[CheckedFile, UploadedFile[Any]]]:
    current = [a for a in entry.attachments.all() if a.removed_at is None]
    unknown = task.remove_attachments - {a.pk for a in current}
    if unknown:
        raise InputRejected(_("要移除的附件不屬於 %(entry)s。") % {"entry": entry.label})
    remaining = len(current) - len(task.remove_attachments) + len(task.new_files)
    if remaining > MAX_FILES_PER_ENTRY:
        raise InputRejected(
            _("%(entry)s 最多 %(n)d 個附件。") % {"entry": entry.label, "n": MAX_FILES_PER_ENTRY}
        )
    return [(check_upload(upload), upload) for upload in task.new_files]


def _apply_task(
    entry: TaskEntry,
    task: TaskInput,
    files: list[tuple[CheckedFile, UploadedFile[Any]]],
    actor: Actor,
) -> None:
    data = {
        "narrative": task.narrative.strip(),
        "behind": task.behind,
        "behind_reason": task.behind_reason.strip() if task.behind else "",
    }
    if data["behind"] and not data["behind_reason"]:
        raise InputRejected(
            _("%(entry)s 勾選進度落後時，請說明原因及改進措施。") % {"entry": entry.label}
        )
    changed = [name for name, value in data.items() if getattr(entry, name) != value]
    for name in changed:
        setattr(entry, name, data[name])
    if changed:
        entry.full_clean()
        entry.save(update_fields=changed)
    old = [(f.label, f.value, f.unit) for f in entry.figures.all()]
    new = [(f.label.strip(), f.value, f.unit.strip()) for f in task.figures]
    if old != new:
        # Figures are values, not things with a life of their own: the revision keeps the old.
        Figure.objects.filter(entry=entry).delete()
        figures = [
            Figure(
                entry=entry,
                position=i,
                label=label,
                value=value,
                unit=unit,
                as_written=f.as_written[:40],
            )
            for i, ((label, value, unit), f) in enumerate(zip(new, task.figures, strict=True), 1)
        ]
        for figure in figures:
            try:
                figure.full_clean()
            except ValidationError as error:
                raise InputRejected(f"{entry.label}：{_messages(error)}") from None
        Figure.objects.bulk_create(figures)
    now = timezone.now()
    user = _user(actor)
    for attachment in entry.attachments.all():
        if attachment.pk in task.remove_attachments:
            attachment.removed_at, attachment.removed_by = now, user
            attachment.save(update_fields=["removed_at", "removed_by"])
    for checked, upload in files:
        attachment = Attachment(
            entry=entry,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=user,
        )
        attachment.file.save(stored_name(checked.name), upload, save=False)
        attachment.save()


def _apply_measure(entry: MeasureEntry, measure: MeasureInput) -> None:
    data: dict[str, Any] = {
        "actual": measure.actual,
        "done": measure.done,
        "note": measure.note.strip(),
    }
    changed = [name for name, value in data.items() if getattr(entry, name) != value]
    if not changed:
        return
    for name in changed:
        setattr(entry, name, data[name])
    try:
        entry.full_clean()
    except ValidationError as error:
        raise InputRejected(f"{entry.measure}：{_messages(error)}") from None
    entry.save(update_fields=changed)


# --- the state machine ---------------------------------------------------------------------

# What each transition stamps on the submission besides its status.
_STAMPS: dict[str, tuple[str, str]] = {
    Transition.SUBMIT: ("submitted_at", "submitted_by"),
    Transition.RETURN: ("decided_at", "decided_by"),
    Transition.APPROVE: ("decided_at", "decided_by"),
    Transition.REOPEN: ("decided_at", "decided_by"),
}


@transaction.atomic
def submission_transition(
    *,
    submission: Submission,
    transition: str,
    reason: str = "",
    actor: Actor,
    expected_version: int | None = None,
) -> Submission:
    """Move the submission along the row ``transition`` of ``cycles.state.TRANSITIONS``.

    In order: the row must exist (``InputRejected``), the matrix must allow its action over this
    submission (``NotPermitted``), it must start from the current status (``InvalidTransition``),
    a reason must be given when the row needs one (``InputRejected``; it is kept as a comment),
    and a submit needs every entry filled in (``IncompleteSubmission``). Then the version is
    claimed (``EditConflict`` when ``expected_version`` is stale), a revision kept and the
    change audited. Approving the last period of the year lets the measures' actuals flow on.
    """
    row = TRANSITIONS.row(transition)
    current = selectors.submission_whole(submission.pk)
    ensure_can(actor, row.action, current)
    target = TRANSITIONS.check(row, current.status)
    text = TRANSITIONS.reason(row, reason) if row.needs_reason else ""
    if row.name == Transition.SUBMIT:
        _ensure_complete(current)
    _claim_version(current, current.version if expected_version is None else expected_version)
    old_status = current.status
    at, by = _STAMPS[row.name]
    fields: dict[str, Any] = {"status": target, at: timezone.now(), by: _user(actor)}
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    current.save(update_fields=list(fields))
    if text:
        ReviewComment.objects.create(
            submission=current, kind=CommentKind(row.name), body=text, author=_user(actor)
        )
    _keep_revision(submission=current, action=row.name, state=snapshot(current), actor=actor)
    details: dict[str, Any] = {"status": target}
    if text:
        details["comment"] = text
    audit_record(
        actor=actor,
        action=row.name,
        obj=current,
        before={"status": old_status},
        after=details,
    )
    for name, value in [*fields.items(), ("version", current.version)]:
        setattr(submission, name, value)
    if row.name == Transition.APPROVE and current.period.period.is_last_of_year:
        _flow_actuals(current, actor)
    return current


def _ensure_complete(submission: Submission) -> None:
    missing = [e.label for e in submission.task_entries.all() if not e.narrative.strip()]
    for entry in submission.measure_entries.all():
        if entry.measure.kind == MeasureKind.NUMERIC and entry.actual is None:
            missing.append(str(entry.measure))
        if entry.measure.kind == MeasureKind.MILESTONE and not (entry.done or entry.note.strip()):
            missing.append(str(entry.measure))
    if missing:
        raise IncompleteSubmission(
            _("尚有 %(n)d 項未填寫，不能送出：%(items)s。")
            % {"n": len(missing), "items": "、".join(missing)},
            missing,
        )


def _flow_actuals(submission: Submission, actor: Actor) -> None:
    """The approved year-end actuals become the measures' 執行績效 in the performance report,
    through the performance app's own service; a final or published report keeps its figures
    and the submission's audit trail says which were not applied."""
    entries = list(submission.measure_entries.select_related("measure__indicator__plan"))
    applied = measure_actuals_apply(
        values=[(e.measure, e.actual, e.done) for e in entries], actor=actor
    )
    if applied.kept and applied.locked_by is not None:
        audit_record(
            actor=actor,
            action="actuals kept by a locked report",
            obj=submission,
            after={
                "report": applied.locked_by.title,
                "status": applied.locked_by.status,
                "measures": [m.pk for m in applied.kept],
            },
        )


def _reason(text: str, message: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise InputRejected(message)
    return reason


# --- review comments -----------------------------------------------------------------------


@transaction.atomic
def comment_add(
    *, submission: Submission, entry: TaskEntry | None, body: str, actor: Actor
) -> ReviewComment:
    """A reviewer's comment on one task (or the whole submission). Does not change the version,
    so a reporter editing at the same time is not interrupted."""
    ensure_can(actor, Action.COMMENT_ADD, submission)
    text = _reason(body, _("請填寫審查意見內容。"))
    if entry is not None and entry.submission_id != submission.pk:
        raise InputRejected(_("這個項目不屬於這份填報。"))
    comment = ReviewComment(
        submission=submission, entry=entry, kind=CommentKind.COMMENT, body=text, author=_user(actor)
    )
    comment.full_clean()
    comment.save()
    audit_record(
        actor=actor,
        action="comment",
        obj=submission,
        after={"entry": entry.label if entry else None, "comment": text},
    )
    return comment


# --- corrective actions (改善措施追蹤) ------------------------------------------------------


def _action_facts(action: CorrectiveAction) -> dict[str, Any]:
    return {
        "measure": str(action.measure),
        "what": action.what,
        "who": action.who,
        "due": format_roc_date(action.due),
        "status": action.status,
    }


def _ensure_period_reports(period: ReportingPeriod, measure: Measure) -> None:
    """The period must be the department's, of the measure's year."""
    plan = measure.indicator.plan
    if period.department_id != plan.department_id or period.year != plan.year:
        raise InputRejected(
            _("%(code)s 不是這項衡量標準所屬機關與年度的填報期間。") % {"code": period.code}
        )


def _ensure_follows(action: CorrectiveAction, period: ReportingPeriod) -> None:
    """A follow-up or closing happens in the period the action was opened in or a later one."""
    _ensure_period_reports(period, action.measure)
    if period.ends_on < action.opened_in.ends_on:
        raise InputRejected(
            _("這項改善措施於 %(opened)s 提出，不能在較早的 %(code)s 追蹤。")
            % {"opened": action.opened_in.code, "code": period.code}
        )
    if not action.is_open:
        raise InputRejected(_("這項改善措施已結案；需要時請另提新的改善措施。"))


def _clean_action(action: CorrectiveAction) -> None:
    try:
        action.full_clean()
    except ValidationError as error:
        raise InputRejected(_messages(error)) from None


@transaction.atomic
def corrective_action_open(
    *,
    period: ReportingPeriod,
    measure: Measure,
    what: str,
    who: str,
    due: datetime.date,
    actor: Actor,
) -> CorrectiveAction:
    """Open a corrective action for ``measure`` in ``period`` (coordinators and reviewers of the
    department). One open action per measure: the follow-up continues a single thread."""
    action = CorrectiveAction(
        measure=measure,
        opened_in=period,
        what=(what or "").strip(),
        who=(who or "").strip(),
        due=due,
        opened_by=_user(actor),
    )
    ensure_can(actor, Action.COMMENT_ADD, action)
    _ensure_period_reports(period, measure)
    if not action.what:
        raise InputRejected(_("請填寫改善措施。"))
    if not action.who:
        raise InputRejected(_("請填寫負責單位或人員。"))
    if due < period.starts_on:
        raise InputRejected(_("預定完成日不能早於本期起日。"))
    if CorrectiveAction.objects.filter(measure=measure).open().exists():
        raise InputRejected(
            _("「%(measure)s」已有追蹤中的改善措施，請在該措施填寫追蹤情形。")
            % {"measure": measure.label}
        )
    _clean_action(action)
    action.save()
    audit_record(
        actor=actor,
        action="corrective_action_open",
        obj=action,
        after={**_action_facts(action), "period": period.code},
    )
    return action


@transaction.atomic
def corrective_action_update(
    *,
    action: CorrectiveAction,
    what: str,
    who: str,
    due: datetime.date,
    actor: Actor,
) -> bool:
    """Change what, who or the due date of an open action; True if anything changed."""
    ensure_can(actor, Action.COMMENT_ADD, action)
    if not action.is_open:
        raise InputRejected(_("這項改善措施已結案；需要時請另提新的改善措施。"))
    data = {"what": (what or "").strip(), "who": (who or "").strip(), "due": due}
    if not data["what"] or not data["who"]:
        raise InputRejected(_("請填寫改善措施及負責單位或人員。"))
    try:
        result = model_update(
            instance=action, data=data, actor=actor, action="corrective_action_update"
        )
    except ValidationError as error:
        raise InputRejected(_messages(error)) from None
    return result[1]


@transaction.atomic
def corrective_action_follow_up(
    *, action: CorrectiveAction, period: ReportingPeriod, note: str, actor: Actor
) -> CorrectiveActionUpdate:
    """Add ``period``'s 追蹤情形 to an open action: the department's reporters write what was
    done, coordinators and reviewers may add theirs. Kept as written (append-only)."""
    if actor is not None and not (
        can(actor, Action.SUBMISSION_EDIT, action) or can(actor, Action.COMMENT_ADD, action)
    ):
        raise NotPermitted(denied_message(Action.SUBMISSION_EDIT))
    _ensure_follows(action, period)
    text = _reason(note, _("請填寫本期追蹤情形。"))
    update = CorrectiveActionUpdate(
        action=action, period=period, note=text, created_by=_user(actor)
    )
    update.full_clean()
    update.save()
    audit_record(
        actor=actor,
        action="corrective_action_follow_up",
        obj=action,
        after={"period": period.code, "note": text},
    )
    return update


@transaction.atomic
def corrective_action_close(
    *, action: CorrectiveAction, period: ReportingPeriod, note: str, actor: Actor
) -> CorrectiveAction:
    """Close an action in ``period`` with a closing note (coordinators and reviewers)."""
    ensure_can(actor, Action.COMMENT_ADD, action)
    _ensure_follows(action, period)
    text = _reason(note, _("請填寫結案說明。"))
    before = {"status": action.status}
    action.status = CorrectiveActionStatus.CLOSED
    action.closed_at = timezone.now()
    action.closed_in = period
    action.closed_by = _user(actor)
    action.closing_note = text
    _clean_action(action)
    action.save(update_fields=["status", "closed_at", "closed_in", "closed_by", "closing_note"])
    audit_record(
        actor=actor,
        action="corrective_action_close",
        obj=action,
        before=before,
        after={"status": action.status, "period": period.code, "closing_note": text},
    )
    return action
