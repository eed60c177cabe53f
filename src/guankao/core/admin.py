"""Admin pages for corrections; writes made here are plain model saves (see docs/decisions)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from guankao.core.models import Agency, AuditEntry, Jurisdiction, LoginAttempt, Membership
from guankao.core.throttle import ThrottledAdminAuthenticationForm

# The admin's own sign-in page gets the same lockout as the site's.
admin.site.login_form = ThrottledAdminAuthenticationForm


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


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "role", "jurisdiction", "agency", "created_at"]
    list_filter = ["role", "jurisdiction"]
    search_fields = ["user__username", "agency__label"]
    list_select_related = ["user", "jurisdiction", "agency"]
    autocomplete_fields = ["user", "agency"]


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin[LoginAttempt]):
    list_display = ["created_at", "username", "ip_address", "succeeded"]
    list_filter = ["succeeded"]
    search_fields = ["username", "ip_address"]
    readonly_fields = [f.name for f in LoginAttempt._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
