"""Staff sessions end when idle (30 minutes) and after 12 hours; staff responses are not cached;
every page carries a Content-Security-Policy; the API docs load nothing from a CDN."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from guankao.core.session_limits import SEEN, STARTED

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]


def _age(client: Client, *, started: int = 0, seen: int = 0) -> None:
    session = client.session
    now = int(time.time())
    session[STARTED] = now - started
    session[SEEN] = now - seen
    session.save()


@pytest.fixture
def staff(client_for: ClientFor, django_user_model: Any) -> Client:
    django_user_model.objects.create_user("staff", password="x" * 12)
    client = client_for("staff")
    assert client.get("/cycles/").status_code in (200, 403)  # the session is now started
    return client


def test_an_idle_session_is_signed_out_and_the_page_asks_to_sign_in_again(staff: Client) -> None:
    _age(staff, started=31 * 60, seen=31 * 60)
    response = staff.get("/cycles/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/?next=/cycles/")
    assert "您已閒置超過 30 分鐘" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_a_session_used_all_day_ends_after_twelve_hours(staff: Client) -> None:
    _age(staff, started=12 * 3600 + 60, seen=60)
    response = staff.get("/cycles/")
    assert response.status_code == 302
    assert "登入已超過 12 小時" in staff.get(response["Location"]).content.decode()


def test_an_active_session_goes_on(staff: Client) -> None:
    _age(staff, started=11 * 3600, seen=29 * 60)
    assert staff.get("/cycles/").status_code != 302


def test_the_api_answers_401_json_for_an_expired_session(staff: Client) -> None:
    _age(staff, started=3600, seen=3600)
    response = staff.get("/api/v1/cycles/periods")
    assert response.status_code == 401
    assert "閒置" in response.json()["detail"]


def test_staff_responses_are_never_stored(staff: Client, client: Client) -> None:
    for path in ("/cycles/", "/performance/hsinchu-social/108/report.xlsx"):
        assert "no-store" in staff.get(path)["Cache-Control"]
    assert "no-store" not in client.get("/directory/keelung/").get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/", "/directory/keelung/", "/accounts/login/", "/api/v1/docs"])
def test_every_page_has_a_content_security_policy(client: Client, path: str) -> None:
    policy = client.get(path)["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_the_api_docs_load_nothing_from_elsewhere(client: Client) -> None:
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in page.lower() and "/static/ninja/swagger-ui-bundle" in page
