"""Account rules of 資通系統防護基準（中級）: password complexity and history, the forced change of
an initial password, idle accounts, and the password reset (throttled, honest when mail is down)."""

from __future__ import annotations

import datetime
import email
import email.policy
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from guankao.core.accounts import must_change_password, user_ensure
from guankao.core.models import AccountSecurity, AuditEntry, PasswordHistory
from guankao.tw import format_roc_date

pytestmark = pytest.mark.django_db

PASSWORD = "Initial-Passw0rd"


def codes(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {e.code for e in error.value.error_list if e.code}


# Complexity ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["abcdefghijkl", "abcdefgh1234", "ABCDEFGH!@#$", "qwerty-zxcvb-asdfg"],
)
def test_fewer_than_three_kinds_of_character_are_refused(password: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert "password_too_simple" in codes(error)
    assert "四類中的至少 3 類" in " ".join(error.value.messages)


@pytest.mark.parametrize(
    "password", ["Abcdefgh1234", "abcdefgh12#4", "ABCDEFGH12#4", "Ab-cd-ef-gh-ij"]
)
def test_three_kinds_of_twelve_characters_are_accepted(password: str) -> None:
    validate_password(password)


def test_a_short_password_is_refused_even_when_complex() -> None:
    with pytest.raises(ValidationError) as error:
        validate_password("Ab1!Ab1!")
    assert "password_too_short" in codes(error)


# History ------------------------------------------------------------------------------------


def change(user: User, password: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.save()


def test_none_of_the_last_three_passwords_again() -> None:
    user = User(username="history")  # as the admin and user_ensure set a password
    user.set_password("First-Passw0rd")
    user.save()
    change(user, "Second-Passw0rd")
    change(user, "Third-Passw0rd")
    for used in ["First-Passw0rd", "Second-Passw0rd", "Third-Passw0rd"]:
        with pytest.raises(ValidationError) as error:
            validate_password(used, user)
        assert "password_reused" in codes(error)
        assert "最近 3 次" in " ".join(error.value.messages)
    change(user, "Fourth-Passw0rd")
    # The first is now four passwords ago: allowed again; only three hashes are kept.
    validate_password("First-Passw0rd", user)
    assert PasswordHistory.objects.filter(user=user).count() == 3
    assert all(
        h.startswith("md5$") for h in user.password_history.values_list("password_hash", flat=True)
    )


def test_the_current_password_counts_even_unrecorded() -> None:
    # create_user and createsuperuser store the hash without telling the validators.
    user = User.objects.create_user("plain", password="First-Passw0rd")
    with pytest.raises(ValidationError) as error:
        validate_password("First-Passw0rd", user)
    assert "password_reused" in codes(error)


def test_a_new_account_has_no_history_to_check() -> None:
    validate_password("First-Passw0rd", User(username="new"))


# Forced change of an initial password --------------------------------------------------------


@pytest.fixture
def forced(settings: Any) -> None:
    settings.GUANKAO_FORCE_INITIAL_PASSWORD_CHANGE = True


def sign_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()
    return client


def test_an_account_created_by_someone_else_must_change_its_password(forced: None) -> None:
    User.objects.create_user("newcomer", password=PASSWORD)
    assert must_change_password(User.objects.get(username="newcomer"))
    client = sign_in("newcomer", PASSWORD)

    response = client.get("/cycles/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/?next=%2Fcycles%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "初始密碼" in page.content.decode()
    api = client.get("/api/v1/cycles/submissions")
    assert api.status_code == 403
    assert "變更密碼" in api.json()["detail"]

    new = "Chosen-by-me-2026"
    done = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/password_change/done/"
    assert not must_change_password(User.objects.get(username="newcomer"))
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="password_change", object_repr="newcomer").exists()
    # Signing in again: no more redirect.
    assert sign_in("newcomer", new).get("/").status_code == 200


def test_the_change_page_refuses_a_simple_or_reused_password(forced: None) -> None:
    User.objects.create_user("newcomer", password=PASSWORD)
    client = sign_in("newcomer", PASSWORD)
    for new, message in [("abcdefghijklmn", "四類中的至少 3 類"), (PASSWORD, "最近 3 次")]:
        response = client.post(
            "/accounts/password_change/",
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        assert response.status_code == 200
        assert message in response.content.decode()
    assert must_change_password(User.objects.get(username="newcomer"))


def test_signing_out_stays_possible(forced: None) -> None:
    User.objects.create_user("newcomer", password=PASSWORD)
    client = sign_in("newcomer", PASSWORD)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and "password_change" not in response["Location"]


def test_a_user_added_in_the_admin_must_change_its_password(forced: None) -> None:
    root = User.objects.create_superuser("root", password="x" * 12)
    # createsuperuser set root's password: an initial one, until root chooses their own.
    assert must_change_password(root)
    AccountSecurity.objects.update_or_create(user=root, defaults={"must_change_password": False})
    admin = Client()
    admin.force_login(root)
    response = admin.post(
        "/admin/auth/user/add/",
        {
            "username": "added",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert must_change_password(User.objects.get(username="added"))


def test_the_admin_password_change_is_the_site_page() -> None:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    response = client.get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password_change/"


def test_demo_accounts_on_a_local_demo_keep_their_password(forced: None, settings: Any) -> None:
    settings.GUANKAO_DEMO_ACCOUNTS_READY = True
    user_ensure(
        username="demo-x", password=PASSWORD, email="x@example.tw", full_name="示範", actor=None
    )
    assert not must_change_password(User.objects.get(username="demo-x"))
    assert sign_in("demo-x", PASSWORD).get("/cycles/").status_code == 200


def test_demo_accounts_in_production_change_their_password(forced: None, settings: Any) -> None:
    settings.GUANKAO_DEMO_ACCOUNTS_READY = False
    user_ensure(
        username="demo-x", password=PASSWORD, email="x@example.tw", full_name="示範", actor=None
    )
    assert must_change_password(User.objects.get(username="demo-x"))
    assert sign_in("demo-x", PASSWORD).get("/cycles/").status_code == 302


# Idle accounts ------------------------------------------------------------------------------


@pytest.fixture
def idle_users() -> dict[str, User]:
    now = timezone.now()
    users = {
        "idle": User.objects.create_user("idle-100", last_login=now - datetime.timedelta(days=100)),
        "fresh": User.objects.create_user("fresh-10", last_login=now - datetime.timedelta(days=10)),
        "never": User.objects.create_user("never-signed-in"),
        "new": User.objects.create_user("new-never"),
    }
    User.objects.filter(pk=users["never"].pk).update(date_joined=now - datetime.timedelta(days=200))
    users["never"].refresh_from_db()
    return users


def review(*args: str) -> str:
    out = StringIO()
    call_command("accounts", "review", *args, stdout=out)
    return out.getvalue()


def test_review_lists_idle_accounts_with_roc_dates(idle_users: dict[str, User]) -> None:
    out = review()
    last = idle_users["idle"].last_login
    assert last is not None
    assert f"idle-100\t\t{format_roc_date(timezone.localtime(last).date())}" in out
    assert "never-signed-in\t\t從未登入（" in out
    assert "fresh-10" not in out and "new-never" not in out
    assert "閒置 90 天以上的帳號：2 個。" in out
    assert User.objects.get(username="idle-100").is_active


def test_review_disable_disables_and_audits(idle_users: dict[str, User]) -> None:
    out = review("--disable")
    assert "已停用 2 個閒置 90 天以上的帳號。" in out
    assert not User.objects.get(username="idle-100").is_active
    assert not User.objects.get(username="never-signed-in").is_active
    assert User.objects.get(username="fresh-10").is_active
    entry = AuditEntry.objects.get(action="disable_idle", object_repr="idle-100")
    assert entry.before == {"is_active": True} and entry.after is not None
    assert entry.after["is_active"] is False
    # A second review finds nothing left.
    assert "：0 個。" in review()


def test_review_refuses_bad_days_with_exit_2() -> None:
    with pytest.raises(CommandError) as error:
        review("--days", "abc")
    assert error.value.returncode == 2
    assert "\n" not in str(error.value)


def test_admin_user_list_shows_last_login_and_filters_idle(idle_users: dict[str, User]) -> None:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    page = client.get("/admin/auth/user/").content.decode()
    assert "閒置 90 天以上" in page and "上次登入" in page
    idle = client.get("/admin/auth/user/?idle=yes").content.decode()
    assert "idle-100" in idle and "never-signed-in" in idle
    assert "fresh-10" not in idle and "new-never" not in idle


# Password reset -----------------------------------------------------------------------------


@pytest.fixture
def holder() -> User:
    return User.objects.create_user("holder", email="holder@keelung.example", password=PASSWORD)


def ask_reset(client: Client, address: str, remote: str = "127.0.0.1") -> Any:
    return client.post("/accounts/password_reset/", {"email": address}, REMOTE_ADDR=remote)


def test_reset_mail_and_link_set_the_holders_own_password(holder: User, settings: Any) -> None:
    settings.GUANKAO_FORCE_INITIAL_PASSWORD_CHANGE = True
    client = Client()
    response = ask_reset(client, "holder@keelung.example")
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "guankao 管考：重設密碼"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", str(message.body))
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200 and "設定新密碼" in form.content.decode()
    new = "Reset-by-me-2026"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    holder.refresh_from_db()
    assert holder.check_password(new)
    assert not must_change_password(holder)
    assert AuditEntry.objects.filter(action="password_reset", object_repr="holder").exists()


def test_reset_is_limited_per_account(holder: User) -> None:
    client = Client()
    for remote in ["10.0.0.1", "10.0.0.2", "10.0.0.3"]:
        assert ask_reset(client, "holder@keelung.example", remote).status_code == 302
    refused = ask_reset(client, "Holder@Keelung.example", "10.0.0.4")
    assert refused.status_code == 429
    assert "申請重設密碼的次數過多，請於 60 分鐘後再試" in refused.content.decode()
    assert len(mail.outbox) == 3


def test_reset_is_limited_per_address_whether_accounts_exist_or_not(settings: Any) -> None:
    settings.PASSWORD_RESET_PER_ADDRESS = 3
    client = Client()
    for n in range(3):
        assert ask_reset(client, f"nobody{n}@keelung.example").status_code == 302
    assert ask_reset(client, "nobody9@keelung.example").status_code == 429
    assert ask_reset(client, "nobody9@keelung.example", "10.9.9.9").status_code == 302


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_reset_says_so_when_the_mail_server_is_down(holder: User, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    settings.EMAIL_TIMEOUT = 5
    response = ask_reset(Client(), "holder@keelung.example")
    assert response.status_code == 503
    page = response.content.decode()
    assert "目前無法寄出電子郵件" in page and "重設信並未寄出" in page


@dataclass
class Inbox:
    messages: list[email.message.EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted"


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    try:
        yield inbox
    finally:
        controller.stop()


def test_reset_mail_through_a_real_smtp_server(holder: User, smtp: Inbox) -> None:
    response = ask_reset(Client(), "holder@keelung.example")
    assert response.status_code == 302
    assert len(smtp.messages) == 1
    body = smtp.messages[0].get_body()
    assert body is not None
    assert "/accounts/reset/" in body.get_content()
    assert smtp.messages[0]["To"] == "holder@keelung.example"
