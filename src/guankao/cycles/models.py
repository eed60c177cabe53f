"""Reporting periods (填報期間), each agency's submission (辦理情形) and its review.

A period asks the agencies of a division table (and/or a department, for its plans' measures)
for one submission each. A submission holds one entry per task and per measure; figures and
attachments hang off task entries. Statuses change only in ``cycles.services`` (see
``cycles.state``); every saved state is kept as a ``SubmissionRevision``.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guankao.core.models import Agency, AppendOnlyModel, Jurisdiction
from guankao.core.permissions import Scope
from guankao.divisions.models import DivisionTable, Task
from guankao.performance.models import Measure, MeasureKind
from guankao.tw import Period, to_roc_year


class PeriodKind(models.TextChoices):
    YEAR = "year", _("年度")
    HALF = "half", _("半年")
    QUARTER = "quarter", _("季")


class ReportingPeriodQuerySet(models.QuerySet["ReportingPeriod"]):
    def for_jurisdiction(self, slug: str) -> ReportingPeriodQuerySet:
        return self.filter(jurisdiction__slug=slug)

    def with_code(self, code: str) -> ReportingPeriodQuerySet:
        return self.filter(code=code)

    def latest_first(self) -> ReportingPeriodQuerySet:
        return self.order_by("-starts_on", "-pk")


class ReportingPeriod(models.Model):
    """A 填報期間 such as ``113H1``: who reports what, for which months, by which day."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="reporting_periods",
        verbose_name=_("縣市"),
    )
    code = models.CharField(_("期別"), max_length=8, help_text=_("例如 113H1、113Q2、113。"))
    kind = models.CharField(_("期別類型"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("年度（西元）"))
    index = models.PositiveSmallIntegerField(_("期數"))
    starts_on = models.DateField(_("期間起日"))
    ends_on = models.DateField(_("期間迄日"))
    deadline = models.DateField(_("填報截止日"))
    division_table = models.ForeignKey(
        DivisionTable,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reporting_periods",
        verbose_name=_("分工表"),
    )
    department = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_reporting_periods",
        verbose_name=_("施政計畫機關"),
        help_text=_("填寫時，該機關當年度施政計畫的衡量標準一併填報。"),
    )
    is_sample = models.BooleanField(_("示範資料"), default=False)
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("建立者"),
    )

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("填報期間")
        verbose_name_plural = _("填報期間")
        ordering = ["jurisdiction__slug", "-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(division_table__isnull=False) | Q(department__isnull=False),
                name="period_has_table_or_department",
            ),
            models.UniqueConstraint(
                fields=["jurisdiction", "code"],
                condition=Q(department__isnull=True),
                name="period_code_unique_per_jurisdiction",
            ),
            models.UniqueConstraint(
                fields=["department", "code"],
                condition=Q(department__isnull=False),
                name="period_code_unique_per_department",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="period_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind="year", index=1)
                | Q(kind="half", index__gte=1, index__lte=2)
                | Q(kind="quarter", index__gte=1, index__lte=4),
                name="period_index_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        subject = self.division_table.title if self.division_table else ""
        if self.department_id and not subject:
            subject = f"{self.department}施政計畫"
        return f"{self.code} {subject}".strip()

    @property
    def period(self) -> Period:
        """The period as a ``guankao.tw`` value (ROC year, kind, dates, name)."""
        return Period.of(to_roc_year(self.year), self.kind, self.index)

    @property
    def roc_year(self) -> int:
        return to_roc_year(self.year)

    def role_scope(self) -> Scope:
        """A department's own period belongs to the department; any other to the jurisdiction."""
        if self.department is not None and not self.division_table_id:
            return Scope(self.jurisdiction_id, self.department.pk, self.department.parent_id)
        return Scope(self.jurisdiction_id)

    def is_late_on(self, day: datetime.date) -> bool:
        """Whether ``day`` is after the deadline."""
        return day > self.deadline

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.division_table and self.division_table.jurisdiction_id != self.jurisdiction_id:
            errors["division_table"] = _("分工表不屬於這個縣市。")
        if self.department and self.department.jurisdiction_id != self.jurisdiction_id:
            errors["department"] = _("機關不屬於這個縣市。")
        if self.deadline and self.starts_on and self.deadline < self.starts_on:
            errors["deadline"] = _("截止日不能早於期間起日。")
        if errors:
            raise ValidationError(errors)


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已送出")
    RETURNED = "returned", _("退回修正")
    APPROVED = "approved", _("已核定")


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def of_agencies(self, agency_ids: list[int]) -> SubmissionQuerySet:
        return self.filter(agency_id__in=agency_ids)

    def waiting_for_agency(self) -> SubmissionQuerySet:
        """Still with the agency: a draft, or returned for correction."""
        return self.filter(status__in=[SubmissionStatus.DRAFT, SubmissionStatus.RETURNED])

    def with_scope(self) -> SubmissionQuerySet:
        """What a permission check and a list row need, in the same query."""
        return self.select_related(
            "agency", "agency__parent", "period", "period__jurisdiction", "period__department"
        )


class Submission(models.Model):
    """One agency's report for one period: its task entries and measure entries."""

    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("填報期間"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("機關")
    )
    status = models.CharField(
        _("狀態"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    # Optimistic concurrency: every write adds one; a save based on an older number is refused.
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_sample = models.BooleanField(_("示範資料"), default=False)
    submitted_at = models.DateTimeField(_("送出時間"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("送出者"),
    )
    decided_at = models.DateTimeField(_("審查時間"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("審查者"),
    )
    updated_at = models.DateTimeField(_("最後修改"), auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("填報")
        verbose_name_plural = _("填報")
        ordering = ["period", "agency__label"]
        constraints = [
            models.UniqueConstraint(fields=["period", "agency"], name="submission_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="submission_version_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["draft"]) | Q(submitted_at__isnull=False),
                name="submission_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period.code} {self.agency.label}"

    def role_scope(self) -> Scope:
        return Scope(self.period.jurisdiction_id, self.agency_id, self.agency.parent_id)

    @property
    def is_editable(self) -> bool:
        return self.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)

    def is_late_on(self, day: datetime.date) -> bool:
        """Late: still with the agency after the deadline, or sent after it."""
        if self.submitted_at is None or self.status == SubmissionStatus.RETURNED:
            return self.period.is_late_on(day)
        return self.period.is_late_on(timezone.localdate(self.submitted_at))


class TaskEntry(models.Model):
    """The agency's 辦理情形 for one task of the division table, with figures and attachments."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="task_entries", verbose_name=_("填報")
    )
    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="+", verbose_name=_("業務內容")
    )
    narrative = models.TextField(_("辦理情形"), blank=True)
    behind = models.BooleanField(_("進度落後"), default=False)
    behind_reason = models.TextField(_("落後原因及改進措施"), blank=True)

    class Meta:
        verbose_name = _("業務辦理情形")
        verbose_name_plural = _("業務辦理情形")
        ordering = ["submission", "task__position"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "task"], name="task_entry_unique"),
            models.CheckConstraint(
                condition=Q(behind=False) | ~Q(behind_reason=""),
                name="task_entry_behind_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.agency.label} {self.task.number}"

    @property
    def label(self) -> str:
        """How the task is named in messages: ``民政處 第1項``."""
        return str(
            _("%(agency)s 第%(number)s項")
            % {"agency": self.task.agency.label, "number": self.task.number}
        )


class Figure(models.Model):
    """A counted figure reported for a task: ``辦理場次 12場``."""

    entry = models.ForeignKey(
        TaskEntry, on_delete=models.CASCADE, related_name="figures", verbose_name=_("辦理情形")
    )
    position = models.PositiveSmallIntegerField(_("順序"))
    label = models.CharField(_("項目"), max_length=60, blank=True)
    value = models.DecimalField(_("數值"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("單位"), max_length=10)
    as_written = models.CharField(_("原填寫"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("數據")
        verbose_name_plural = _("數據")
        ordering = ["entry", "position"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "position"], name="figure_position_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="figure_value_not_negative"),
            models.CheckConstraint(condition=~Q(unit=""), name="figure_has_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.value}{self.unit}".strip()

    @property
    def plain_value(self) -> int | Decimal:
        value = self.value
        return int(value) if value == value.to_integral_value() else value.normalize()


class MeasureEntry(models.Model):
    """The actual to date of one measure of the department's plans."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="measure_entries",
        verbose_name=_("填報"),
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="+", verbose_name=_("衡量標準")
    )
    actual = models.DecimalField(
        _("累計實際值"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    done = models.DateField(_("實際完成日"), null=True, blank=True)
    note = models.TextField(_("說明"), blank=True)

    class Meta:
        verbose_name = _("衡量標準填報")
        verbose_name_plural = _("衡量標準填報")
        ordering = ["submission", "measure__indicator__plan__number", "measure__indicator__number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "measure"], name="measure_entry_unique"),
            models.CheckConstraint(
                condition=Q(actual__isnull=True) | Q(actual__gte=0),
                name="measure_entry_actual_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.measure)

    def expected_to_date(self, period: Period) -> Decimal | None:
        """The share of the yearly target due by the period's end (half of it after H1)."""
        if self.measure.kind != MeasureKind.NUMERIC or self.measure.target is None:
            return None
        return self.measure.target * period.elapsed_months / 12

    def is_shortfall(self, period: Period) -> bool:
        """Below the share of the target due so far, or a milestone due and not done in time."""
        measure = self.measure
        if measure.kind == MeasureKind.MILESTONE:
            if measure.due is None or measure.due > period.end:
                return False
            return self.done is None or self.done > measure.due
        expected = self.expected_to_date(period)
        return expected is not None and self.actual is not None and self.actual < expected


def stored_name(original: str) -> str:
    """A random file name with the original's extension: the original name is kept in the row,
    never used as a path on disk."""
    return f"{uuid.uuid4().hex}{PurePosixPath(original).suffix.lower()[:10]}"


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def current(self) -> AttachmentQuerySet:
        return self.filter(removed_at__isnull=True)


class Attachment(models.Model):
    """A file attached to a task entry. Removing it only marks it, so old versions keep it."""

    entry = models.ForeignKey(
        TaskEntry, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("辦理情形")
    )
    file = models.FileField(_("檔案"), upload_to="cycles/%Y/%m/", max_length=200)
    original_name = models.CharField(_("檔名"), max_length=200)
    content_type = models.CharField(_("檔案類型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（位元組）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上傳時間"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("上傳者"),
    )
    removed_at = models.DateTimeField(_("移除時間"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("移除者"),
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["entry", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("審查意見")
    RETURN = "return", _("退回理由")
    REOPEN = "reopen", _("重新開放理由")


class ReviewComment(models.Model):
    """A reviewer's or coordinator's comment on a task entry, or on the submission as a whole."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="comments", verbose_name=_("填報")
    )
    entry = models.ForeignKey(
        TaskEntry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("業務辦理情形"),
    )
    kind = models.CharField(
        _("類別"), max_length=10, choices=CommentKind.choices, default=CommentKind.COMMENT
    )
    body = models.TextField(_("內容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作者"),
    )
    created_at = models.DateTimeField(_("時間"), auto_now_add=True)

    class Meta:
        verbose_name = _("審查意見")
        verbose_name_plural = _("審查意見")
        ordering = ["submission", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_not_empty"),
        ]

    def __str__(self) -> str:
        return self.body[:40]


class SubmissionRevision(AppendOnlyModel):
    """Every saved state of a submission, numbered like ``Submission.version``. Never changed."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("填報")
    )
    number = models.PositiveIntegerField(_("版本"))
    action = models.CharField(_("動作"), max_length=20)
    snapshot = models.JSONField(_("內容"))
    created_at = models.DateTimeField(_("時間"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作者"),
    )

    class Meta:
        verbose_name = _("填報版本")
        verbose_name_plural = _("填報版本")
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} v{self.number}"


class ReminderKind(models.TextChoices):
    UPCOMING = "upcoming", _("截止前提醒")
    LATE = "late", _("逾期催報")
    MANUAL = "manual", _("手動催報")


class Reminder(models.Model):
    """An e-mail reminder that was sent, so the scheduled job does not send it twice."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("填報")
    )
    kind = models.CharField(_("類別"), max_length=10, choices=ReminderKind.choices)
    recipients = models.TextField(_("收件人"))
    sent_at = models.DateTimeField(_("寄送時間"))
    # The day the job acted for (``send_reminders --date`` may differ from the clock).
    sent_on = models.DateField(_("催報日"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("寄送者"),
    )

    class Meta:
        verbose_name = _("催報通知")
        verbose_name_plural = _("催報通知")
        ordering = ["submission", "-sent_at"]

    def __str__(self) -> str:
        return f"{self.submission} {self.kind} {self.sent_at:%Y-%m-%d}"


class CorrectiveActionStatus(models.TextChoices):
    OPEN = "open", _("追蹤中")
    CLOSED = "closed", _("已結案")


class CorrectiveActionQuerySet(models.QuerySet["CorrectiveAction"]):
    def open(self) -> CorrectiveActionQuerySet:
        return self.filter(status=CorrectiveActionStatus.OPEN)

    def of_department_year(self, department_id: int, year: int) -> CorrectiveActionQuerySet:
        return self.filter(
            measure__indicator__plan__department_id=department_id,
            measure__indicator__plan__year=year,
        )

    def shown_in(self, period: ReportingPeriod) -> CorrectiveActionQuerySet:
        """What a period's list follows up: opened by its end and still open, or closed in it."""
        return self.filter(opened_in__ends_on__lte=period.ends_on).filter(
            Q(status=CorrectiveActionStatus.OPEN) | Q(closed_in=period)
        )


class CorrectiveAction(models.Model):
    """An 改善措施 for a measure predicted to fall short: what, who, by when; followed up in
    every later period (a ``CorrectiveActionUpdate`` each) until it is closed."""

    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="+", verbose_name=_("衡量標準")
    )
    opened_in = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="corrective_actions_opened",
        verbose_name=_("提出期別"),
    )
    what = models.TextField(_("改善措施"))
    who = models.CharField(_("負責單位或人員"), max_length=200)
    due = models.DateField(_("預定完成日"))
    status = models.CharField(
        _("狀態"),
        max_length=10,
        choices=CorrectiveActionStatus.choices,
        default=CorrectiveActionStatus.OPEN,
    )
    opened_at = models.DateTimeField(_("提出時間"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提出者"),
    )
    closed_at = models.DateTimeField(_("結案時間"), null=True, blank=True)
    closed_in = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrective_actions_closed",
        verbose_name=_("結案期別"),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("結案者"),
    )
    closing_note = models.TextField(_("結案說明"), blank=True)

    objects = CorrectiveActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("改善措施")
        verbose_name_plural = _("改善措施")
        ordering = ["opened_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(what=""), name="corrective_action_has_what"),
            models.CheckConstraint(condition=~Q(who=""), name="corrective_action_has_who"),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False) & ~Q(closing_note=""),
                name="corrective_action_closed_has_time_and_note",
            ),
            # One open action per measure: the follow-up has one thread to continue.
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(status="open"),
                name="corrective_action_one_open_per_measure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}：{self.what[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status == CorrectiveActionStatus.OPEN

    @property
    def latest_update(self) -> CorrectiveActionUpdate | None:
        """The last follow-up written (from the prefetched updates when there are)."""
        updates = list(self.updates.all())
        return updates[-1] if updates else None

    def role_scope(self) -> Scope:
        """The measure's department: its coordinators and reporters, and the city's."""
        department = self.opened_in.department
        if department is None:
            return Scope(self.opened_in.jurisdiction_id)
        return Scope(self.opened_in.jurisdiction_id, department.pk, department.parent_id)


class CorrectiveActionUpdate(AppendOnlyModel):
    """One period's 追蹤 of a corrective action: what was done since. Never changed."""

    action = models.ForeignKey(
        CorrectiveAction,
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name=_("改善措施"),
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="+", verbose_name=_("期別")
    )
    note = models.TextField(_("追蹤情形"))
    created_at = models.DateTimeField(_("時間"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填寫者"),
    )

    class Meta:
        verbose_name = _("改善措施追蹤")
        verbose_name_plural = _("改善措施追蹤")
        ordering = ["action", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="corrective_update_has_note"),
        ]

    def __str__(self) -> str:
        return f"{self.action_id} {self.note[:30]}"
