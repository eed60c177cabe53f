"""Content translations of the division table: a translation memory keyed by the source text.

A translation belongs to a piece of Traditional Chinese source text (an area's name, an agency's
name, a task's text), not to a row. A new table version copied from an old one therefore keeps
every translation whose source did not change (decision 0020). When a task's text changes, the
old text's translations are copied to the new text as *outdated*, naming the old text, until a
person reviews them (decision 0065): a translation is current (reviewed), outdated, a machine
draft, or missing (no row).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guankao.core.models import Jurisdiction
from guankao.core.permissions import Scope
from guankao.directory.languages import BY_CODE, TARGET_CODES
from guankao.divisions.models import Task


class ContentKind(models.TextChoices):
    JURISDICTION = "place", _("縣市")
    AREA = "area", _("項目")
    AGENCY = "agency", _("機關")
    TASK = "task", _("業務內容")


class TranslationStatus(models.TextChoices):
    DRAFT = "draft", _("機器草稿（尚未審閱）")
    REVIEWED = "reviewed", _("已審閱（現行）")
    OUTDATED = "outdated", _("過時（原文已修改）")


LANGUAGE_CHOICES = [(code, BY_CODE[code].name) for code in TARGET_CODES]


class ContentTranslationQuerySet(models.QuerySet["ContentTranslation"]):
    def in_language(self, code: str) -> ContentTranslationQuerySet:
        return self.filter(language=code)

    def of_kind(self, kind: str) -> ContentTranslationQuerySet:
        return self.filter(kind=kind)

    def drafts(self) -> ContentTranslationQuerySet:
        return self.filter(status=TranslationStatus.DRAFT)

    def outdated(self) -> ContentTranslationQuerySet:
        return self.filter(status=TranslationStatus.OUTDATED)

    def for_sources(self, sources: set[str]) -> ContentTranslationQuerySet:
        return self.filter(source__in=sources)


class ContentTranslation(models.Model):
    """The translation of one source text into one language, with its review status."""

    kind = models.CharField(_("類別"), max_length=10, choices=ContentKind.choices)
    source = models.TextField(_("原文（繁體中文）"))
    language = models.CharField(_("語言"), max_length=10, choices=LANGUAGE_CHOICES)
    text = models.TextField(_("譯文"))
    status = models.CharField(
        _("狀態"),
        max_length=10,
        choices=TranslationStatus.choices,
        default=TranslationStatus.DRAFT,
    )
    previous_source = models.TextField(
        _("修改前的原文"),
        blank=True,
        help_text=_("過時的譯文：原文修改前的文字，譯文是依它翻的。"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("審閱者"),
    )
    reviewed_at = models.DateTimeField(_("審閱時間"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)

    objects = ContentTranslationQuerySet.as_manager()

    class Meta:
        verbose_name = _("內容翻譯")
        verbose_name_plural = _("內容翻譯")
        ordering = ["kind", "language", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "source"], name="content_translation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(text="") & ~Q(source=""), name="content_translation_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(language__in=list(TARGET_CODES)),
                name="content_translation_target_language",
            ),
            # A reviewed translation names when it was reviewed; a draft names no review; an
            # outdated one keeps its old review, if any.
            models.CheckConstraint(
                condition=(Q(status=TranslationStatus.REVIEWED) & Q(reviewed_at__isnull=False))
                | (Q(status=TranslationStatus.DRAFT) & Q(reviewed_at__isnull=True))
                | Q(status=TranslationStatus.OUTDATED),
                name="content_translation_review_consistent",
            ),
            # An outdated translation says which text it was made for.
            models.CheckConstraint(
                condition=~Q(status=TranslationStatus.OUTDATED) | ~Q(previous_source=""),
                name="content_translation_outdated_names_old_text",
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.language}] {self.source[:20]} → {self.text[:30]}"

    @property
    def is_draft(self) -> bool:
        return self.status == TranslationStatus.DRAFT

    @property
    def is_outdated(self) -> bool:
        return self.status == TranslationStatus.OUTDATED

    def role_scopes(self) -> list[Scope]:
        """The jurisdictions whose tables print this source text, for the role matrix.

        The translation memory is shared, so an edit reaches every jurisdiction that uses the
        text: whoever edits it must hold the role in all of them. A text no table uses any more
        has the national scope (administrators only).
        """
        tasks = Task.objects.all()
        ids: models.QuerySet[Any, int]
        if self.kind == ContentKind.TASK:
            ids = tasks.filter(text=self.source).values_list("table__jurisdiction_id", flat=True)
        elif self.kind == ContentKind.AREA:
            ids = tasks.filter(area__name=self.source).values_list(
                "table__jurisdiction_id", flat=True
            )
        elif self.kind == ContentKind.AGENCY:
            ids = tasks.filter(
                Q(agency__label=self.source) | Q(co_leads__label=self.source)
            ).values_list("table__jurisdiction_id", flat=True)
        else:
            ids = Jurisdiction.objects.filter(name=self.source).values_list("pk", flat=True)
        found = sorted(set(ids))
        return [Scope(jurisdiction_id) for jurisdiction_id in found] or [Scope(None)]


# --- unanswered needs (decision 0082) ---------------------------------------------------------

# A question's text is kept only once this many weak searches asked it in the same month, language
# and jurisdiction; below it only a keyed digest is kept, and deleted once the month is over.
UNANSWERED_THRESHOLD = 3
UNANSWERED_MAX_TEXT = 100


class UnansweredNeedQuerySet(models.QuerySet["UnansweredNeed"]):
    def shown(self) -> UnansweredNeedQuerySet:
        """Rows that reached the threshold: the only ones with a text, the only ones shown."""
        return self.filter(count__gte=UNANSWERED_THRESHOLD).exclude(text="")

    def of_jurisdiction(self, slug: str) -> UnansweredNeedQuerySet:
        return self.filter(jurisdiction__slug=slug)

    def pending_before(self, month: datetime.date) -> UnansweredNeedQuerySet:
        """Digests of months before ``month`` that never reached the threshold."""
        return self.filter(month__lt=month.replace(day=1), count__lt=UNANSWERED_THRESHOLD)


class UnansweredNeed(models.Model):
    """How often, in one month, one language and one jurisdiction's directory, a question that
    found no good answer was asked: anonymous and aggregated (decision 0082).

    Nothing about the request is kept but the normalised text and the page's language: no
    address, no session, no time finer than the month. Below the threshold the text itself is
    not stored, only ``digest`` (an HMAC of the text under a key of the month), so a question
    asked once or twice never reaches the disk in a readable form.
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="+", verbose_name=_("縣市")
    )
    month = models.DateField(_("月份"), help_text=_("該月的第一天。"))
    language = models.CharField(
        _("語言"), max_length=10, choices=[(c, lang.name) for c, lang in BY_CODE.items()]
    )
    digest = models.CharField(_("摘要"), max_length=64)
    text = models.CharField(_("查詢內容（正規化）"), max_length=UNANSWERED_MAX_TEXT, blank=True)
    count = models.PositiveIntegerField(_("次數"), default=1)

    objects = UnansweredNeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("未獲解答的查詢")
        verbose_name_plural = _("未獲解答的查詢")
        ordering = ["-month", "-count", "text"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "month", "language", "digest"],
                name="unanswered_need_unique",
            ),
            # The privacy rule in the database itself: no text below the threshold.
            models.CheckConstraint(
                condition=Q(text="") | Q(count__gte=UNANSWERED_THRESHOLD),
                name="unanswered_need_text_only_from_threshold",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="unanswered_need_counted"),
        ]
        indexes = [models.Index(fields=["month", "count"], name="unanswered_need_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} [{self.language}] {self.text or '…'} × {self.count}"
