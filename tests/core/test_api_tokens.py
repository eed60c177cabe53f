"""API tokens: issued once, stored as a hash, acting as their user with the user's roles, without
CSRF; revoked, wrong or of an inactive user → 401 JSON. The CLI and the admin manage them."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from guankao.core.models import ApiToken, AuditEntry
from guankao.core.tokens import api_token_create, api_token_revoke
from guankao.cycles.models import Submission

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str | None], Client]


@pytest.fixture
def demo(cycles_demo_once: list[tuple[str, str, str]]) -> None:
    """The demo accounts and sample period (loaded once for the module, see tests/conftest.py)."""


def issue(username: str, name: str = "填報系統介接") -> str:
    _, key = api_token_create(user=User.objects.get(username=username), name=name, actor=None)
    return key


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_the_key_is_shown_once_and_only_its_hash_is_kept(demo: None) -> None:
    token, key = api_token_create(
        user=User.objects.get(username="demo-coordinator"), name="介接", actor=None
    )
    assert key.startswith("gk_") and len(key) == 43
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in json.dumps([str(v) for v in vars(token).values()])
    assert token.prefix == key[:10]
    entry = AuditEntry.objects.filter(object_type="core.apitoken").get()
    assert (entry.action, entry.after) == (
        "create",
        {"user": "demo-coordinator", "name": "介接", "scope": "write"},
    )


def test_a_token_acts_as_its_user(demo: None, client_for: ClientFor) -> None:
    expected = client_for("demo-coordinator").get("/api/v1/cycles/submissions").json()
    answer = Client().get("/api/v1/cycles/submissions", headers=bearer(issue("demo-coordinator")))
    assert answer.status_code == 200
    # Every demo submission is Keelung's, which the coordinator covers.
    assert answer.json() == expected and len(expected) == Submission.objects.count() >= 11


def test_a_token_has_its_users_roles_only(demo: None) -> None:
    key = issue("demo-reporter-police")
    own = Submission.objects.get(agency__slug="keelung-police")
    other = Submission.objects.get(agency__slug="keelung-health")
    client = Client()
    assert (
        client.get(f"/api/v1/cycles/submissions/{own.pk}", headers=bearer(key)).status_code == 200
    )
    refused = client.get(f"/api/v1/cycles/submissions/{other.pk}", headers=bearer(key))
    assert refused.status_code in (403, 404) and "detail" in refused.json()


def test_writes_with_a_token_need_no_csrf_token_but_session_writes_do(demo: None) -> None:
    submission = Submission.objects.get(  # submitted
        agency__slug="keelung-civil-affairs", period__code="113H1"
    )
    url = f"/api/v1/cycles/submissions/{submission.pk}/comments"
    body = json.dumps({"body": "請補充辦理場次。"})
    client = Client(enforce_csrf_checks=True)
    answer = client.post(
        url, body, content_type="application/json", headers=bearer(issue("demo-reviewer"))
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["body"] == "請補充辦理場次。"
    session = Client(enforce_csrf_checks=True)
    session.force_login(User.objects.get(username="demo-reviewer"))
    assert session.post(url, body, content_type="application/json").status_code == 403


@pytest.mark.parametrize("case", ["wrong", "revoked", "inactive user", "not a bearer"])
def test_refused_keys_answer_401_json(demo: None, case: str) -> None:
    key = issue("demo-coordinator")
    headers = bearer(key)
    if case == "wrong":
        headers = bearer(key[:-1] + ("A" if key[-1] != "A" else "B"))
    elif case == "revoked":
        api_token_revoke(token=ApiToken.objects.get(), actor=None)
    elif case == "inactive user":
        User.objects.filter(username="demo-coordinator").update(is_active=False)
    else:
        headers = {"Authorization": f"Token {key}"}
    answer = Client().get("/api/v1/cycles/submissions", headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {"detail": "請先登入，或以 Authorization: Bearer 提供有效的 API 金鑰。"}


def test_last_use_is_recorded(demo: None) -> None:
    key = issue("demo-coordinator")
    assert ApiToken.objects.get().last_used_at is None
    Client().get("/api/v1/cycles/periods", headers=bearer(key))
    assert ApiToken.objects.get().last_used_at is not None


def command(*args: str) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_cli_create_list_revoke(demo: None) -> None:
    lines = command("create", "--user", "demo-reviewer", "--name", "審查系統").splitlines()
    assert lines[0] == "已發給 demo-reviewer 的 API 金鑰「審查系統」（只顯示這一次，請妥善保存）："
    key = lines[1]
    assert Client().get("/api/v1/cycles/periods", headers=bearer(key)).status_code == 200
    listed = command("list", "--user", "demo-reviewer").splitlines()
    assert len(listed) == 1
    assert listed[0].split("\t")[:4] == [key[:10], "demo-reviewer", "審查系統", "有效"]
    assert command("revoke", key[:10]).startswith("已撤銷 API 金鑰")
    assert command("revoke", key[:10]).endswith("先前已撤銷。\n")
    assert command("list").split("\t")[3] == "已撤銷"
    assert Client().get("/api/v1/cycles/periods", headers=bearer(key)).status_code == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "--user", "nobody", "--name", "x"], "沒有帳號「nobody」。"),
        (["create", "--user", "demo-reviewer", "--name", " "], "請以 1 到 100 字寫下金鑰的用途。"),
        (
            ["create", "--user", "demo-reviewer", "--name", "長" * 101],
            "請以 1 到 100 字寫下金鑰的用途。",
        ),
        (["revoke", "gk_nothing"], "沒有開頭為「gk_nothing」的 API 金鑰。"),
    ],
)
def test_cli_bad_input_is_exit_status_2(demo: None, args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as raised:
        command(*args)
    assert (raised.value.returncode, str(raised.value)) == (2, message)
    assert ApiToken.objects.count() == 0


def test_admin_lists_and_revokes(demo: None, admin_client: Client) -> None:
    issue("demo-coordinator")
    token = ApiToken.objects.get()
    listing = admin_client.get("/admin/core/apitoken/")
    assert listing.status_code == 200 and token.prefix in listing.content.decode()
    answer: Any = admin_client.post(
        "/admin/core/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "已撤銷 1 個 API 金鑰。" in answer.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert admin_client.get(f"/admin/core/apitoken/{token.pk}/delete/").status_code == 403


# --- the page 「API 金鑰」 -------------------------------------------------------------------


def test_the_page_issues_a_key_shown_once(demo: None, client_for: ClientFor) -> None:
    client = client_for("demo-reviewer")
    page = client.post("/accounts/api-tokens/", {"name": "審查系統"})
    assert page.status_code == 200
    keys = re.findall(r'<code class="key">(gk_[A-Za-z0-9_-]+)</code>', page.content.decode())
    assert len(keys) == 1
    key = keys[0]
    assert Client().get("/api/v1/cycles/periods", headers=bearer(key)).status_code == 200
    listing = client.get("/accounts/api-tokens/").content.decode()
    assert key not in listing and key[:10] in listing and "審查系統" in listing
    entry = AuditEntry.objects.filter(object_type="core.apitoken").get()
    assert entry.actor_label == "demo-reviewer"


def test_the_page_revokes_only_the_persons_own_tokens(demo: None, client_for: ClientFor) -> None:
    mine, theirs = issue("demo-reviewer"), issue("demo-coordinator")
    client = client_for("demo-reviewer")
    own = ApiToken.objects.get(user__username="demo-reviewer")
    other = ApiToken.objects.get(user__username="demo-coordinator")
    assert client.post(f"/accounts/api-tokens/{other.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/api-tokens/{own.pk}/revoke/").status_code == 302
    assert Client().get("/api/v1/cycles/periods", headers=bearer(mine)).status_code == 401
    assert Client().get("/api/v1/cycles/periods", headers=bearer(theirs)).status_code == 200
    assert "已撤銷（" in client.get("/accounts/api-tokens/").content.decode()
    assert client.get(f"/accounts/api-tokens/{own.pk}/revoke/").status_code == 405


@pytest.mark.parametrize("name", ["", "   ", "長" * 101])
def test_the_page_refuses_a_missing_or_long_purpose(
    demo: None, client_for: ClientFor, name: str
) -> None:
    page = client_for("demo-reviewer").post("/accounts/api-tokens/", {"name": name})
    assert page.status_code == 400
    assert 'class="errorlist' in page.content.decode()
    assert "gk_" not in page.content.decode()
    assert ApiToken.objects.count() == 0


def test_the_page_needs_a_signed_in_person(client: Client) -> None:
    response = client.get("/accounts/api-tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
