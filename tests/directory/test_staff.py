"""Staff pages: versions (copy, diff) and translation review; sign-in and a role required."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from lxml import html  # type: ignore[import-untyped]

from guankao.core.accounts import membership_grant
from guankao.core.models import Jurisdiction, Role
from guankao.directory.models import ContentTranslation
from guankao.directory.table_diff import diff_tables
from guankao.divisions.exceptions import VersionExistsError
from guankao.divisions.models import DivisionTable, Task
from guankao.divisions.services import division_table_copy, task_upsert
from guankao.tw import YearMonth


def keelung_user(username: str, role: Role) -> User:
    user = User.objects.create_user(username, password="x" * 12)
    membership_grant(
        user=user, role=role, jurisdiction=Jurisdiction.objects.get(slug="keelung"), actor=None
    )
    return user


@pytest.fixture
def staff(client: Client, db: None) -> Client:
    client.force_login(keelung_user("coordinator", Role.COORDINATOR))
    return client


def test_login_is_required(client: Client, db: None) -> None:
    response = client.get("/directory/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_user_without_a_role_is_refused(client: Client, db: None) -> None:
    client.force_login(User.objects.create_user("nobody"))
    assert client.get("/directory/staff/").status_code == 403


def test_a_reviewer_may_look_but_not_copy_a_version(client: Client, db: None) -> None:
    client.force_login(keelung_user("reviewer", Role.REVIEWER))
    assert client.get("/directory/staff/").status_code == 200
    table = DivisionTable.objects.for_jurisdiction("keelung").get()
    response = client.post(f"/directory/staff/tables/{table.pk}/copy/", {"version": "113.1"})
    assert response.status_code == 403
    assert (
        not DivisionTable.objects.for_jurisdiction("keelung")
        .filter(effective_month="2024-01-01")
        .exists()
    )


def test_a_coordinator_of_another_city_may_not_copy_keelungs_table(
    client: Client, db: None
) -> None:
    user = User.objects.create_user("hsinchu-coordinator", password="x" * 12)
    membership_grant(
        user=user,
        role=Role.COORDINATOR,
        jurisdiction=Jurisdiction.objects.get(slug="hsinchu"),
        actor=None,
    )
    client.force_login(user)
    table = DivisionTable.objects.for_jurisdiction("keelung").get()
    response = client.post(f"/directory/staff/tables/{table.pk}/copy/", {"version": "113.1"})
    assert response.status_code == 403


def test_copy_a_version_then_see_what_changed(staff: Client) -> None:
    table = DivisionTable.objects.for_jurisdiction("keelung").get()
    response = staff.post(f"/directory/staff/tables/{table.pk}/copy/", {"version": "113.1"})
    assert response.status_code == 302
    new = DivisionTable.objects.for_jurisdiction("keelung").latest_first().first()
    assert new is not None and new.version == "113.1" and new.tasks.count() == 53
    shared = Task.objects.get(table=new, agency__slug="keelung-social", number=10)
    assert sorted(a.label for a in shared.co_leads.all()) == ["警察局"]

    task = Task.objects.get(table=new, agency__slug="keelung-civil-affairs", number=4)
    task_upsert(
        table=new,
        agency=task.agency,
        number=4,
        numbered=True,
        area=task.area,
        text="辦理歸化國籍測試及輔導。",
        position=task.position,
        co_leads=[],
        actor=None,
    )
    Task.objects.filter(table=new, agency__slug="keelung-tax", number=2).delete()
    diff = diff_tables(table, new)
    assert [(c.agency, c.number) for c in diff.changed] == [("民政處", 4)]
    assert [(c.agency, c.number) for c in diff.removed] == [("基隆市稅務局", 2)]
    assert diff.added == () and diff.unchanged == 51
    added = [p.text for p in diff.changed[0].text_diff if p.kind == "added"]
    assert added == ["及輔導"]

    tree = html.fromstring(
        staff.get(f"/directory/staff/tables/{new.pk}/diff/?other={table.pk}").content
    )
    assert [e.text_content() for e in tree.xpath("//ul[@class='changed']//ins")] == ["及輔導"]


def test_copy_refuses_an_existing_version(staff: Client) -> None:
    table = DivisionTable.objects.for_jurisdiction("keelung").get()
    with pytest.raises(VersionExistsError):
        division_table_copy(source=table, version=YearMonth(2023, 7), actor=None)
    response = staff.post(
        f"/directory/staff/tables/{table.pk}/copy/", {"version": "112.7"}, follow=True
    )
    assert "已有 112.7 版" in response.content.decode()
    response = staff.post(
        f"/directory/staff/tables/{table.pk}/copy/", {"version": "abc"}, follow=True
    )
    assert "113.1" in response.content.decode()


def test_public_keeps_the_version_in_force(staff: Client) -> None:
    table = DivisionTable.objects.for_jurisdiction("keelung").get()
    future = division_table_copy(source=table, version=YearMonth(2999, 1), actor=None)
    Task.objects.filter(table=future).delete()
    tree = html.fromstring(staff.get("/directory/keelung/", {"q": "健保"}).content)
    assert tree.xpath("//section[@class='results']")


def test_review_a_translation(staff: Client) -> None:
    row = ContentTranslation.objects.get(kind="agency", source="社會處", language="id")
    listing: Any = html.fromstring(
        staff.get("/directory/staff/translations/", {"language": "id", "kind": "agency"}).content
    )
    assert "Dinas Sosial" in listing.text_content()
    response = staff.post(
        f"/directory/staff/translations/{row.pk}/",
        {"text": "Dinas Sosial Kota Keelung", "status": "reviewed"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.text, row.status, row.reviewed_by.username if row.reviewed_by else None) == (
        "Dinas Sosial Kota Keelung",
        "reviewed",
        "coordinator",
    )
    # The public page shows the reviewed text at once (the cached directory is rebuilt).
    page = staff.get("/directory/keelung/agencies/keelung-social/", {"lang": "id"})
    assert "Dinas Sosial Kota Keelung" in page.content.decode()


def test_tables_page_lists_versions(staff: Client) -> None:
    tree = html.fromstring(staff.get("/directory/staff/").content)
    assert "112.7" in tree.text_content()
