from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from guankao.core.admin import AuditedAdmin
from guankao.divisions.models import (
    AgencyContact,
    DivisionTable,
    Hotline,
    HotlineHours,
    ServiceArea,
    Task,
)


@admin.register(ServiceArea)
class ServiceAreaAdmin(AuditedAdmin):
    list_display = ["name", "slug", "is_national", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]


class TaskInline(admin.TabularInline[Task, DivisionTable]):
    model = Task
    extra = 0
    # The audience is the staff's override of what the import guessed (decision 0075).
    fields = ["position", "agency", "number", "area", "text", "audience", "co_leads"]
    autocomplete_fields = ["agency", "co_leads"]


class AgencyContactInline(admin.StackedInline[AgencyContact, DivisionTable]):
    """What the version prints for each agency and how to go there (decisions 0064, 0078).

    Editable while the version is a draft; a published version is history and shows them
    read-only (decision 0066): a correction goes into a new version.
    """

    model = AgencyContact
    extra = 0
    fields = [
        ("agency", "label", "name", "parent_name"),
        ("phone", "phone_e164", "phone_extension"),
        "address",
        ("opening_hours", "hours_note"),
        ("counter_languages", "walk_in"),
    ]
    autocomplete_fields = ["agency"]

    def _draft(self, obj: DivisionTable | None) -> bool:
        return obj is None or obj.is_draft

    def has_add_permission(self, request: HttpRequest, obj: DivisionTable | None = None) -> bool:
        return super().has_add_permission(request, obj) and self._draft(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._draft(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._draft(obj)


class HotlineHoursInline(admin.TabularInline[HotlineHours, Hotline]):
    model = HotlineHours
    extra = 0
    fields = ["position", "language", "weekdays", "opens", "closes", "note"]


@admin.register(Hotline)
class HotlineAdmin(AuditedAdmin):
    """The hotlines and their language schedules, which staff correct here (decision 0078);
    the public pages of every server show a correction at once (decision 0083)."""

    list_display = ["name", "number", "jurisdiction", "urgent", "position"]
    list_filter = ["jurisdiction", "urgent"]
    search_fields = ["name", "number", "slug"]
    inlines = [HotlineHoursInline]


@admin.register(DivisionTable)
class DivisionTableAdmin(AuditedAdmin):
    list_display = ["title", "jurisdiction", "version", "status", "published_on"]
    list_filter = ["jurisdiction", "status"]
    # Publication goes through ``division_table_publish`` (the CLI or the staff page), which
    # checks the date and audits it; the admin shows it only (decision 0066).
    readonly_fields = ["status", "published_on"]
    inlines = [TaskInline, AgencyContactInline]


@admin.register(Task)
class TaskAdmin(AuditedAdmin):
    list_display = ["agency", "number", "area", "text", "audience", "table"]
    list_filter = ["table", "area", "audience", "agency"]
    search_fields = ["text", "agency__label"]
    list_select_related = ["agency", "area", "table", "table__jurisdiction"]
    autocomplete_fields = ["agency", "co_leads"]
