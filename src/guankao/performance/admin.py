from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from guankao.core.admin import AuditedAdmin
from guankao.core.models import Agency
from guankao.performance.models import (
    Indicator,
    KeyAchievement,
    Measure,
    PerformanceReport,
    Plan,
    ShortfallReview,
)
from guankao.performance.services import LOCKED_STATUSES


def _year_of(obj: models.Model) -> tuple[Agency, int] | None:
    """The department and Gregorian year whose report governs ``obj``."""
    if isinstance(obj, PerformanceReport):
        return obj.department, obj.year
    if isinstance(obj, KeyAchievement):
        return obj.report.department, obj.report.year
    plan = (
        obj
        if isinstance(obj, Plan)
        else obj.plan
        if isinstance(obj, Indicator)
        else obj.indicator.plan
        if isinstance(obj, Measure)
        else obj.measure.indicator.plan
        if isinstance(obj, ShortfallReview)
        else None
    )
    return (plan.department, plan.year) if plan is not None else None


def locked(obj: models.Model | None) -> bool:
    """Whether ``obj`` belongs to a year whose report is final or published (decision 0067):
    the admin shows it read-only, as every other write path refuses it."""
    where = _year_of(obj) if obj is not None else None
    if where is None:
        return False
    department, year = where
    return PerformanceReport.objects.filter(
        department=department, year=year, status__in=LOCKED_STATUSES
    ).exists()


class LockedYearMixin:
    """No change or delete in the admin for a final or published year's rows."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not locked(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not locked(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Inlines are asked with their parent: no new rows under a locked one either.
        parent = args[0] if args else None
        return not locked(parent) and super().has_add_permission(request, *args)  # type: ignore[misc]


class IndicatorInline(LockedYearMixin, admin.StackedInline[Indicator, Plan]):
    model = Indicator
    extra = 0


@admin.register(Plan)
class PlanAdmin(LockedYearMixin, AuditedAdmin):
    list_display = ["number", "name", "department", "year", "budget_thousands", "reported_rate"]
    list_filter = ["department", "year", "control_code"]
    search_fields = ["name"]
    inlines = [IndicatorInline]


class MeasureInline(LockedYearMixin, admin.TabularInline[Measure, Indicator]):
    model = Measure
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(LockedYearMixin, AuditedAdmin):
    list_display = ["plan", "number", "text"]
    list_filter = ["plan__department", "plan__year"]
    search_fields = ["text", "standard_text", "achievement_text"]
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(LockedYearMixin, AuditedAdmin):
    list_display = ["label", "indicator", "kind", "target", "actual", "unit", "due", "done"]
    list_filter = ["kind", "indicator__plan__department", "indicator__plan__year"]
    search_fields = ["label"]


@admin.register(ShortfallReview)
class ShortfallReviewAdmin(LockedYearMixin, AuditedAdmin):
    list_display = ["measure", "reason", "improvement"]


class KeyAchievementInline(LockedYearMixin, admin.StackedInline[KeyAchievement, PerformanceReport]):
    model = KeyAchievement
    extra = 0


@admin.register(PerformanceReport)
class PerformanceReportAdmin(LockedYearMixin, AuditedAdmin):
    list_display = ["title", "department", "year", "status"]
    # The status moves only through the state machine (the report page, the API).
    readonly_fields = ["status", "correction_reason"]
    list_filter = ["status", "department"]
    inlines = [KeyAchievementInline]


@admin.register(KeyAchievement)
class KeyAchievementAdmin(LockedYearMixin, AuditedAdmin):
    list_display = ["report", "number", "title"]
