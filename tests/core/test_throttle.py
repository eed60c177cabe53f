"""Sign-in throttling: repeated failures lock an account (and an address) for a while."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guankao.core.models import LoginAttempt
from guankao.core.throttle import locked_until, record_attempt

pytestmark = pytest.mark.django_db

PASSWORD = "correct-Horse-battery-9"
LOGIN = "/login/"  # core:login; src/guankao/urls.py also mounts it at /accounts/login/


@pytest.fixture
def user() -> User:
    return User.objects.create_user(username="reporter", password=PASSWORD)


def sign_in(client: Client, password: str, username: str = "reporter", **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_the_page_is_the_throttled_view() -> None:
    assert reverse("core:login") == LOGIN
    page = Client().get(LOGIN)
    assert page.status_code == 200
    assert 'name="password"' in page.content.decode()


def test_five_failures_lock_even_the_right_password(user: User) -> None:
    client = Client()
    for _ in range(5):
        response = sign_in(client, "wrong-password")
        assert response.status_code == 200
        assert "輸入正確的 使用者名稱 和密碼" in response.content.decode()
    locked = sign_in(client, PASSWORD)
    assert locked.status_code == 429
    assert "登入失敗次數過多，已暫時鎖定。請於 15 分鐘後再試" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # A refused attempt during the lock is not counted, so it does not extend the lock.
    assert LoginAttempt.objects.filter(username="reporter").count() == 5


def test_the_lock_ends(user: User) -> None:
    client = Client()
    for _ in range(5):
        sign_in(client, "wrong-password")
    # Sixteen minutes later (the attempts are moved back instead of waiting).
    for attempt in LoginAttempt.objects.all():
        LoginAttempt.objects.filter(pk=attempt.pk).update(
            created_at=attempt.created_at - datetime.timedelta(minutes=16)
        )
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_success_clears_earlier_failures(user: User) -> None:
    client = Client()
    for _ in range(4):
        sign_in(client, "wrong-password")
    assert sign_in(Client(), PASSWORD).status_code == 302
    for _ in range(4):
        sign_in(client, "wrong-password")
    assert sign_in(Client(), PASSWORD).status_code == 302


def test_usernames_are_counted_case_blind(user: User) -> None:
    client = Client()
    for name in ["reporter", "Reporter", "REPORTER", " reporter", "rePorter"]:
        sign_in(client, "wrong-password", username=name)
    assert sign_in(client, PASSWORD).status_code == 429


def test_many_failures_from_one_address_lock_the_address(user: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(20):
        sign_in(client, "wrong-password", username=f"guess{i}")
    assert sign_in(client, PASSWORD).status_code == 429
    # Someone else, elsewhere, is not affected.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), PASSWORD).status_code == 302


def test_failures_spread_over_more_than_the_window_do_not_lock() -> None:
    start = timezone.now() - datetime.timedelta(hours=2)
    for minutes in (0, 10, 20, 30, 40):  # five failures, never five within 15 minutes
        record_attempt(
            username="x",
            address=None,
            succeeded=False,
            now=start + datetime.timedelta(minutes=minutes),
        )
    assert (
        locked_until(username="x", address=None, now=start + datetime.timedelta(minutes=41)) is None
    )
    assert (
        locked_until(username="x", address=None, now=start + datetime.timedelta(minutes=12)) is None
    )


def test_the_lock_runs_from_the_last_failure() -> None:
    start = timezone.now() - datetime.timedelta(hours=1)
    for minutes in (0, 1, 2, 3, 10):
        record_attempt(
            username="y",
            address=None,
            succeeded=False,
            now=start + datetime.timedelta(minutes=minutes),
        )
    until = locked_until(username="y", address=None, now=start + datetime.timedelta(minutes=11))
    assert until == start + datetime.timedelta(minutes=25)


def test_sign_in_events_are_kept_for_the_retention_then_forgotten(settings: Any) -> None:
    """Sign-in events are logs: kept 180 days by default (LOGIN_EVENTS_KEEP_DAYS)."""
    now = timezone.now()
    for days in (179, 181):
        record_attempt(
            username="z", address=None, succeeded=True, now=now - datetime.timedelta(days=days)
        )
    record_attempt(username="z", address=None, succeeded=False)
    assert LoginAttempt.objects.filter(username="z").count() == 2
    settings.LOGIN_EVENTS_KEEP_DAYS = 30
    record_attempt(username="z", address=None, succeeded=False)
    assert LoginAttempt.objects.filter(username="z").count() == 2  # the two of today


def test_the_admin_sign_in_is_throttled_too(admin_user: User) -> None:
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "wrong-password"})
    response = client.post("/admin/login/", {"username": "admin", "password": "password"})
    assert "登入失敗次數過多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_settings_change_the_policy(user: User, settings: Any) -> None:
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    settings.LOGIN_LOCKOUT_MINUTES = 1
    client = Client()
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    locked = sign_in(client, PASSWORD)
    assert locked.status_code == 429
    assert "請於 1 分鐘後再試" in locked.content.decode()


def test_behind_a_proxy_the_configured_header_names_the_client(user: User, settings: Any) -> None:
    settings.LOGIN_CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    for i in range(20):
        sign_in(proxy, "wrong", username=f"guess{i}", HTTP_X_REAL_IP="203.0.113.9")
    assert sign_in(proxy, PASSWORD, HTTP_X_REAL_IP="203.0.113.9").status_code == 429
    # Another person behind the same proxy can still sign in.
    assert sign_in(proxy, PASSWORD, HTTP_X_REAL_IP="198.51.100.7").status_code == 302
