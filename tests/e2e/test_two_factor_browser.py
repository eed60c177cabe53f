"""Two-factor sign-in on a 360-px phone: enrol an authenticator, sign out, sign in with a code."""

from __future__ import annotations

import time
from base64 import b32decode
from typing import Any

import pytest
from django_otp.oath import TOTP

from guankao.cycles.demo import demo_password


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed in from the page."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def sign_in(page: Any, base: str) -> None:
    page.goto(base + "/cycles/")
    page.fill("#id_username", "demo-coordinator")
    page.fill("#id_password", demo_password("demo-coordinator"))
    page.get_by_role("button", name="登入").click()


@pytest.mark.django_db(transaction=True)
def test_enrol_sign_out_sign_in_with_a_code(live_demo: Any, phone_page: Any, settings: Any) -> None:
    settings.GUANKAO_REQUIRE_2FA = True
    base = live_demo.url
    page = phone_page

    sign_in(page, base)
    page.wait_for_url("**/accounts/two-factor/?next=%2Fcycles%2F")
    assert page.locator("figure.qr svg").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the enrolment page is {width}px wide on a 360-px phone"
    secret = page.locator("#totp-secret").inner_text()
    page.fill("#id_token", app_code(secret))
    page.get_by_role("button", name="完成設定").click()
    codes = page.locator("ol.recovery-codes li")
    assert codes.count() == 10
    page.get_by_role("link", name="我已保存備用碼，繼續").click()
    page.wait_for_url(base + "/cycles/")

    page.get_by_role("navigation", name="主選單").get_by_role("button", name="登出").click()
    page.wait_for_url(base + "/")
    sign_in(page, base)
    page.wait_for_url("**/accounts/two-factor/verify/?next=%2Fcycles%2F")
    # The code of the enrolment cannot be used twice: the app's next one.
    page.fill("#id_token", app_code(secret, 1))
    page.get_by_role("button", name="驗證").click()
    page.wait_for_url(base + "/cycles/")
    assert page.get_by_role("heading", level=1).is_visible()
