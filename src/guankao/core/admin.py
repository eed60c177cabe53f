"""Admin pages for corrections; writes made here are plain model saves (see docs/decisions)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from guankao.core.models import (
    Agency,
    ApiToken,
    AuditEntry,
    Jurisdiction,
    LoginAttempt,
    Membership,
)
from guankao.core.throttle import ThrottledAdminAuthenticationForm
from guankao.core.tokens import api_token_revoke

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


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Records kept as they were written: listed and shown, never added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_label"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are issued with ``guankao api_token create`` (the key is shown once, never stored);
    here they are listed and revoked."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "user__username"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke"]

    @admin.action(description=_("撤銷所選的 API 金鑰"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = sum(api_token_revoke(token=token, actor=request.user) for token in queryset)
        self.message_user(request, _("已撤銷 %(n)d 個 API 金鑰。") % {"n": revoked})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
