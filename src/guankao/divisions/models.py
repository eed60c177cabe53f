"""Division-of-labour tables (分工表): service areas, versions and numbered tasks."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guankao.core.models import Agency, Jurisdiction
from guankao.tw import Phone, YearMonth, format_roc_date


class ServiceArea(models.Model):
    """A 項目 of the 新住民照顧服務措施: one of the eight national areas or a local one."""

    slug = models.SlugField(_("代碼"), max_length=40, unique=True)
    name = models.CharField(_("名稱"), max_length=40, unique=True)
    is_national = models.BooleanField(_("全國性項目"), default=False)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("服務項目")
        verbose_name_plural = _("服務項目")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class TableStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公開")


class DivisionTableQuerySet(models.QuerySet["DivisionTable"]):
    def for_jurisdiction(self, slug: str) -> DivisionTableQuerySet:
        return self.filter(jurisdiction__slug=slug)

    def latest_first(self) -> DivisionTableQuerySet:
        return self.order_by("-effective_month")

    def published(self, on: datetime.date) -> DivisionTableQuerySet:
        """Versions the public may see on ``on``: published, with a publication date reached."""
        return self.filter(status=TableStatus.PUBLISHED, published_on__lte=on)

    def in_force(self, on: datetime.date) -> DivisionTable | None:
        """The newest version published by ``on`` (Asia/Taipei's date): the public one."""
        return self.published(on).latest_first().first()


class DivisionTable(models.Model):
    """One version of a jurisdiction's 分工表, named by ROC year.month (``112.7``)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="division_tables",
        verbose_name=_("縣市"),
    )
    title = models.CharField(_("標題"), max_length=120)
    effective_month = models.DateField(
        _("版本年月"), help_text=_("版本的月份（西元日期，取該月一日）；畫面以民國年月顯示。")
    )
    status = models.CharField(
        _("狀態"), max_length=10, choices=TableStatus.choices, default=TableStatus.DRAFT
    )
    published_on = models.DateField(
        _("公開日期"),
        null=True,
        blank=True,
        help_text=_("自這一天（臺北時間）起公開；草稿沒有公開日期。"),
    )

    objects = DivisionTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("分工表")
        verbose_name_plural = _("分工表")
        ordering = ["jurisdiction__slug", "-effective_month"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "effective_month"], name="division_table_version_unique"
            ),
            # A published version says from when; a draft has no date yet.
            models.CheckConstraint(
                condition=(Q(status=TableStatus.PUBLISHED) & Q(published_on__isnull=False))
                | (Q(status=TableStatus.DRAFT) & Q(published_on__isnull=True)),
                name="division_table_publication_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"

    def clean(self) -> None:
        if self.effective_month and self.effective_month.day != 1:
            raise ValidationError({"effective_month": _("版本年月須為該月一日。")})

    @property
    def version(self) -> str:
        """The version as the table prints it, e.g. ``112.7``."""
        return format_roc_date(self.year_month, "dot")

    @property
    def year_month(self) -> YearMonth:
        return YearMonth(self.effective_month.year, self.effective_month.month)

    @staticmethod
    def month_of(version: YearMonth) -> datetime.date:
        return datetime.date(version.year, version.month, 1)

    @property
    def is_draft(self) -> bool:
        return self.status == TableStatus.DRAFT

    def previous_published(self) -> DivisionTable | None:
        """The newest published version before this one: what a draft is compared with."""
        return (
            DivisionTable.objects.filter(
                jurisdiction_id=self.jurisdiction_id,
                status=TableStatus.PUBLISHED,
                effective_month__lt=self.effective_month,
            )
            .latest_first()
            .first()
        )


class AgencyContactQuerySet(models.QuerySet["AgencyContact"]):
    def of_table(self, table: DivisionTable) -> AgencyContactQuerySet:
        return self.filter(table=table)


class AgencyContact(models.Model):
    """How one table version prints one agency: its name, label and phone as of that version.

    The agency row holds today's values; a version keeps its own, so a later version (a new
    phone, a renamed office) never changes what an older one prints (decision 0064).
    """

    table = models.ForeignKey(
        DivisionTable, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("分工表")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("機關")
    )
    label = models.CharField(_("表列名稱"), max_length=120)
    name = models.CharField(_("名稱"), max_length=80)
    parent_name = models.CharField(_("上級機關名稱"), max_length=80, blank=True)
    phone = models.CharField(_("電話（原寫法）"), max_length=60, blank=True)
    phone_e164 = models.CharField(_("電話（E.164）"), max_length=20, blank=True)
    phone_extension = models.CharField(_("分機"), max_length=10, blank=True)

    objects = AgencyContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("機關聯絡資料（版本）")
        verbose_name_plural = _("機關聯絡資料（版本）")
        ordering = ["table", "label"]
        constraints = [
            models.UniqueConstraint(fields=["table", "agency"], name="agency_contact_unique"),
            models.CheckConstraint(
                condition=Q(phone="") | ~Q(phone_e164=""), name="agency_contact_phone_normalised"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.phone or '—'}）"

    @property
    def parsed_phone(self) -> Phone | None:
        """The phone as a value object, or None when the version prints none."""
        if not self.phone:
            return None
        return Phone(as_written=self.phone, e164=self.phone_e164, extension=self.phone_extension)


class TaskAudience(models.TextChoices):
    """Whom a task serves: the public, or the government itself (decision 0075)."""

    PUBLIC = "public", _("對外服務")
    INTERNAL = "internal", _("內部業務（不對外服務）")


class TaskQuerySet(models.QuerySet["Task"]):
    def in_table_order(self) -> TaskQuerySet:
        return self.order_by("position")

    def public(self) -> TaskQuerySet:
        """Tasks a member of the public can ask for (not staff training, committees …)."""
        return self.filter(audience=TaskAudience.PUBLIC)

    def with_related(self) -> TaskQuerySet:
        return self.select_related("agency", "agency__parent", "area").prefetch_related("co_leads")


class Task(models.Model):
    """A numbered 業務內容 of one agency in one table version, in one service area."""

    table = models.ForeignKey(
        DivisionTable, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("分工表")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("主辦單位")
    )
    number = models.PositiveSmallIntegerField(_("編號"))
    numbered = models.BooleanField(
        _("表上有編號"), default=True, help_text=_("機關只有一項業務時，原表不印編號。")
    )
    area = models.ForeignKey(
        ServiceArea, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("項目")
    )
    text = models.TextField(_("業務內容"))
    position = models.PositiveIntegerField(_("表內順序"))
    audience = models.CharField(
        _("服務對象"),
        max_length=10,
        choices=TaskAudience.choices,
        default=TaskAudience.PUBLIC,
        help_text=_(
            "內部業務（人員訓練、師資研習、委員會與聯繫會議、媒體聯繫）不出現在民眾查詢的答案裡。"
        ),
    )
    co_leads = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="co_led_tasks",
        verbose_name=_("共同主辦單位"),
        help_text=_("同一項業務也由這些機關辦理。"),
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("業務內容")
        verbose_name_plural = _("業務內容")
        ordering = ["table", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "agency", "number"], name="task_number_unique_per_agency"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="task_number_positive"),
            models.CheckConstraint(condition=~Q(text=""), name="task_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.label} {self.number}. {self.text[:30]}"
