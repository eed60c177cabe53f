"""django-otp's device apps as guankao installs them (``INSTALLED_APPS``): their admin pages are
replaced by audited ones that never show or log a device's secret (decision 0056: every admin
page is audited). Administrators list devices and delete a lost one; the account then enrols
again at its next sign-in."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _device_admin() -> type[admin.ModelAdmin[Any]]:
    from guankao.core.admin import AuditedAdmin
    from guankao.core.services import audit_record

    def _before(obj: Any) -> dict[str, Any]:
        return {"user": obj.user.get_username(), "name": obj.name, "confirmed": obj.confirmed}

    class DeviceAdmin(AuditedAdmin):
        """Listed, shown (without the key) and deleted; added only by enrolling."""

        list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
        list_filter = ["confirmed"]
        search_fields = ["user__username", "name"]
        list_select_related = ["user"]
        fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
        readonly_fields = ["user", "name", "confirmed", "created_at", "last_used_at"]

        def has_add_permission(self, request: HttpRequest) -> bool:
            return False

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

        def delete_model(self, request: HttpRequest, obj: Any) -> None:
            audit_record(actor=request.user, action="admin_delete", obj=obj, before=_before(obj))
            obj.delete()

        def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
            for obj in queryset.select_related("user"):
                audit_record(
                    actor=request.user, action="admin_delete", obj=obj, before=_before(obj)
                )
            queryset.delete()

    return DeviceAdmin


def _replace_admin(model: type[Model]) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, _device_admin())


class TOTPConfig(AppConfig):
    name = "django_otp.plugins.otp_totp"
    label = "otp_totp"
    verbose_name = _("兩步驟驗證：驗證器 App")
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        # The admin's autodiscovery (AdminConfig.ready, first in INSTALLED_APPS) ran already.
        _replace_admin(self.get_model("TOTPDevice"))


class StaticConfig(AppConfig):
    name = "django_otp.plugins.otp_static"
    label = "otp_static"
    verbose_name = _("兩步驟驗證：備用碼")
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        _replace_admin(self.get_model("StaticDevice"))
