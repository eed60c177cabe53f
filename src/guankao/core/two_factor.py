"""Two-factor sign-in (TOTP, django-otp) for administrators and coordinators.

After the password, an account that needs it (``two_factor_required``) either enrols an
authenticator app (``totp_pending`` → ``enrol_confirm``) or gives a code from it (``verify``);
``django_otp.login`` then marks the session as verified and ``core.middleware`` lets it through.
Ten single-use recovery codes (``otp_static``) are shown once, at enrolment. Decision 0059.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import (
    StaticDevice,
    StaticToken,
)
from django_otp.plugins.otp_totp.models import TOTPDevice

from guankao.core.models import Role
from guankao.core.permissions import roles_of
from guankao.core.services import audit_record

RECOVERY_CODE_COUNT = 10
TWO_FACTOR_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})


def two_factor_required(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether ``user`` must give a one-time code after the password: when
    ``GUANKAO_REQUIRE_2FA`` is on, for superusers, staff (the admin site) and anyone holding the
    administrator or coordinator role."""
    if not getattr(settings, "GUANKAO_REQUIRE_2FA", False) or not isinstance(user, User):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(roles_of(user) & TWO_FACTOR_ROLES)


def has_device(user: User) -> bool:
    """Whether the account has a confirmed authenticator app."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def totp_pending(user: User) -> TOTPDevice:
    """The authenticator the account is enrolling (created on first use, confirmed by its first
    code); the same one until then, so reloading the page keeps the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("驗證器 App"), confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as an app asks for it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` address as an inline SVG QR code (segno), to embed in the page."""
    svg: str = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=2, title=_("驗證器 App 設定用 QR 碼")
    )
    return svg


def _clean(token: str) -> str:
    return "".join(token.split()).lower()


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """Ten new single-use recovery codes (the old ones stop working); shown once, kept only in
    the database."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("備用碼"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(actor=user, action="two_factor_recovery_codes", obj=user)
    return codes


def enrol_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the pending authenticator with its first code; returns the recovery codes, or
    None when the code is wrong."""
    with transaction.atomic():
        if device.user_id != user.pk or device.confirmed:
            return None
        if not device.verify_token(_clean(token)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit_record(actor=user, action="two_factor_enrol", obj=user)
        return recovery_codes_issue(user=user)


def verify(*, user: User, token: str) -> Device | None:
    """The device that accepts ``token`` (a code from the app, or a recovery code, which is then
    used up), or None. Each device throttles repeated failures (django-otp)."""
    token = _clean(token)
    if not token:
        return None
    with transaction.atomic():
        # An app's code is six digits; a recovery code is eight letters and digits.
        if token.isdigit() and len(token) <= 8:
            for device in TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update():
                if len(token) == device.digits and device.verify_token(token):
                    return device
        for device in StaticDevice.objects.filter(user=user, confirmed=True).select_for_update():
            if device.verify_token(token):
                audit_record(actor=user, action="two_factor_recovery_code_used", obj=user)
                return device
    return None


def throttled(user: User) -> bool:
    """Whether the account's authenticator refuses codes for now after repeated failures."""
    return any(
        not device.verify_is_allowed()[0]
        for device in TOTPDevice.objects.filter(user=user, confirmed=True)
    )


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())
