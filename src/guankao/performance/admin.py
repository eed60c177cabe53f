from __future__ import annotations

from django.contrib import admin

from guankao.core.admin import AuditedAdmin
from guankao.performance.models import (
    Indicator,
    KeyAchievement,
    Measure,
    PerformanceReport,
    Plan,
    ShortfallReview,
)


class IndicatorInline(admin.StackedInline[Indicator, Plan]):
    model = Indicator
    extra = 0


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["number", "name", "department", "year", "budget_thousands", "reported_rate"]
    list_filter = ["department", "year", "control_code"]
    search_fields = ["name"]
    inlines = [IndicatorInline]


class MeasureInline(admin.TabularInline[Measure, Indicator]):
    model = Measure
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["plan", "number", "text"]
    list_filter = ["plan__department", "plan__year"]
    search_fields = ["text", "standard_text", "achievement_text"]
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(AuditedAdmin):
    list_display = ["label", "indicator", "kind", "target", "actual", "unit", "due", "done"]
    list_filter = ["kind", "indicator__plan__department", "indicator__plan__year"]
    search_fields = ["label"]


@admin.register(ShortfallReview)
class ShortfallReviewAdmin(AuditedAdmin):
    list_display = ["measure", "reason", "improvement"]


class KeyAchievementInline(admin.StackedInline[KeyAchievement, PerformanceReport]):
    model = KeyAchievement
    extra = 0


@admin.register(PerformanceReport)
class PerformanceReportAdmin(AuditedAdmin):
    list_display = ["title", "department", "year", "status"]
    list_filter = ["status", "department"]
    inlines = [KeyAchievementInline]


@admin.register(KeyAchievement)
class KeyAchievementAdmin(AuditedAdmin):
    list_display = ["report", "number", "title"]
