"""Staff pages of reporting cycles. Every page needs sign-in; every object goes through the
role matrix (``access_*``); every write calls one service and shows its refusal clearly.

Status codes say what happened: 400 for input that was refused, 403 when the role does not
allow it, 409 when the submission's state or a newer version stands in the way.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guankao.core import session_limits
from guankao.core.exceptions import GuankaoError
from guankao.core.models import Role
from guankao.core.permissions import (
    Action,
    Scope,
    can,
    denied_message,
    memberships_of,
)
from guankao.core.templatetags.error_summary import Problem
from guankao.cycles import audit_export, committee_document, reminders, selectors, services
from guankao.cycles.exceptions import EditConflict, InvalidTransition, SubmissionLocked
from guankao.cycles.forms import (
    UNIT_CHOICES,
    CloseActionForm,
    CommentForm,
    CorrectiveActionForm,
    DeadlineForm,
    FollowUpForm,
    PeriodOpenForm,
    SubmissionEditor,
    TransitionForm,
)
from guankao.cycles.models import (
    Attachment,
    ReminderKind,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
)
from guankao.cycles.state import TRANSITIONS, Transition
from guankao.documents.formats import FORMATS
from guankao.performance.scorecard import LIGHT_SHAPE, LIGHT_TEXT
from guankao.tw import format_roc_date


def _deny(action: Action) -> PermissionDenied:
    return PermissionDenied(denied_message(action))


def access_period(request: HttpRequest, pk: int, action: Action) -> ReportingPeriod:
    """The period, if the matrix lets this person do ``action`` to it (else 404 or 403)."""
    period = get_object_or_404(
        ReportingPeriod.objects.select_related(
            "jurisdiction", "division_table", "department", "department__parent"
        ),
        pk=pk,
    )
    if not can(request.user, action, period):
        raise _deny(action)
    return period


def access_submission(
    request: HttpRequest, pk: int, action: Action, *, whole: bool = False
) -> Submission:
    """The submission, if the matrix lets this person do ``action`` to it (else 404 or 403)."""
    try:
        submission = (
            selectors.submission_whole(pk) if whole else Submission.objects.with_scope().get(pk=pk)
        )
    except Submission.DoesNotExist:
        raise Http404 from None
    if not can(request.user, action, submission):
        raise _deny(action)
    return submission


# --- lists ---------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """My to-do list: my agencies' submissions, and the periods I coordinate or review."""
    today = timezone.localdate()
    own_agencies = [
        m.agency_id
        for m in memberships_of(request.user)
        if m.role == Role.REPORTER and m.agency_id is not None
    ]
    todo = list(
        Submission.objects.filter(agency_id__in=own_agencies)
        .with_scope()
        .order_by("period__deadline", "agency__label")
    )
    periods = selectors.periods_overseen_by(request.user)
    return render(
        request,
        "cycles/home.html",
        {
            "todo": [(s, s.is_late_on(today)) for s in todo],
            "periods": periods,
            "can_open": can(request.user, Action.PERIOD_OPEN),
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_open(request: HttpRequest) -> HttpResponse:
    """Open a reporting period (coordinators and administrators)."""
    if not can(request.user, Action.PERIOD_OPEN):
        raise _deny(Action.PERIOD_OPEN)
    form = PeriodOpenForm(request.POST or None, choices=selectors.period_open_choices(request.user))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                period = services.period_open(
                    jurisdiction=data["jurisdiction"],
                    code=data["code"],
                    deadline=data["deadline"],
                    division_table=data["division_table"],
                    department=data["department"],
                    actor=request.user,
                )
            except GuankaoError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("已開設 %(code)s 填報期間，截止日 %(deadline)s。")
                    % {"code": period.code, "deadline": format_roc_date(period.deadline)},
                )
                return redirect("cycles:period", pk=period.pk)
    return render(request, "cycles/period_form.html", {"form": form}, status=status)


@login_required
@require_GET
def period(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator's dashboard: each agency's status, lateness, shortfalls, reminders."""
    period = access_period(request, pk, Action.PERIOD_VIEW)
    dashboard = selectors.period_dashboard(period, today=timezone.localdate())
    return render(
        request,
        "cycles/dashboard.html",
        {
            "period": period,
            "dashboard": dashboard,
            "counts": [(SubmissionStatus(k).label, n) for k, n in dashboard.counts.items()],
            "can_remind": can(request.user, Action.REMINDER_SEND, period),
            "can_update": can(request.user, Action.PERIOD_UPDATE, period),
            "can_export": can(request.user, Action.AUDIT_EXPORT, period),
            "deadline_form": DeadlineForm(initial={"deadline": period.deadline}),
        },
    )


@login_required
@require_POST
def period_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the deadline."""
    period = access_period(request, pk, Action.PERIOD_UPDATE)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.period_set_deadline(
                period=period, deadline=form.cleaned_data["deadline"], actor=request.user
            )
        except GuankaoError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("截止日已改為 %(d)s。") % {"d": format_roc_date(period.deadline)}
            )
            return redirect("cycles:period", pk=period.pk)
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
    return redirect("cycles:period", pk=period.pk)


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    """The dashboard's reminder button: e-mail one agency's reporters now."""
    submission = access_submission(request, pk, Action.SUBMISSION_VIEW)
    if not can(request.user, Action.REMINDER_SEND, submission.period):
        raise _deny(Action.REMINDER_SEND)
    try:
        reminder = reminders.reminder_send(
            submission=submission,
            kind=ReminderKind.MANUAL,
            actor=request.user,
            base_url=request.build_absolute_uri("/"),
        )
    except GuankaoError as error:
        messages.error(request, str(error))
    except OSError as error:
        messages.error(request, _("郵件伺服器無法寄送：%(error)s") % {"error": error})
    else:
        messages.success(
            request,
            _("已寄送催報通知給 %(agency)s（%(to)s）。")
            % {"agency": submission.agency.label, "to": reminder.recipients},
        )
    return redirect("cycles:period", pk=submission.period_id)


# --- one submission ------------------------------------------------------------------------


def draft_key(request: HttpRequest, submission: Submission) -> str:
    """Where the browser keeps this person's unsaved copy of this submission (decision 0062)."""
    return f"guankao-draft:u{request.user.pk}:s{submission.pk}"


def _submission_page(
    request: HttpRequest,
    submission: Submission,
    *,
    status: int = 200,
    error: str = "",
    reason_form: TransitionForm | None = None,
    transition: str | None = None,
    comment_form: CommentForm | None = None,
) -> HttpResponse:
    """The submission page; after a refusal, with the refusal on top (linked to the field it is
    about) and the reason or comment that was typed still in its box."""
    user = request.user
    transitions = [
        (row.name, row)
        for row in TRANSITIONS.available(submission.status)
        if can(user, row.action, submission)
    ]
    # Which box the refusal is about, and what was typed in it.
    field_id, kept = "", ""
    if (
        transition is not None
        and reason_form is not None
        and TRANSITIONS.row(transition).needs_reason
    ):
        field_id = f"reason-{transition}"
        kept = str(reason_form.data.get("reason", ""))
    comment_entry = None
    if comment_form is not None:
        comment_entry = _int_or_none(comment_form.data.get("entry"))
        if comment_entry is not None:
            field_id = f"comment-{comment_entry}"
            kept = str(comment_form.data.get("body", ""))
    return render(
        request,
        "cycles/submission.html",
        {
            "submission": submission,
            "period": submission.period,
            "tw_period": submission.period.period,
            "transitions": transitions,
            "can_edit": submission.is_editable and can(user, Action.SUBMISSION_EDIT, submission),
            "can_comment": can(user, Action.COMMENT_ADD, submission),
            "can_audit": can(user, Action.AUDIT_VIEW, submission),
            "late": submission.is_late_on(timezone.localdate()),
            "error": error,
            "summary_extra": [Problem(error, f"#{field_id}" if field_id else "")] if error else [],
            "error_field": field_id,
            "kept_text": kept,
            "kept_transition": str(transition) if field_id.startswith("reason-") else "",
            "kept_entry": comment_entry,
            "reason_form": reason_form or TransitionForm(),
            "comment_form": CommentForm(),
            "draft_key": draft_key(request, submission),
            # The department's open actions, to follow up in this period (until closed).
            "corrective_actions": [
                a for a in selectors.actions_followed_in(submission.period) if a.is_open
            ]
            if submission.agency_id == submission.period.department_id
            else [],
        },
        status=status,
    )


def _int_or_none(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    """One submission read-only, with its comments and the buttons the viewer's role allows."""
    return _submission_page(
        request, access_submission(request, pk, Action.SUBMISSION_VIEW, whole=True)
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter's form: 辦理情形, figures and attachments per task, actuals per measure."""
    submission = access_submission(request, pk, Action.SUBMISSION_EDIT, whole=True)
    if not submission.is_editable:
        message = services.locked_message(submission)
        if request.method == "GET":
            messages.info(request, message)
            return redirect("cycles:submission", pk=pk)
        return _submission_page(request, submission, status=409, error=message)
    if request.method == "GET":
        kept = session_limits.kept_post_take(request)
        if kept is None:
            return _edit_page(request, SubmissionEditor(submission))
        # Posted after the session had ended: shown again, not saved (the person checks it first).
        editor = SubmissionEditor(submission, kept.data)
        editor.is_valid()
        return _edit_page(request, editor, kept_files=kept.files, restored=True)
    editor = SubmissionEditor(submission, request.POST, request.FILES)
    if not editor.is_valid():
        # Refused before anything is written: the page comes back with what was posted.
        return _edit_page(request, editor, status=400, refused=True)
    try:
        changed = services.submission_save_draft(
            submission=submission,
            expected_version=editor.current_version,
            tasks=editor.task_inputs(),
            measures=editor.measure_inputs(),
            actor=request.user,
        )
    except EditConflict as conflict:
        # Keep what this person typed, on top of the newer version they now have seen.
        fresh = selectors.submission_whole(pk)
        editor = SubmissionEditor(fresh, request.POST, request.FILES)
        editor.is_valid()
        editor.version_value = conflict.version
        return _edit_page(request, editor, status=409, conflict=conflict, refused=True)
    except GuankaoError as error:
        # The service wrote nothing (it is atomic): show the post again, with its refusal.
        return _edit_page(request, editor, status=400, error=str(error), refused=True)
    if request.POST.get("then") == "submit":
        try:
            services.submission_transition(
                submission=submission,
                transition=Transition.SUBMIT,
                actor=request.user,
                expected_version=submission.version,
            )
        except GuankaoError as error:
            # Saved as a draft (if anything changed) but not sent: show what is missing.
            fresh = selectors.submission_whole(pk)
            return _edit_page(
                request, SubmissionEditor(fresh), status=400, error=str(error), saved=True
            )
        messages.success(
            request, str(TRANSITIONS.row(Transition.SUBMIT).done), extra_tags="draft-saved"
        )
        return redirect("cycles:submission", pk=pk)
    messages.success(
        request,
        _("草稿已儲存（第 %(v)d 版）。") % {"v": submission.version}
        if changed
        else _("沒有變更，未另存新版。"),
        extra_tags="draft-saved",
    )
    return redirect("cycles:submission_edit", pk=pk)


def _edit_page(
    request: HttpRequest,
    editor: SubmissionEditor,
    *,
    status: int = 200,
    error: str = "",
    conflict: EditConflict | None = None,
    refused: bool = False,
    saved: bool = False,
    restored: bool = False,
    kept_files: list[str] | None = None,
) -> HttpResponse:
    """The edit page. ``refused``: the post was not stored, so its files must be chosen again;
    ``restored``: a post that came after the session ended, given back after the sign-in."""
    submission = editor.submission
    extra: list[Any] = [m for m in (error, editor.version_error) if m and not conflict]
    choose_again: list[Problem] = editor.files_to_choose_again() if refused else []
    if restored:
        choose_again += [
            Problem(_("請重新選擇檔案：%(name)s（登入逾時，這次沒有儲存）") % {"name": name})
            for name in kept_files or []
        ]
    return render(
        request,
        "cycles/submission_edit.html",
        {
            "submission": submission,
            "period": submission.period,
            "editor": editor,
            "units": UNIT_CHOICES,
            "conflict": conflict,
            "summary_extra": extra,
            "summary_then": choose_again,
            "refused": refused,
            "saved": saved,
            "restored": restored,
            "draft_key": draft_key(request, submission),
            "idle_seconds": session_limits.idle_seconds(),
        },
        status=status,
    )


def _transition_view(request: HttpRequest, pk: int, transition: Transition) -> HttpResponse:
    """Every button of the state machine: the table's row says who may and what is needed."""
    row = TRANSITIONS.row(transition)
    submission = access_submission(request, pk, row.action)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        whole = selectors.submission_whole(pk)
        message = _("表單不完整，請重新載入頁面。")
        return _submission_page(request, whole, status=400, error=message, reason_form=form)
    try:
        services.submission_transition(
            submission=submission,
            transition=row.name,
            reason=form.cleaned_data["reason"],
            actor=request.user,
            expected_version=form.cleaned_data.get("version"),
        )
    except (InvalidTransition, SubmissionLocked, EditConflict) as error:
        return _submission_page(
            request,
            selectors.submission_whole(pk),
            status=409,
            error=str(error),
            reason_form=form,
            transition=row.name,
        )
    except GuankaoError as error:
        return _submission_page(
            request,
            selectors.submission_whole(pk),
            status=400,
            error=str(error),
            reason_form=form,
            transition=row.name,
        )
    messages.success(request, str(row.done))
    return redirect("cycles:submission", pk=pk)


@login_required
@require_POST
def submission_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Send for review."""
    return _transition_view(request, pk, Transition.SUBMIT)


@login_required
@require_POST
def submission_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Return for correction, with the reason."""
    return _transition_view(request, pk, Transition.RETURN)


@login_required
@require_http_methods(["GET", "POST"])
def submission_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve and lock. GET asks first and says what becomes locked (decision 0063); POST does it."""
    if request.method == "POST":
        return _transition_view(request, pk, Transition.APPROVE)
    row = TRANSITIONS.row(Transition.APPROVE)
    submission = access_submission(request, pk, row.action, whole=True)
    if submission.status not in row.sources:
        message = _("這份填報目前為「%(status)s」，不能核定。") % {
            "status": submission.get_status_display()
        }
        return _submission_page(request, submission, status=409, error=message)
    form = TransitionForm(request.GET)
    seen = form.cleaned_data.get("version") if form.is_valid() else None
    period = submission.period
    flows = [
        entry
        for entry in submission.measure_entries.all()
        if period.period.is_last_of_year and (entry.actual is not None or entry.done is not None)
    ]
    return render(
        request,
        "cycles/approve_confirm.html",
        {
            "submission": submission,
            "period": period,
            "version": seen or submission.version,
            "newer": seen is not None and seen != submission.version,
            "flows": flows,
        },
    )


@login_required
@require_POST
def submission_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen approved data, with the reason (coordinators)."""
    return _transition_view(request, pk, Transition.REOPEN)


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer's comment on one task entry."""
    submission = access_submission(request, pk, Action.COMMENT_ADD, whole=True)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _submission_page(
            request,
            submission,
            status=400,
            error=_comment_problem(form),
            comment_form=form,
        )
    entry_id = form.cleaned_data.get("entry")
    entry = None
    if entry_id is not None:
        entry = next((e for e in submission.task_entries.all() if e.pk == entry_id), None)
        if entry is None:
            return _submission_page(
                request, submission, status=400, error=_("這個項目不屬於這份填報。")
            )
    try:
        services.comment_add(
            submission=submission, entry=entry, body=form.cleaned_data["body"], actor=request.user
        )
    except GuankaoError as error:
        return _submission_page(
            request, submission, status=400, error=str(error), comment_form=form
        )
    messages.success(request, _("已新增審查意見。"))
    anchor = f"#entry-{entry.pk}" if entry else ""
    return HttpResponseRedirect(reverse("cycles:submission", args=[pk]) + anchor)


def _comment_problem(form: CommentForm) -> str:
    if not str(form.data.get("body") or "").strip():
        return str(_("請填寫審查意見內容。"))
    return " ".join(str(m) for m in form.errors.get("body", [])) or _(
        "表單不完整，請重新載入頁面。"
    )


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Download an attachment (always as a download, never shown inline)."""
    item = get_object_or_404(Attachment.objects.select_related("entry"), pk=pk)
    access_submission(request, item.entry.submission_id, Action.SUBMISSION_VIEW)
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
    response["Content-Type"] = item.content_type
    return response


# --- audit trail ---------------------------------------------------------------------------


@login_required
@require_GET
def submission_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """Every step of one submission, and every version kept."""
    submission = access_submission(request, pk, Action.AUDIT_VIEW)
    return render(
        request,
        "cycles/audit.html",
        {
            "submission": submission,
            "entries": selectors.audit_trail(submission).select_related("actor"),
            "revisions": selectors.revisions_of(submission),
            "can_export": can(request.user, Action.AUDIT_EXPORT, submission),
        },
    )


def _export(rows: list[dict[str, Any]], fmt: str, name: str) -> HttpResponse:
    if fmt not in ("csv", "json"):
        raise Http404
    if fmt == "json":
        return JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})
    content = audit_export.audit_csv(rows, name)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
@require_GET
def submission_audit_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The submission's audit trail as CSV (UTF-8 with BOM) or JSON."""
    submission = access_submission(request, pk, Action.AUDIT_EXPORT)
    rows = audit_export.audit_rows(selectors.audit_trail(submission))
    return _export(rows, fmt, f"audit-{submission.period.code}-{submission.agency.slug}")


@login_required
@require_GET
def period_audit_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The whole period's audit trail as CSV or JSON."""
    period = access_period(request, pk, Action.AUDIT_EXPORT)
    rows = audit_export.audit_rows(selectors.period_audit_trail(period))
    return _export(rows, fmt, f"audit-{period.jurisdiction.slug}-{period.code}")


# --- the committee report ------------------------------------------------------------------


@login_required
@require_GET
def committee_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee report on the web (other formats: ``guankao report committee``)."""
    period = access_period(request, pk, Action.REPORT_VIEW)
    report = selectors.committee_report(period, today=timezone.localdate())
    fmt = request.GET.get("format", "")
    if fmt == "json":
        return JsonResponse(report.as_json(), json_dumps_params={"ensure_ascii": False})
    if fmt in committee_document.FORMATS and fmt != "html":
        content = committee_document.render(report, fmt)
        spec = FORMATS[fmt]
        response = HttpResponse(content, content_type=spec.content_type)
        name = f"committee-{period.jurisdiction.slug}-{period.code}.{spec.extension}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "cycles/committee_report.html",
        {"report": report, "period": period, "formats": committee_document.FORMATS},
    )


# --- early warning and corrective actions ----------------------------------------------------


@login_required
@require_GET
def early_warning(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator's list: measures predicted red or yellow at the year's end, and the
    corrective actions still followed up, for the period's department."""
    period = access_period(request, pk, Action.PERIOD_VIEW)
    warning = selectors.early_warning(period)
    return render(
        request,
        "cycles/early_warning.html",
        {
            "period": period,
            "warning": warning,
            "rows": warning.listed,
            "counts": [
                {
                    "light": light.value,
                    "shape": LIGHT_SHAPE[light],
                    "text": LIGHT_TEXT[light],
                    "n": n,
                }
                for light, n in warning.counts.items()
            ],
            "legend": warning.legend.describe(),
        },
    )


def _department_scope(period: ReportingPeriod) -> Scope:
    department = period.department
    if department is None:
        raise Http404
    return Scope(period.jurisdiction_id, department.pk, department.parent_id)


@login_required
@require_http_methods(["GET", "POST"])
def corrective_action(request: HttpRequest, pk: int, measure: int) -> HttpResponse:
    """One measure of the period: its projection, its corrective action (opened here or
    earlier) with every period's follow-up, and the forms the viewer's role allows."""
    period = get_object_or_404(
        ReportingPeriod.objects.select_related("jurisdiction", "department", "department__parent"),
        pk=pk,
    )
    scope = _department_scope(period)
    if not can(request.user, Action.SUBMISSION_VIEW, scope):
        raise _deny(Action.SUBMISSION_VIEW)
    row = selectors.warning_row(period, measure)
    if row is None:
        raise Http404
    user = request.user
    can_decide = can(user, Action.COMMENT_ADD, scope)
    can_follow = can_decide or can(user, Action.SUBMISSION_EDIT, scope)
    action = row.open_action
    forms: dict[str, Any] = {
        "open_form": CorrectiveActionForm(),
        "edit_form": CorrectiveActionForm(
            initial={"what": action.what, "who": action.who, "due": action.due}
        )
        if action
        else None,
        "follow_form": FollowUpForm(),
        "close_form": CloseActionForm(),
    }
    status, error, bound = 200, "", None
    if request.method == "POST":
        op = request.POST.get("op", "")
        needed = {"open": can_decide, "update": can_decide, "close": can_decide}
        if op not in ("open", "update", "follow", "close"):
            return HttpResponse(_("不明的操作。"), status=400, content_type="text/plain")
        if not needed.get(op, can_follow):
            raise _deny(Action.COMMENT_ADD if op != "follow" else Action.SUBMISSION_EDIT)
        if op != "open" and action is None:
            error, status = _("這項衡量標準沒有追蹤中的改善措施。"), 409
        else:
            done, bound, error = _corrective_post(request, op, period, row, action)
            if done:
                messages.success(request, done)
                return redirect("cycles:corrective_action", pk=period.pk, measure=measure)
            status = 400
        if bound is not None:
            forms[f"{op if op != 'update' else 'edit'}_form"] = bound
    return render(
        request,
        "cycles/corrective_action.html",
        {
            "period": period,
            "row": row,
            "action": action,
            "closed": [a for a in row.actions if not a.is_open],
            "can_decide": can_decide,
            "can_follow": can_follow,
            "error": error,
            "posted": request.POST.get("op", "") if status != 200 else "",
            **forms,
        },
        status=status,
    )


def _corrective_post(
    request: HttpRequest,
    op: str,
    period: ReportingPeriod,
    row: selectors.WarningRow,
    action: Any,
) -> tuple[str, Any, str]:
    """Run one write of the corrective-action page: (success message, bound form, refusal)."""
    form: Any
    if op in ("open", "update"):
        form = CorrectiveActionForm(request.POST)
    elif op == "follow":
        form = FollowUpForm(request.POST)
    else:
        form = CloseActionForm(request.POST)
    if not form.is_valid():
        return "", form, ""
    data = form.cleaned_data
    try:
        if op == "open":
            services.corrective_action_open(
                period=period,
                measure=row.measure,
                what=data["what"],
                who=data["who"],
                due=data["due"],
                actor=request.user,
            )
            return _("已提出改善措施，將於後續各期追蹤至結案。"), form, ""
        if op == "update":
            changed = services.corrective_action_update(
                action=action,
                what=data["what"],
                who=data["who"],
                due=data["due"],
                actor=request.user,
            )
            return (_("已修改改善措施。") if changed else _("沒有變更。")), form, ""
        if op == "follow":
            services.corrective_action_follow_up(
                action=action, period=period, note=data["note"], actor=request.user
            )
            return _("已記錄 %(code)s 追蹤情形。") % {"code": period.code}, form, ""
        services.corrective_action_close(
            action=action, period=period, note=data["closing_note"], actor=request.user
        )
        return _("改善措施已結案。"), form, ""
    except GuankaoError as refusal:
        return "", form, str(refusal)
