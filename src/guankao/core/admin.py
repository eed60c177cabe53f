"""Admin pages for corrections. Every change made here is audited like a service's write
(``AuditedAdmin``, decision 0056): who, when, what, before → after, inline rows included."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from guankao.core.accounts import IDLE_DAYS, idle_cutoff
from guankao.core.models import (
    Agency,
    ApiToken,
    AuditEntry,
    Jurisdiction,
    LoginAttempt,
    Membership,
)
from guankao.core.services import audit_record, snapshot
from guankao.core.throttle import ThrottledAdminAuthenticationForm
from guankao.core.tokens import api_token_revoke

# The admin's own sign-in page gets the same lockout as the site's.
admin.site.login_form = ThrottledAdminAuthenticationForm

# Never written to the log: a password hash is a secret even when hashed.
SECRET_FIELDS = frozenset({"password"})


def admin_snapshot(obj: Model) -> dict[str, Any]:
    """Every concrete and many-to-many field of ``obj`` as the audit log keeps it."""
    values: dict[str, Any] = snapshot(
        obj, [f.name for f in obj._meta.concrete_fields if f.name not in SECRET_FIELDS]
    )
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(item.pk for item in getattr(obj, field.name).all())
    for name in SECRET_FIELDS & {f.name for f in obj._meta.concrete_fields}:
        # A fingerprint of the stored hash: a change shows, the secret does not.
        values[name] = hashlib.sha256(str(getattr(obj, name)).encode()).hexdigest()[:12]
    return values


def _changed(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _stored(obj: Model) -> dict[str, Any] | None:
    """The row as the database holds it now (before the admin's save), or None when new."""
    if obj.pk is None:
        return None
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return admin_snapshot(stored) if stored is not None else None


class AuditedAdmin(admin.ModelAdmin[Any]):
    """A ModelAdmin whose adds, changes and deletes (one by one, in bulk, in inlines) are written
    to the audit log as ``admin_add`` / ``admin_change`` / ``admin_delete``."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Many-to-many fields are saved after the row: the entry is written in save_related.
        request._guankao_admin_before = _stored(obj)  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        _record(request, form.instance, getattr(request, "_guankao_admin_before", None))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        before = {
            f.instance.pk: _stored(f.instance)
            for f in formset.forms
            if f.instance.pk is not None and f.has_changed()
        }
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            _record(request, obj, None)
        for obj, _fields in formset.changed_objects:
            _record(request, obj, before.get(obj.pk))
        for obj in formset.deleted_objects:
            audit_record(
                actor=request.user, action="admin_delete", obj=obj, before=before.get(obj.pk)
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(actor=request.user, action="admin_delete", obj=obj, before=admin_snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit_record(
                actor=request.user, action="admin_delete", obj=obj, before=admin_snapshot(obj)
            )
        super().delete_queryset(request, queryset)


def _record(request: HttpRequest, obj: Model, before: dict[str, Any] | None) -> None:
    after = admin_snapshot(obj)
    if before is None:
        audit_record(actor=request.user, action="admin_add", obj=obj, after=after)
        return
    old, new = _changed(before, after)
    if new:
        audit_record(actor=request.user, action="admin_change", obj=obj, before=old, after=new)


admin.site.unregister(User)
admin.site.unregister(Group)


class IdleAccountFilter(admin.SimpleListFilter):
    """Accounts not signed in for 90 days (``guankao accounts review`` disables them)."""

    title = _("閒置")
    parameter_name = "idle"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("閒置 %(days)d 天以上") % {"days": IDLE_DAYS})]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() != "yes":
            return queryset
        cutoff = idle_cutoff()
        return queryset.filter(
            Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
        )


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin[User]):
    """Django's user pages, audited: a superuser flag is the administrator role."""

    list_display = ["username", "email", "first_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", IdleAccountFilter]

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            audit_record(actor=request.user, action="admin_password_set", obj=user)
        return response


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    pass


@admin.register(Jurisdiction)
class JurisdictionAdmin(AuditedAdmin):
    list_display = ["name", "slug", "area_code"]
    search_fields = ["name", "slug"]


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["label", "jurisdiction", "kind", "phone", "phone_e164", "phone_extension"]
    list_filter = ["jurisdiction", "kind"]
    search_fields = ["label", "name", "slug", "phone"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["parent"]


class ReadOnlyAdmin(AuditedAdmin):
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
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "jurisdiction", "agency", "created_at"]
    list_filter = ["role", "jurisdiction"]
    search_fields = ["user__username", "agency__label"]
    list_select_related = ["user", "jurisdiction", "agency"]
    autocomplete_fields = ["user", "agency"]


@admin.register(LoginAttempt)
class LoginAttemptAdmin(AuditedAdmin):
    list_display = ["created_at", "username", "ip_address", "succeeded"]
    list_filter = ["succeeded"]
    search_fields = ["username", "ip_address"]
    readonly_fields = [f.name for f in LoginAttempt._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
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
