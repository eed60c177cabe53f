"""Division-of-labour tables (分工表): service areas, versions and numbered tasks."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guankao.core.models import Agency, Jurisdiction
from guankao.divisions.hours import Hours, parse_hours
from guankao.tw import Phone, YearMonth, format_roc_date, parse_phone


def validate_hours(value: str) -> None:
    """Opening hours in the text form of ``divisions.hours`` (``1-5 09:00-17:00``)."""
    try:
        parse_hours(value)
    except ValueError as problem:
        raise ValidationError(
            _("服務時間寫法有誤：%(problem)s") % {"problem": problem}, code="hours"
        ) from None


def language_codes(value: str) -> tuple[str, ...]:
    """``zh-hant, vi`` → ("zh-hant", "vi"): the codes as written, without blanks or repeats."""
    codes = (c.strip().lower() for c in value.replace("，", ",").replace("、", ",").split(","))
    return tuple(dict.fromkeys(c for c in codes if c))


def validate_language_codes(value: str) -> None:
    """Every code is one of the site's languages (``settings.LANGUAGES``)."""
    known = {code for code, _name in settings.LANGUAGES}
    unknown = [c for c in language_codes(value) if c not in known]
    if unknown:
        raise ValidationError(
            _("不認識的語言代碼：%(codes)s（可用：%(known)s）")
            % {"codes": "、".join(unknown), "known": ", ".join(sorted(known))},
            code="language",
        )


def map_search_url(address: str) -> str:
    """A Google Maps search for ``address`` (its documented ``api=1`` form), or ""."""
    if not address.strip():
        return ""
    return "https://www.google.com/maps/search/?" + urlencode(
        {"api": "1", "query": address.strip()}
    )


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
    # What people need to go there (decision 0078). Blank where nobody has written it down:
    # nothing is guessed, the page then says nothing about it.
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opening_hours = models.CharField(
        _("服務時間"),
        max_length=200,
        blank=True,
        help_text=_(
            "星期（1＝週一…7＝週日）與時段，例如 1-5 08:30-12:00,13:30-17:30；多段以分號分隔。"
        ),
    )
    hours_note = models.CharField(
        _("服務時間備註"), max_length=120, blank=True, help_text=_("例如：國定假日休息。")
    )
    counter_languages = models.CharField(
        _("櫃檯使用語言"),
        max_length=120,
        blank=True,
        help_text=_("語言代碼，以逗號分隔，例如 zh-hant,vi,id。"),
    )
    walk_in = models.BooleanField(
        _("可直接前往"),
        default=False,
        help_text=_("新住民家庭服務中心等可不預約、直接前往的服務據點。"),
    )

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

    def clean(self) -> None:
        # Checked here, not as field validators: a migration would have to import them.
        problems: dict[str, ValidationError] = {}
        for name, check in (
            ("opening_hours", validate_hours),
            ("counter_languages", validate_language_codes),
        ):
            try:
                check(getattr(self, name))
            except ValidationError as problem:
                problems[name] = problem
        if problems:
            raise ValidationError(problems)

    @property
    def parsed_phone(self) -> Phone | None:
        """The phone as a value object, or None when the version prints none."""
        if not self.phone:
            return None
        return Phone(as_written=self.phone, e164=self.phone_e164, extension=self.phone_extension)

    @property
    def hours(self) -> tuple[Hours, ...]:
        """The opening hours as values (empty when not written)."""
        return parse_hours(self.opening_hours)

    @property
    def languages(self) -> tuple[str, ...]:
        """The counter's language codes, in the order written."""
        return language_codes(self.counter_languages)

    @property
    def map_url(self) -> str:
        """A map search for the address (empty without one)."""
        return map_search_url(self.address)


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


class HotlineQuerySet(models.QuerySet["Hotline"]):
    def national(self) -> HotlineQuerySet:
        return self.filter(jurisdiction__isnull=True)

    def with_hours(self) -> HotlineQuerySet:
        return self.prefetch_related("hours")


class Hotline(models.Model):
    """A telephone line people can call, national (1990, 113, 110) or a jurisdiction's own.

    Its language schedule (``HotlineHours``) is data staff correct in the admin: the page
    says 「現在可用越南語」 from it, in Asia/Taipei time (decision 0078).
    """

    slug = models.SlugField(_("代碼"), max_length=40, unique=True)
    number = models.CharField(_("號碼"), max_length=20)
    name = models.CharField(_("名稱"), max_length=80)
    note = models.CharField(_("說明"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotlines",
        verbose_name=_("縣市"),
        help_text=_("空白表示全國性專線。"),
    )
    urgent = models.BooleanField(
        _("緊急專線"), default=False, help_text=_("問題與暴力或危險有關時優先列出。")
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = HotlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("專線")
        verbose_name_plural = _("專線")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            parse_phone(self.number)
        except ValueError:
            raise ValidationError({"number": _("無法辨識的電話號碼。")}) from None


class HotlineHours(models.Model):
    """When a hotline answers in one language: weekdays, from–to, and a note (「有通譯」)."""

    hotline = models.ForeignKey(
        Hotline, on_delete=models.CASCADE, related_name="hours", verbose_name=_("專線")
    )
    language = models.CharField(_("語言"), max_length=10, help_text=_("語言代碼，例如 vi。"))
    weekdays = models.CharField(
        _("星期"), max_length=7, default="1234567", help_text=_("1＝週一…7＝週日，例如 12345。")
    )
    opens = models.TimeField(_("開始"), default=datetime.time(0, 0))
    closes = models.TimeField(
        _("結束"), default=datetime.time(0, 0), help_text=_("00:00 表示到午夜（24:00）。")
    )
    note = models.CharField(_("備註"), max_length=80, blank=True, help_text=_("例如：有通譯。"))
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("專線語言服務時間")
        verbose_name_plural = _("專線語言服務時間")
        ordering = ["hotline", "position", "pk"]
        constraints = [
            # ISO weekdays in order, each once: "12345", "67", "1234567".
            models.CheckConstraint(
                condition=Q(weekdays__regex=r"^1?2?3?4?5?6?7?$") & ~Q(weekdays=""),
                name="hotline_hours_weekdays",
            ),
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")) | Q(closes=datetime.time(0, 0)),
                name="hotline_hours_closes_after_opens",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hotline.number} {self.language} {self.weekdays} {self.opens}–{self.closes}"

    def clean(self) -> None:
        if "," in self.language:
            raise ValidationError({"language": _("一列只寫一種語言。")})
        try:
            validate_language_codes(self.language)
        except ValidationError as problem:
            raise ValidationError({"language": problem}) from None

    @property
    def as_hours(self) -> Hours:
        return Hours(frozenset(int(d) for d in self.weekdays), self.opens, self.closes)
