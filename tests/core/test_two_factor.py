"""Two-factor sign-in (TOTP) for administrators and coordinators, with recovery codes."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from guankao.core import two_factor
from guankao.core.models import Agency, AuditEntry, Jurisdiction, Membership, Role

pytestmark = pytest.mark.django_db

PASSWORD = "Coordinator-Passw0rd"
ENROL = "/accounts/two-factor/"
VERIFY = "/accounts/two-factor/verify/"


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the app shows now (or ``steps_ahead`` periods of 30 s later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def required(settings: Any) -> None:
    settings.GUANKAO_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code, then the right one at once
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def coordinator() -> User:
    user = User.objects.create_user("coordinator", password=PASSWORD)
    Membership.objects.create(
        user=user, role=Role.COORDINATOR, jurisdiction=Jurisdiction.objects.get(slug="keelung")
    )
    return user


@pytest.fixture
def reporter() -> User:
    user = User.objects.create_user("reporter", password=PASSWORD)
    agency = Agency.objects.filter(jurisdiction__slug="keelung").order_by("pk").first()
    Membership.objects.create(user=user, role=Role.REPORTER, agency=agency)
    return user


def signed_in(user: User) -> Client:
    """The password step, through the sign-in page."""
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD, "next": "/cycles/"}
    )
    assert response.status_code == 302 and response["Location"] == "/cycles/"
    return client


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    device = two_factor.totp_pending(user)
    codes = two_factor.enrol_confirm(user=user, device=device, token=code(device))
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def test_a_coordinator_without_a_device_is_sent_to_enrolment_first(
    required: None, coordinator: User
) -> None:
    client = signed_in(coordinator)
    response = client.get("/cycles/")
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next=%2Fcycles%2F"
    for other in ["/", "/performance/", "/admin/"]:
        assert client.get(other)["Location"].startswith(ENROL)
    api = client.get("/api/v1/cycles/submissions")
    assert api.status_code == 403 and "兩步驟驗證" in api.json()["detail"]


def test_enrolment_shows_the_qr_code_and_key_and_needs_the_right_code(
    required: None, coordinator: User
) -> None:
    client = signed_in(coordinator)
    page = client.get(f"{ENROL}?next=/cycles/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in html  # the address only inside the QR code
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert two_factor.secret_text(device) in html
    assert client.get(ENROL).content.decode().count(two_factor.secret_text(device)) == 1

    wrong = client.post(ENROL, {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "驗證碼不正確" in wrong.content.decode()
    assert client.get("/cycles/").status_code == 302

    done = client.post(ENROL, {"token": code(device), "next": "/cycles/"})
    assert done.status_code == 200
    html = done.content.decode()
    recovery = list(StaticToken.objects.filter(device__user=coordinator))
    assert len(recovery) == 10 and all(t.token in html for t in recovery)
    assert "只顯示這一次" in html
    # The session is verified: the site opens.
    assert client.get("/cycles/").status_code == 200
    assert AuditEntry.objects.filter(action="two_factor_enrol", object_repr="coordinator").exists()
    # The codes are not shown again.
    again = client.get(ENROL).content.decode()
    assert all(t.token not in again for t in recovery) and "尚有 10 組備用碼可用" in again


def test_sign_in_with_a_code_from_the_app(required: None, coordinator: User) -> None:
    device, _codes = enrolled(coordinator)
    client = signed_in(coordinator)
    response = client.get("/cycles/")
    assert response["Location"] == f"{VERIFY}?next=%2Fcycles%2F"
    assert client.get(response["Location"]).status_code == 200

    refused = client.post(VERIFY, {"token": "123456", "next": "/cycles/"})
    assert refused.status_code == 400 and "驗證碼不正確" in refused.content.decode()
    assert client.get("/cycles/").status_code == 302

    # The code used at enrolment cannot be replayed; the next period's code is accepted.
    accepted = client.post(VERIFY, {"token": code(device, 1), "next": "/cycles/"})
    assert accepted.status_code == 302 and accepted["Location"] == "/cycles/"
    assert client.get("/cycles/").status_code == 200


def test_an_outside_next_is_not_followed(required: None, coordinator: User) -> None:
    device, _codes = enrolled(coordinator)
    client = signed_in(coordinator)
    response = client.post(VERIFY, {"token": code(device, 1), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_recovery_code_works_once(required: None, coordinator: User) -> None:
    _device, codes = enrolled(coordinator)
    first = signed_in(coordinator)
    response = first.post(VERIFY, {"token": codes[0].upper(), "next": "/cycles/"})
    assert response.status_code == 302 and response["Location"] == "/cycles/"
    assert first.get("/cycles/").status_code == 200
    assert AuditEntry.objects.filter(action="two_factor_recovery_code_used").count() == 1

    second = signed_in(coordinator)
    again = second.post(VERIFY, {"token": codes[0], "next": "/cycles/"})
    assert again.status_code == 400
    assert second.get("/cycles/").status_code == 302
    assert second.post(VERIFY, {"token": codes[1]}).status_code == 302
    assert two_factor.recovery_codes_left(coordinator) == 8


def test_new_recovery_codes_replace_the_old(required: None, coordinator: User) -> None:
    device, codes = enrolled(coordinator)
    client = signed_in(coordinator)
    client.post(VERIFY, {"token": code(device, 1)})
    page = client.post("/accounts/two-factor/recovery-codes/")
    assert page.status_code == 200
    assert two_factor.recovery_codes_left(coordinator) == 10
    assert codes[0] not in page.content.decode()
    assert two_factor.verify(user=coordinator, token=codes[0]) is None


def test_not_required_for_a_reporter(required: None, reporter: User) -> None:
    assert not two_factor.two_factor_required(reporter)
    assert signed_in(reporter).get("/cycles/").status_code == 200


def test_not_required_when_the_setting_is_off(settings: Any, coordinator: User) -> None:
    settings.GUANKAO_REQUIRE_2FA = False
    assert not two_factor.two_factor_required(coordinator)
    assert signed_in(coordinator).get("/cycles/").status_code == 200


def test_required_for_administrators_and_the_admin_site(required: None) -> None:
    root = User.objects.create_superuser("root", password=PASSWORD)
    admin_role = User.objects.create_user("admin-role", password=PASSWORD)
    Membership.objects.create(user=admin_role, role=Role.ADMIN)
    assert two_factor.two_factor_required(root) and two_factor.two_factor_required(admin_role)
    client = Client()
    client.force_login(root)
    response = client.get("/admin/auth/user/")
    assert response.status_code == 302 and response["Location"].startswith(ENROL)


def test_admins_see_devices_but_never_their_keys(settings: Any) -> None:
    root = User.objects.create_superuser("root", password=PASSWORD)
    device, _codes = enrolled(root)
    client = Client()
    client.force_login(root)
    listing = client.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200 and "root" in listing.content.decode()
    detail = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in detail and two_factor.secret_text(device) not in detail
    deleted = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    entry = AuditEntry.objects.get(action="admin_delete", object_type="otp_totp.totpdevice")
    assert device.key not in str(entry.before)
    assert not two_factor.has_device(root)
