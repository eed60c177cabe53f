"""Admin pages of reporting cycles, for administrators' corrections (decision 0005).

Statuses, versions and the kept history change only through ``cycles.services``: they are
read-only here, and revisions and reminders cannot be added, changed or deleted.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from guankao.core.admin import AuditedAdmin, ReadOnlyAdmin
from guankao.cycles.models import (
    Attachment,
    CorrectiveAction,
    CorrectiveActionUpdate,
    Reminder,
    ReportingPeriod,
    ReviewComment,
    Submission,
    SubmissionRevision,
)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(AuditedAdmin):
    list_display = ["code", "jurisdiction", "division_table", "department", "deadline", "is_sample"]
    list_filter = ["jurisdiction", "kind", "is_sample"]
    readonly_fields = ["code", "kind", "year", "index", "starts_on", "ends_on", "created_by"]
    list_select_related = ["jurisdiction", "division_table", "department"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Opening a period creates every agency's submission: use the 「開設填報期間」 page.
        return False


@admin.register(Submission)
class SubmissionAdmin(AuditedAdmin):
    list_display = ["period", "agency", "status", "version", "submitted_at", "is_sample"]
    list_filter = ["status", "period__jurisdiction", "period__code"]
    search_fields = ["agency__label"]
    list_select_related = ["period", "period__jurisdiction", "agency"]
    readonly_fields = [
        "period",
        "agency",
        "status",
        "version",
        "submitted_at",
        "submitted_by",
        "decided_at",
        "decided_by",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ReviewComment)
class ReviewCommentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "submission", "kind", "author", "body"]
    list_filter = ["kind"]
    list_select_related = ["submission__period", "submission__agency", "author"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "entry", "content_type", "size", "uploaded_at", "removed_at"]
    list_select_related = ["entry__task__agency"]


@admin.register(SubmissionRevision)
class SubmissionRevisionAdmin(ReadOnlyAdmin):
    list_display = ["submission", "number", "action", "created_by", "created_at"]
    list_select_related = ["submission__period", "submission__agency", "created_by"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["submission", "kind", "recipients", "sent_on", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["submission__period", "submission__agency"]


# Corrective actions are opened, followed up and closed on the early-warning pages (audited).
@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyAdmin):
    list_display = ["measure", "opened_in", "what", "who", "due", "status", "closed_in"]
    list_filter = ["status"]
    list_select_related = ["measure", "opened_in", "closed_in"]


@admin.register(CorrectiveActionUpdate)
class CorrectiveActionUpdateAdmin(ReadOnlyAdmin):
    list_display = ["action", "period", "note", "created_by", "created_at"]
    list_select_related = ["action__measure", "period", "created_by"]
