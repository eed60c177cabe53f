"""Admin pages for corrections; writes made here are plain model saves (see docs/decisions)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from guankao.core.models import Agency, AuditEntry, Jurisdiction


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin[Jurisdiction]):
    list_display = ["name", "slug", "area_code"]
    search_fields = ["name", "slug"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["label", "jurisdiction", "kind", "phone", "phone_e164", "phone_extension"]
    list_filter = ["jurisdiction", "kind"]
    search_fields = ["label", "name", "slug", "phone"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["parent"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["created_at", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_label"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
