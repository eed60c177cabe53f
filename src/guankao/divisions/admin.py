from __future__ import annotations

from django.contrib import admin

from guankao.core.admin import AuditedAdmin
from guankao.divisions.models import AgencyContact, DivisionTable, ServiceArea, Task


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


class AgencyContactInline(admin.TabularInline[AgencyContact, DivisionTable]):
    model = AgencyContact
    extra = 0
    fields = ["agency", "label", "name", "parent_name", "phone", "phone_e164", "phone_extension"]
    autocomplete_fields = ["agency"]


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
