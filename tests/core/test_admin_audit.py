"""Every change made in the admin is in the audit log, before → after, like a service's write."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from lxml import html  # type: ignore[import-untyped]

from guankao.core.admin import AuditedAdmin
from guankao.core.models import AuditEntry, Jurisdiction, LoginAttempt, Membership, Role
from guankao.divisions.models import DivisionTable, Task
from guankao.performance.models import Measure
from tests.performance.factories import open_correction

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    return client


def form_data(page: bytes) -> dict[str, Any]:
    """What the browser would send for the admin's change form as it is shown."""
    form = html.fromstring(page.decode()).xpath("//form[@id and contains(@id, '_form')]")[0]
    data: dict[str, Any] = {}
    for field in form.xpath(".//input[@name] | .//textarea[@name] | .//select[@name]"):
        name, kind = field.get("name"), field.get("type", "")
        if field.tag == "select":
            chosen = [o.get("value") for o in field.xpath(".//option[@selected]")]
            if field.get("multiple") is not None:
                data[name] = chosen
            elif chosen:
                data[name] = chosen[0]
        elif field.tag == "textarea":
            data[name] = field.text or ""
        elif kind == "checkbox":
            if field.get("checked") is not None:
                data[name] = "on"
        elif kind not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    return data


def latest(action: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action).order_by("-sequence").first()
    assert entry is not None, action
    return entry


def test_every_admin_page_is_audited() -> None:
    plain = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not isinstance(model_admin, AuditedAdmin)
    ]
    assert plain == []


def test_a_published_years_measure_is_read_only_in_the_admin(superuser_client: Client) -> None:
    measure = Measure.objects.filter(kind="numeric").order_by("pk").first()
    assert measure is not None
    url = f"/admin/performance/measure/{measure.pk}/change/"
    page = superuser_client.get(url).content.decode()
    assert 'name="actual"' not in page  # shown, not editable: the 108 report is published
    assert superuser_client.post(url, {"actual": "12345"}).status_code == 403
    assert Measure.objects.get(pk=measure.pk).actual == measure.actual


def test_a_measure_changed_in_the_admin(superuser_client: Client) -> None:
    open_correction()  # a published year is read-only: a 勘誤 opens it
    measure = Measure.objects.filter(kind="numeric").order_by("pk").first()
    assert measure is not None and measure.actual is not None
    url = f"/admin/performance/measure/{measure.pk}/change/"
    data = form_data(superuser_client.get(url).content)
    data["actual"] = "12345"
    assert superuser_client.post(url, data).status_code == 302
    entry = latest("admin_change")
    assert (entry.actor_label, entry.object_type, entry.object_id) == (
        "root",
        "performance.measure",
        str(measure.pk),
    )
    assert entry.before == {"actual": str(measure.actual)}
    assert entry.after == {"actual": "12345"}


def test_granting_a_role_and_the_superuser_flag_are_audited(superuser_client: Client) -> None:
    user = User.objects.create_user("someone", password="x" * 12)
    keelung = Jurisdiction.objects.get(slug="keelung")
    response = superuser_client.post(
        "/admin/core/membership/add/",
        {"user": user.pk, "role": Role.COORDINATOR, "jurisdiction": keelung.pk},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    entry = latest("admin_add")
    assert (entry.object_type, entry.object_id) == ("core.membership", str(membership.pk))
    assert entry.after is not None and entry.after["role"] == "coordinator"

    url = f"/admin/auth/user/{user.pk}/change/"
    data = form_data(superuser_client.get(url).content)
    data["is_superuser"] = "on"
    assert superuser_client.post(url, data).status_code == 302
    entry = latest("admin_change")
    assert entry.before is not None and entry.after is not None
    assert (entry.before["is_superuser"], entry.after["is_superuser"]) == (False, True)


def test_a_password_set_in_the_admin_is_audited_without_the_hash(
    superuser_client: Client,
) -> None:
    user = User.objects.create_user("someone", password="x" * 12)
    response = superuser_client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": "Another-pass-9876", "password2": "Another-pass-9876"},
    )
    assert response.status_code == 302
    assert latest("admin_password_set").object_id == str(user.pk)
    user.refresh_from_db()
    assert not AuditEntry.objects.filter(after__icontains=user.password[-20:]).exists()


def test_an_inline_task_changed_through_its_table(superuser_client: Client) -> None:
    table = DivisionTable.objects.for_jurisdiction("keelung").get()
    url = f"/admin/divisions/divisiontable/{table.pk}/change/"
    data = form_data(superuser_client.get(url).content)
    task = Task.objects.filter(table=table).order_by("position").first()
    assert task is not None
    index = next(k for k, v in data.items() if k.endswith("-id") and v == str(task.pk))
    data[index.replace("-id", "-text")] = "改過的業務內容。"
    assert superuser_client.post(url, data).status_code == 302
    entry = latest("admin_change")
    assert (entry.object_type, entry.object_id) == ("divisions.task", str(task.pk))
    assert (entry.before, entry.after) == ({"text": task.text}, {"text": "改過的業務內容。"})


def test_a_bulk_delete_in_the_admin(superuser_client: Client) -> None:
    attempts = [
        LoginAttempt.objects.create(
            username=f"u{n}", ip_address="127.0.0.1", succeeded=False, created_at=timezone.now()
        )
        for n in range(2)
    ]
    response = superuser_client.post(
        "/admin/core/loginattempt/",
        {"action": "delete_selected", "_selected_action": [a.pk for a in attempts], "post": "yes"},
    )
    assert response.status_code == 302
    assert not LoginAttempt.objects.filter(pk__in=[a.pk for a in attempts]).exists()
    deleted = AuditEntry.objects.filter(action="admin_delete", object_type="core.loginattempt")
    assert sorted(e.object_id for e in deleted) == sorted(str(a.pk) for a in attempts)
