"""Annual performance plans (施政計畫): indicators, measures, shortfall reviews and the report."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from guankao.core.models import Agency, AppendOnlyModel
from guankao.tw import to_roc_year


class ControlCode(models.IntegerChoices):
    """管考方式代碼, as the report's footnote defines them."""

    ENGINEERING = 1, _("工程列管")
    FACILITIES = 2, _("基本設施列管")
    PRIVATE_PARTICIPATION = 3, _("促進民間參與公共建設列管")
    OTHER = 4, _("其他列管（請註明）")
    SELF_MANAGED = 5, _("自行列管")


class PlanQuerySet(models.QuerySet["Plan"]):
    def of(self, department: Agency) -> PlanQuerySet:
        return self.filter(department=department)

    def for_roc_year(self, roc_year: int) -> PlanQuerySet:
        return self.filter(year=roc_year + 1911)

    def with_measures(self) -> PlanQuerySet:
        return self.prefetch_related("indicators__measures__shortfall_review")


class Plan(models.Model):
    """A numbered 施政計畫 of a department for one year, with its budget and reported 執行率."""

    department = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="plans", verbose_name=_("機關")
    )
    year = models.PositiveSmallIntegerField(_("年度（西元）"))
    number = models.PositiveSmallIntegerField(_("編號"))
    name = models.CharField(_("計畫名稱"), max_length=200)
    budget_thousands = models.BigIntegerField(_("預算金額（千元）"))
    control_code = models.PositiveSmallIntegerField(
        _("管考代碼"), choices=ControlCode.choices, default=ControlCode.SELF_MANAGED
    )
    control_note = models.CharField(_("管考代碼註明"), max_length=200, blank=True)
    reported_rate = models.DecimalField(
        _("執行率（%，填報）"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    executed_thousands = models.BigIntegerField(
        _("執行數（千元）"),
        null=True,
        blank=True,
        help_text=_("預算實際執行金額；以預算執行率計算執行率時使用，可超過預算。"),
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("施政計畫")
        verbose_name_plural = _("施政計畫")
        ordering = ["department", "year", "number"]
        # The overviews read a year's plans of many departments: with the ids in the index,
        # PostgreSQL finds them without visiting the table (issue 14, decision 0088).
        indexes = [models.Index(fields=["year", "department"], include=["id"], name="plan_by_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "number"], name="plan_number_unique_per_year"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="plan_number_positive"),
            models.CheckConstraint(
                condition=Q(budget_thousands__gte=0), name="plan_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(control_code__gte=1, control_code__lte=5),
                name="plan_control_code_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(control_code=4) | ~Q(control_note=""),
                name="plan_control_code_4_needs_note",
            ),
            models.CheckConstraint(
                condition=Q(reported_rate__isnull=True) | Q(reported_rate__gte=0),
                name="plan_rate_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(executed_thousands__isnull=True) | Q(executed_thousands__gte=0),
                name="plan_executed_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.roc_year}年 {self.number}. {self.name}"

    @property
    def roc_year(self) -> int:
        return to_roc_year(self.year)

    def clean(self) -> None:
        # Translated messages for the rules the database constraints also enforce, so that a
        # form shows a sentence rather than the name of a violated constraint.
        errors: dict[str, StrOrPromise] = {}
        if self.control_code == ControlCode.OTHER and not self.control_note:
            errors["control_note"] = _("管考代碼 4（其他列管）須註明列管方式。")
        if self.budget_thousands is not None and self.budget_thousands < 0:
            errors["budget_thousands"] = _("預算金額不可為負數。")
        if self.executed_thousands is not None and self.executed_thousands < 0:
            errors["executed_thousands"] = _("執行數不可為負數。")
        if self.reported_rate is not None and self.reported_rate < 0:
            errors["reported_rate"] = _("執行率不可為負數。")
        if errors:
            raise ValidationError(errors)


class IndicatorSeries(models.Model):
    """One indicator followed across years: each year's 衡量指標 of a department that measures
    the same thing belongs to the same series (matched on import, corrected by staff). A shared
    ``code`` (e.g. a national indicator code) compares the same indicator across cities."""

    department = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="indicator_series", verbose_name=_("機關")
    )
    name = models.CharField(_("名稱"), max_length=200)
    code = models.CharField(
        _("指標代碼"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_("各縣市共用的指標代碼；相同代碼的指標可跨縣市比較。"),
    )

    class Meta:
        verbose_name = _("指標系列")
        verbose_name_plural = _("指標系列")
        ordering = ["department", "name"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A numbered 衡量指標 of a plan, with the standard's and the achievement's text as written."""

    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("施政計畫"),
        db_index=False,  # indicator_by_plan below
    )
    number = models.PositiveSmallIntegerField(_("編號"))
    text = models.TextField(_("衡量指標"))
    standard_text = models.TextField(_("衡量標準（原文）"))
    achievement_text = models.TextField(_("執行績效（原文）"), blank=True)
    series = models.ForeignKey(
        IndicatorSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("指標系列"),
    )

    class Meta:
        verbose_name = _("衡量指標")
        verbose_name_plural = _("衡量指標")
        ordering = ["plan", "number"]
        indexes = [models.Index(fields=["plan"], include=["id"], name="indicator_by_plan")]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="indicator_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="indicator_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.number}-{self.number}. {self.text}"


class MeasureKind(models.TextChoices):
    NUMERIC = "numeric", _("數量")
    MILESTONE = "milestone", _("里程碑")


class Measure(models.Model):
    """What one indicator promises and achieved: a number with a unit, or a dated milestone."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("衡量指標"),
        db_index=False,  # measure_lights_by_indicator below
    )
    position = models.PositiveSmallIntegerField(_("順序"))
    label = models.CharField(_("說明"), max_length=200)
    kind = models.CharField(
        _("類型"), max_length=10, choices=MeasureKind.choices, default=MeasureKind.NUMERIC
    )
    target = models.DecimalField(
        _("目標值"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    actual = models.DecimalField(
        _("實際值"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("單位"), max_length=10, blank=True)
    actual_unit = models.CharField(
        _("實際值單位"), max_length=10, blank=True, help_text=_("僅在與目標單位不同時填寫。")
    )
    due = models.DateField(_("預定完成日"), null=True, blank=True)
    done = models.DateField(_("實際完成日"), null=True, blank=True)
    # The plan's year and department, kept by the database itself (migration 0008's triggers,
    # on every insert and on any change of the indicator or the plan): counting a year's lights
    # then reads one index instead of joining plans and indicators (decision 0090). No Python
    # code writes them.
    plan_year = models.PositiveSmallIntegerField(null=True, editable=False)
    plan_department_id = models.BigIntegerField(null=True, editable=False)

    class Meta:
        verbose_name = _("衡量標準")
        verbose_name_plural = _("衡量標準")
        ordering = ["indicator", "position"]
        # Everything a light depends on, in the index: counting a year's lights then reads the
        # index alone on PostgreSQL (SQLite has no INCLUDE and gets the plain index).
        indexes = [
            models.Index(
                fields=["indicator"],
                include=["id", "kind", "target", "actual", "due", "done"],
                name="measure_lights_by_indicator",
            ),
            models.Index(
                fields=["plan_year", "plan_department_id"],
                include=["id", "kind", "target", "actual", "due", "done"],
                name="measure_lights_by_year",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "position"], name="measure_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gt=0), name="measure_target_positive"
            ),
            models.CheckConstraint(
                condition=Q(actual__isnull=True) | Q(actual__gte=0),
                name="measure_actual_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(kind="milestone", due__isnull=False)
                | Q(kind="numeric", target__isnull=False),
                name="measure_kind_has_its_target",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def target_value(self) -> int | Decimal | None:
        return _plain(self.target)

    @property
    def actual_value(self) -> int | Decimal | None:
        return _plain(self.actual)

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.kind == MeasureKind.NUMERIC:
            if self.target is None:
                errors["target"] = _("數量型衡量標準須有目標值。")
            elif self.target <= 0:
                # Achievement is actual ÷ target: a target of 0 has no meaning.
                errors["target"] = _("目標值須大於 0。")
            if not self.unit:
                errors["unit"] = _("數量型衡量標準須有單位。")
        if self.actual is not None and self.actual < 0:
            errors["actual"] = _("實際值不可為負數。")
        if self.kind == MeasureKind.MILESTONE and self.due is None:
            errors["due"] = _("里程碑須有預定完成日。")
        if errors:
            raise ValidationError(errors)


def _plain(value: Decimal | None) -> int | Decimal | None:
    """Counts are whole numbers; show them without the decimal places the column keeps."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


class ShortfallReview(models.Model):
    """未達原定標準之檢討: why a measure fell short and what will be done."""

    measure = models.OneToOneField(
        Measure,
        on_delete=models.CASCADE,
        related_name="shortfall_review",
        verbose_name=_("衡量標準"),
    )
    reason = models.TextField(_("未達成原因分析"), blank=True)
    improvement = models.TextField(_("改進措施"), blank=True)

    class Meta:
        verbose_name = _("未達原定標準之檢討")
        verbose_name_plural = _("未達原定標準之檢討")

    def __str__(self) -> str:
        return str(self.measure)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    FINAL = "final", _("定稿")
    PUBLISHED = "published", _("已公開")
    # A published report being corrected: the public still reads its last published revision.
    CORRECTING = "correcting", _("勘誤中")


# The statuses in which the public reads the report (from its last published revision).
PUBLIC_STATUSES = (ReportStatus.PUBLISHED, ReportStatus.CORRECTING)


class PerformanceReportQuerySet(models.QuerySet["PerformanceReport"]):
    def published(self) -> PerformanceReportQuerySet:
        """Reports the public may read: published, or published and being corrected."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def of(self, department: Agency) -> PerformanceReportQuerySet:
        return self.filter(department=department)

    def for_roc_year(self, roc_year: int) -> PerformanceReportQuerySet:
        return self.filter(year=roc_year + 1911)


class PublishedReportManager(models.Manager["PerformanceReport"]):
    """Only published reports: public pages read through this, so they cannot show a draft."""

    def get_queryset(self) -> PerformanceReportQuerySet:
        return PerformanceReportQuerySet(self.model, using=self._db).published()


class PerformanceReport(models.Model):
    """A department's annual 施政績效報告: 前言, key achievements and its status."""

    department = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="performance_reports", verbose_name=_("機關")
    )
    year = models.PositiveSmallIntegerField(_("年度（西元）"))
    title = models.CharField(_("標題"), max_length=200)
    preface = models.TextField(_("前言"))
    code_footnote = models.TextField(_("管考方式代碼說明"), blank=True)
    self_managed_text = models.TextField(
        _("自行列管績效（原文）"),
        blank=True,
        help_text=_("原報告的文字；報告產生時由資料重新產生。"),
    )
    status = models.CharField(
        _("狀態"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )

    correction_reason = models.TextField(
        _("勘誤原因"), blank=True, help_text=_("勘誤中的報告：公開勘誤版時印在勘誤說明。")
    )

    objects = PerformanceReportQuerySet.as_manager()
    public_objects = PublishedReportManager()

    class Meta:
        verbose_name = _("施政績效報告")
        verbose_name_plural = _("施政績效報告")
        ordering = ["department", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="report_unique_per_year"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def roc_year(self) -> int:
        return to_roc_year(self.year)


class RateMethod(models.TextChoices):
    """How a department's 執行率 is obtained (see docs/performance.md)."""

    REPORTED = "reported", _("依填報執行率")
    MEASURES = "measures", _("衡量標準達成度平均（每項上限 100%）")
    BUDGET = "budget", _("預算執行率（執行數 ÷ 預算數）")


class ReportRevision(AppendOnlyModel):
    """One published revision of a report, kept as it was published (decision 0067).

    ``data`` is the report model as published (JSON of ``ReportData``), from which the public page
    is drawn; its files hold each format's bytes as first published. Revision 1 is the first
    publication, each 勘誤 adds the next with its reason and the list of what changed. Rows are
    never updated or deleted (database triggers refuse it).
    """

    report = models.ForeignKey(
        PerformanceReport,
        on_delete=models.PROTECT,
        related_name="revisions",
        verbose_name=_("施政績效報告"),
    )
    number = models.PositiveSmallIntegerField(_("版次"))
    published_at = models.DateTimeField(_("公開時間"))
    reason = models.TextField(_("勘誤原因"), blank=True)
    changes = models.JSONField(_("勘誤內容"), default=list, blank=True)
    data = models.JSONField(_("報告內容"))
    # The 執行率 method of ``data``, kept beside it so that the overviews, which read it for
    # every report of a year, need not read each revision's whole JSON (issue 14). Nullable
    # only because a column with a default would make SQLite rebuild the table and lose its
    # append-only triggers; every revision is written with one.
    rate_method = models.CharField(  # noqa: DJ001 (see above)
        _("執行率計算方式"), max_length=20, choices=RateMethod.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = _("報告公開版次")
        verbose_name_plural = _("報告公開版次")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_revision_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="report_revision_positive"),
            # Every correction says why; the first publication has nothing to correct.
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""), name="report_revision_correction_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}（第 {self.number} 版）"


class ReportRevisionFile(AppendOnlyModel):
    """A format of a published revision, byte for byte as it was first served."""

    revision = models.ForeignKey(
        ReportRevision, on_delete=models.PROTECT, related_name="files", verbose_name=_("版次")
    )
    format = models.CharField(_("格式"), max_length=10)
    content = models.BinaryField(_("內容"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("報告公開版次檔案")
        verbose_name_plural = _("報告公開版次檔案")
        ordering = ["revision", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "format"], name="report_revision_file_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.revision}.{self.format}"


class KeyAchievement(models.Model):
    """One numbered item of 年度重要施政具體事蹟 (伍)."""

    report = models.ForeignKey(
        PerformanceReport,
        on_delete=models.CASCADE,
        related_name="achievements",
        verbose_name=_("施政績效報告"),
    )
    number = models.PositiveSmallIntegerField(_("編號"))
    title = models.CharField(_("標題"), max_length=200)
    body = models.TextField(_("內容"))

    class Meta:
        verbose_name = _("重要施政具體事蹟")
        verbose_name_plural = _("重要施政具體事蹟")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="achievement_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="achievement_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class LightLegend(models.Model):
    """A jurisdiction's 燈號 thresholds for the scorecard, in percent of target: green from
    ``green_at``, yellow from ``yellow_at``, red below (decision 0068). Without a row the
    defaults apply (100 and 80)."""

    jurisdiction = models.OneToOneField(
        "core.Jurisdiction",
        on_delete=models.CASCADE,
        related_name="light_legend",
        verbose_name=_("縣市"),
    )
    green_at = models.DecimalField(_("綠燈下限（%）"), max_digits=5, decimal_places=1, default=100)
    yellow_at = models.DecimalField(_("黃燈下限（%）"), max_digits=5, decimal_places=1, default=80)

    class Meta:
        verbose_name = _("燈號設定")
        verbose_name_plural = _("燈號設定")
        constraints = [
            models.CheckConstraint(
                condition=Q(yellow_at__gt=0) & Q(green_at__gt=models.F("yellow_at")),
                name="light_legend_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction}：{self.green_at}% / {self.yellow_at}%"


class DepartmentSettings(models.Model):
    """Per-department choices for the performance report; a department without a row uses the
    defaults (執行率 as reported)."""

    department = models.OneToOneField(
        Agency,
        on_delete=models.CASCADE,
        related_name="performance_settings",
        verbose_name=_("機關"),
    )
    rate_method = models.CharField(
        _("執行率計算方式"),
        max_length=10,
        choices=RateMethod.choices,
        default=RateMethod.REPORTED,
    )

    class Meta:
        verbose_name = _("施政績效設定")
        verbose_name_plural = _("施政績效設定")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_method__in=["reported", "measures", "budget"]),
                name="department_rate_method_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department}：{self.get_rate_method_display()}"
