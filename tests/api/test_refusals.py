"""Refusals before an endpoint runs: signed out (401), a session write without its CSRF token
(403), a body too big (413). Each is JSON in Traditional Chinese, as the OpenAPI says."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

SIGN_IN = "請先登入，或以 Authorization: Bearer 提供有效的 API 金鑰。"
WRITES = [
    ("post", "/api/v1/cycles/periods", '{"jurisdiction": "keelung"}'),
    ("post", "/api/v1/cycles/submissions/1/remind", ""),
    ("post", "/api/v1/cycles/submissions/1/transitions", '{"transition": "submit"}'),
    ("patch", "/api/v1/performance/measures/1", '{"actual": 1}'),
]


def _send(client: Client, method: str, url: str, body: str, **extra: str) -> object:
    return getattr(client, method)(url, body, content_type="application/json", **extra)


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
@pytest.mark.parametrize("authorization", [None, "Bearer gk_bogus", "Bearer ", "Basic eDp4"])
def test_a_write_without_a_person_is_401_not_csrf(
    method: str, url: str, body: str, authorization: str | None
) -> None:
    client = Client(enforce_csrf_checks=True)
    headers = {"Authorization": authorization} if authorization else {}
    response = getattr(client, method)(url, body, content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": SIGN_IN}


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_a_session_write_without_csrf_is_403_in_chinese(method: str, url: str, body: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("root", "root@example.gov.tw", "x"))
    response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert "CSRF" in detail and "X-CSRFToken" in detail and "Failed" not in detail


def test_a_session_write_with_its_csrf_token_passes_the_check() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("root", "root@example.gov.tw", "x"))
    token = "a" * 32  # a secret in the cookie; the header sends the same (as a form would)
    client.cookies["csrftoken"] = token
    response = client.patch(
        "/api/v1/performance/measures/999999",
        '{"actual": 1}',
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_body_over_the_limit_is_413_json(signed_in: bool) -> None:
    client = Client()
    if signed_in:
        client.force_login(User.objects.create_superuser("root", "root@example.gov.tw", "x"))
    body = '{"note": "' + "x" * (3 * 1024 * 1024) + '"}'
    response = client.patch("/api/v1/performance/measures/1", body, content_type="application/json")
    assert response.status_code == (413 if signed_in else 401)
    if signed_in:
        assert response.json() == {"detail": "請求內容太大：最多 2.5 MB。"}


def test_a_form_body_over_the_limit_is_413_json_too() -> None:
    """A form-encoded body is read by the CSRF check of a session write: still 413 JSON."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32  # the check then looks for the token in the form
    client.force_login(User.objects.create_superuser("root", "root@example.gov.tw", "x"))
    response = client.post(
        "/api/v1/cycles/periods",
        "a=" + "x" * (3 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert response.json()["detail"].startswith("請求內容太大")


def test_a_broken_form_body_is_400_json() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("root", "root@example.gov.tw", "x"))
    client.cookies["csrftoken"] = "a" * 32
    response = client.post(
        "/api/v1/cycles/periods", "--x\r\nbroken", content_type="multipart/form-data"
    )
    assert response.status_code in (400, 403)
    assert response["Content-Type"].startswith("application/json")
