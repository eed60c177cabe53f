"""The API's resources (issue 16, item 3): every one listed in the OpenAPI, read by id with
pagination, filters, ETag and 304; written through the services; what each caller may see.

The seeds hold Keelung's published 112.7 table and 新竹市政府社會處's published 108 report; a
Taipei coordinator is the outsider. Every resource has a denied case here.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from guankao.core.accounts import membership_grant
from guankao.core.api_lists import staff_rows
from guankao.core.models import Agency, AuditEntry, Jurisdiction, Role, TokenScope
from guankao.core.permissions import Action, can
from guankao.core.tokens import api_token_create
from guankao.divisions.models import DivisionTable, ServiceArea, TableStatus, Task
from guankao.performance.models import Indicator, Measure, PerformanceReport, Plan

pytestmark = pytest.mark.django_db

API = "/api/v1"


def person(name: str, role: Role, jurisdiction: str) -> User:
    """A user holding ``role`` over the whole ``jurisdiction`` (made if missing)."""
    user = User.objects.create_user(name, password="x" * 12)
    place, _ = Jurisdiction.objects.get_or_create(
        slug=jurisdiction, defaults={"name": f"{jurisdiction}市", "area_code": "02"}
    )
    membership_grant(user=user, role=role, jurisdiction=place, actor=None)
    return user


def bearer(user: User, scope: str = TokenScope.WRITE) -> dict[str, Any]:
    _token, key = api_token_create(user=user, name="介接", actor=None, scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def get(path: str, **headers: Any) -> Any:
    return Client().get(path, **headers)


def send(method: str, path: str, body: dict[str, Any], **headers: Any) -> Any:
    return getattr(Client(), method)(path, body, content_type="application/json", **headers)


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()]


@pytest.fixture
def draft_table() -> DivisionTable:
    """A draft 113.1 version of Keelung's table with one task of its police."""
    keelung = Jurisdiction.objects.get(slug="keelung")
    table = DivisionTable.objects.create(
        jurisdiction=keelung, title="基隆市新住民照顧服務措施分工表", effective_month="2024-01-01"
    )
    Task.objects.create(
        table=table,
        agency=Agency.objects.get(slug="keelung-police"),
        number=1,
        area=ServiceArea.objects.order_by("pk")[0],
        text="草稿裡的業務",
        position=1,
    )
    return table


@pytest.fixture
def draft_report() -> PerformanceReport:
    """新竹市政府社會處's 108 report set back to a draft: its plans are then not public."""
    report = PerformanceReport.objects.get(department__slug="hsinchu-social")
    PerformanceReport.objects.filter(pk=report.pk).update(status="draft")
    report.refresh_from_db()
    return report


# --- the document --------------------------------------------------------------------------


def test_the_openapi_lists_every_resource() -> None:
    document = get(f"{API}/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    for resource in (
        "/jurisdictions",
        "/divisions/agencies",
        "/divisions/tables",
        "/divisions/tasks",
        "/performance/plans",
        "/performance/indicators",
        "/performance/measures",
        "/cycles/periods",
        "/cycles/submissions",
    ):
        assert "get" in paths[f"{API}{resource}"], resource
        names = {p["name"] for p in paths[f"{API}{resource}"]["get"]["parameters"]}
        assert {"limit", "offset", "modified_after"} <= names, resource
        assert "get" in paths[f"{API}{resource}/{{{_id_name(paths, resource)}}}"] or resource in (
            "/cycles/periods",
        )
    for written in ("/divisions/tasks", "/performance/plans", "/performance/indicators"):
        assert "post" in paths[f"{API}{written}"]
        assert "patch" in paths[f"{API}{written}/{{{_id_name(paths, written)}}}"]
    assert "post" in paths[f"{API}/performance/measures"]
    assert "patch" in paths[f"{API}/performance/measures/{{measure_id}}"]


def _id_name(paths: dict[str, Any], resource: str) -> str:
    prefix = f"{API}{resource}/{{"
    found = [
        p[len(prefix) : -1]
        for p in paths
        if p.startswith(prefix) and p.count("/") == prefix.count("/")
    ]
    return found[0] if found else "pk"


# --- pages, order, ETag --------------------------------------------------------------------


def test_a_list_is_paged_in_id_order_with_its_total_and_links() -> None:
    everything = get(f"{API}/divisions/tasks?limit=500")
    all_ids = ids(everything)
    assert all_ids == sorted(all_ids) and len(all_ids) == int(everything["X-Total-Count"]) > 5
    first = get(f"{API}/divisions/tasks?limit=2&jurisdiction=keelung")
    assert ids(first) == all_ids[:2]
    assert first["X-Total-Count"] == str(len(all_ids))
    assert 'rel="next"' in first["Link"] and "offset=2" in first["Link"]
    assert "jurisdiction=keelung" in first["Link"]
    second = get(f"{API}/divisions/tasks?limit=2&offset=2")
    assert ids(second) == all_ids[2:4]
    assert 'rel="prev"' in second["Link"]
    last = get(f"{API}/divisions/tasks?limit=2&offset={len(all_ids) - 1}")
    assert ids(last) == all_ids[-1:] and 'rel="next"' not in last["Link"]


@pytest.mark.parametrize("limit", ["0", "501", "x"])
def test_a_bad_page_is_422(limit: str) -> None:
    assert get(f"{API}/performance/plans?limit={limit}").status_code == 422


def test_an_unchanged_answer_is_304_and_a_changed_one_has_a_new_etag() -> None:
    path = f"{API}/divisions/tasks?limit=3"
    first = get(path)
    etag = first["ETag"]
    assert etag.startswith('"') and "Authorization" in first["Vary"]
    again = get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    task = Task.objects.order_by("pk").first()
    assert task is not None
    Task.objects.filter(pk=task.pk).update(text="改過的業務")
    changed = get(path, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()[0]["text"] == "改過的業務"
    # A write is never answered 304.
    assert (
        send("patch", f"{API}/divisions/tasks/{task.pk}", {}, HTTP_IF_NONE_MATCH=etag).status_code
        == 401
    )


# --- filters ---------------------------------------------------------------------------------


def test_modified_after_reads_the_audit_log() -> None:
    coordinator = person("hsinchu-coordinator", Role.COORDINATOR, "hsinchu")
    PerformanceReport.objects.filter(department__slug="hsinchu-social").update(status="draft")
    # Now, not a second ago: a transactional test just before may have loaded the seed again
    # (tests/conftest.py), and its audit entries would count as modified after a second ago.
    before = timezone.now()
    plan = Plan.objects.order_by("pk").first()
    assert plan is not None
    answer = send(
        "patch",
        f"{API}/performance/plans/{plan.pk}",
        {"name": "新的計畫名稱"},
        **bearer(coordinator),
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["modified"] is not None
    since = before.isoformat()
    changed = get(f"{API}/performance/plans", **bearer(coordinator))
    assert len(ids(changed)) == 14
    client = Client()
    recent = client.get(
        f"{API}/performance/plans", {"modified_after": since}, **bearer(coordinator)
    )
    assert ids(recent) == [plan.pk]
    later = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
    assert (
        ids(
            client.get(f"{API}/performance/plans", {"modified_after": later}, **bearer(coordinator))
        )
        == []
    )
    naive = client.get(f"{API}/performance/plans", {"modified_after": "2024-07-15T09:00:00"})
    assert naive.status_code == 422 and "時區" in naive.json()["detail"]


def test_jurisdiction_and_year_filters() -> None:
    client = Client()
    assert len(ids(client.get(f"{API}/performance/plans", {"year": 108}))) == 14
    assert ids(client.get(f"{API}/performance/plans", {"year": 2019})) == ids(
        client.get(f"{API}/performance/plans", {"year": 108})
    )
    assert ids(client.get(f"{API}/performance/plans", {"year": 109})) == []
    assert ids(client.get(f"{API}/performance/plans", {"jurisdiction": "keelung"})) == []
    assert client.get(f"{API}/performance/plans", {"jurisdiction": "nowhere"}).status_code == 404
    tables = client.get(
        f"{API}/divisions/tables", {"jurisdiction": "keelung", "year": "112"}
    ).json()
    assert [t["version"] for t in tables] == ["112.7"]
    assert ids(client.get(f"{API}/divisions/tables", {"year": 113})) == []
    keelung = ids(
        client.get(f"{API}/divisions/agencies", {"jurisdiction": "keelung", "limit": "500"})
    )
    assert keelung and set(keelung) == set(
        Agency.objects.filter(jurisdiction__slug="keelung").values_list("pk", flat=True)
    )
    assert len(ids(client.get(f"{API}/jurisdictions"))) == 2


# --- who sees what: a denied case for each resource --------------------------------------------


def test_jurisdictions_are_public_and_an_unknown_one_is_404() -> None:
    keelung = Jurisdiction.objects.get(slug="keelung")
    assert get(f"{API}/jurisdictions/{keelung.pk}").json()["name"] == "基隆市"
    assert get(f"{API}/jurisdictions/999999").status_code == 404


def test_a_draft_table_its_tasks_and_contacts_only_for_its_staff(
    draft_table: DivisionTable,
) -> None:
    staff = bearer(person("keelung-coordinator", Role.COORDINATOR, "keelung"))
    outsider = bearer(person("taipei-coordinator", Role.COORDINATOR, "taipei"))
    draft_task = draft_table.tasks.get()
    for headers in ({}, outsider):
        assert draft_table.pk not in ids(get(f"{API}/divisions/tables", **headers))
        assert get(f"{API}/divisions/tables/{draft_table.pk}", **headers).status_code == 404
        assert draft_task.pk not in ids(get(f"{API}/divisions/tasks?limit=500", **headers))
        assert get(f"{API}/divisions/tasks/{draft_task.pk}", **headers).status_code == 404
    assert draft_table.pk in ids(get(f"{API}/divisions/tables", **staff))
    assert get(f"{API}/divisions/tables/{draft_table.pk}", **staff).json()["status"] == "draft"
    assert get(f"{API}/divisions/tasks/{draft_task.pk}", **staff).json()["text"] == "草稿裡的業務"


def test_an_agencys_contacts_of_a_draft_only_for_its_staff() -> None:
    police = Agency.objects.get(slug="keelung-police")
    published = DivisionTable.objects.get(jurisdiction__slug="keelung")
    draft = DivisionTable.objects.create(
        jurisdiction=police.jurisdiction, title="草稿", effective_month="2024-01-01"
    )
    contact = published.contacts.get(agency=police)
    contact.pk = None
    contact.table = draft
    contact.phone_extension = "9999"
    contact.save()
    staff = bearer(person("keelung-coordinator", Role.COORDINATOR, "keelung"))
    outsider = bearer(person("taipei-coordinator", Role.COORDINATOR, "taipei"))
    for headers in ({}, outsider):
        shown = get(f"{API}/divisions/agencies/{police.pk}", **headers).json()
        assert [c["table"] for c in shown["contacts"]] == [published.pk]
    shown = get(f"{API}/divisions/agencies/{police.pk}", **staff).json()
    assert [c["table"] for c in shown["contacts"]] == [draft.pk, published.pk]
    assert shown["contacts"][0]["version"] == "113.1"
    assert shown["contacts"][0]["phone_extension"] == "9999"
    assert set(shown["contacts"][0]) >= {"address", "opening_hours", "counter_languages", "walk_in"}
    assert get(f"{API}/divisions/agencies/999999").status_code == 404


@pytest.mark.parametrize("resource", ["plans", "indicators", "measures"])
def test_plans_indicators_and_measures_of_a_draft_year_only_for_its_staff(
    resource: str, draft_report: PerformanceReport
) -> None:
    model = {"plans": Plan, "indicators": Indicator, "measures": Measure}[resource]
    one = model._default_manager.order_by("pk").first()
    assert one is not None
    staff = bearer(person("hsinchu-coordinator", Role.COORDINATOR, "hsinchu"))
    outsider = bearer(person("taipei-coordinator", Role.COORDINATOR, "taipei"))
    for headers in ({}, outsider):
        assert ids(get(f"{API}/performance/{resource}", **headers)) == []
        assert get(f"{API}/performance/{resource}/{one.pk}", **headers).status_code == 404
    assert one.pk in ids(get(f"{API}/performance/{resource}?limit=500", **staff))
    assert get(f"{API}/performance/{resource}/{one.pk}", **staff).json()["id"] == one.pk
    # Once published, everyone reads them.
    PerformanceReport.objects.filter(pk=draft_report.pk).update(status="published")
    assert one.pk in ids(get(f"{API}/performance/{resource}?limit=500"))


def test_measures_carry_their_ids_and_link_up() -> None:
    measure = get(f"{API}/performance/measures?limit=1").json()[0]
    indicator = get(f"{API}/performance/indicators/{measure['indicator']}").json()
    assert measure["id"] in indicator["measures"]
    plan = get(f"{API}/performance/plans/{indicator['plan']}").json()
    assert indicator["id"] in plan["indicators"] and plan["year"] == 108


@pytest.mark.parametrize("resource", ["periods", "submissions"])
def test_periods_and_submissions_need_a_person_of_their_jurisdiction(
    resource: str, cycles_demo_once: Any
) -> None:
    assert get(f"{API}/cycles/{resource}").status_code == 401
    outsider = bearer(person("taipei-coordinator", Role.COORDINATOR, "taipei"))
    assert ids(get(f"{API}/cycles/{resource}", **outsider)) == []
    staff = bearer(User.objects.get(username="demo-coordinator"))
    shown = get(f"{API}/cycles/{resource}?limit=1", **staff)
    assert len(ids(shown)) == 1 and int(shown["X-Total-Count"]) >= 1
    assert ids(get(f"{API}/cycles/{resource}?year=113", **staff))
    assert ids(get(f"{API}/cycles/{resource}?year=112", **staff)) == []
    assert ids(get(f"{API}/cycles/{resource}?jurisdiction=hsinchu", **staff)) == []


# --- scopes -----------------------------------------------------------------------------------


def test_a_read_only_token_reads_but_never_writes(draft_report: PerformanceReport) -> None:
    coordinator = person("hsinchu-coordinator", Role.COORDINATOR, "hsinchu")
    read_only = bearer(coordinator, TokenScope.READ)
    plan = Plan.objects.order_by("pk").first()
    measure = Measure.objects.order_by("pk").first()
    assert plan is not None and measure is not None
    assert get(f"{API}/performance/plans/{plan.pk}", **read_only).status_code == 200
    audit = AuditEntry.objects.count()
    for method, path, body in (
        ("patch", f"/performance/plans/{plan.pk}", {"name": "改名"}),
        ("patch", f"/performance/measures/{measure.pk}", {"label": "改名"}),
        ("post", "/performance/indicators", {"plan": plan.pk, "text": "t", "standard_text": "s"}),
        (
            "post",
            "/cycles/periods",
            {"jurisdiction": "hsinchu", "code": "113", "deadline": "2025-01-31"},
        ),
    ):
        answer = send(method, f"{API}{path}", body, **read_only)
        assert answer.status_code == 403, path
        assert "唯讀" in answer.json()["detail"]
    assert AuditEntry.objects.count() == audit
    # The same person's read-write token writes.
    assert (
        send(
            "patch", f"{API}/performance/plans/{plan.pk}", {"name": "改名"}, **bearer(coordinator)
        ).status_code
        == 200
    )


def test_the_token_page_offers_the_scope_and_issues_read_only_by_default(client: Client) -> None:
    user = person("hsinchu-coordinator", Role.COORDINATOR, "hsinchu")
    client.force_login(user)
    page = client.get("/accounts/api-tokens/").content.decode()
    assert 'name="scope"' in page and "唯讀" in page and "讀寫" in page
    client.post("/accounts/api-tokens/", {"name": "只讀的系統"})
    client.post("/accounts/api-tokens/", {"name": "寫入的系統", "scope": "write"})
    scopes = dict(user.api_tokens.values_list("name", "scope"))
    assert scopes == {"只讀的系統": "read", "寫入的系統": "write"}
    assert client.post("/accounts/api-tokens/", {"name": "x", "scope": "admin"}).status_code == 400


# --- writes -----------------------------------------------------------------------------------


def test_plans_indicators_and_measures_are_written_through_the_services(
    draft_report: PerformanceReport,
) -> None:
    staff = bearer(person("hsinchu-coordinator", Role.COORDINATOR, "hsinchu"))
    plan = send(
        "post",
        f"{API}/performance/plans",
        {"department": "hsinchu-social", "year": 108, "name": "新計畫", "budget_thousands": 1200},
        **staff,
    )
    assert plan.status_code == 201, plan.content
    created = plan.json()
    assert (created["number"], created["year"], created["indicators"]) == (15, 108, [])
    indicator = send(
        "post",
        f"{API}/performance/indicators",
        {"plan": created["id"], "text": "參與人次", "standard_text": "100人次"},
        **staff,
    )
    assert indicator.status_code == 201, indicator.content
    measure = send(
        "post",
        f"{API}/performance/measures",
        {"indicator": indicator.json()["id"], "label": "人次", "target": "100", "unit": "人次"},
        **staff,
    )
    assert measure.status_code == 201, measure.content
    assert measure.json()["plan"] == created["id"]
    patched = send(
        "patch",
        f"{API}/performance/indicators/{indicator.json()['id']}",
        {"achievement_text": "120人次"},
        **staff,
    )
    assert patched.json()["achievement_text"] == "120人次"
    assert get(f"{API}/performance/plans/{created['id']}", **staff).json()["indicators"] == [
        indicator.json()["id"]
    ]
    actions = set(
        AuditEntry.objects.filter(actor__username="hsinchu-coordinator").values_list(
            "object_type", "action"
        )
    )
    assert {
        ("performance.plan", "create"),
        ("performance.indicator", "create"),
        ("performance.measure", "create"),
        ("performance.indicator", "update"),
    } <= actions


def test_bad_input_is_400_or_422_and_a_locked_year_409() -> None:
    staff = bearer(person("hsinchu-coordinator", Role.COORDINATOR, "hsinchu"))
    plan = Plan.objects.order_by("pk").first()
    assert plan is not None
    # The seed's report is published: its year is the record.
    locked = send("patch", f"{API}/performance/plans/{plan.pk}", {"name": "改名"}, **staff)
    assert locked.status_code == 409 and "已公開" in locked.json()["detail"]
    PerformanceReport.objects.filter(department__slug="hsinchu-social").update(status="draft")
    refused = send(
        "patch",
        f"{API}/performance/plans/{plan.pk}",
        {"control_code": 4, "control_note": ""},
        **staff,
    )
    assert refused.status_code == 400 and "管考代碼 4" in refused.json()["detail"]
    typed = send(
        "patch", f"{API}/performance/plans/{plan.pk}", {"budget_thousands": "many"}, **staff
    )
    assert typed.status_code == 422
    unknown = send("patch", f"{API}/performance/plans/{plan.pk}", {"number": 3}, **staff)
    assert unknown.status_code == 422
    nul = send(
        "post",
        f"{API}/performance/indicators",
        {"plan": plan.pk, "text": "a\x00", "standard_text": "s"},
        **staff,
    )
    assert nul.status_code == 422
    missing = send(
        "post",
        f"{API}/performance/plans",
        {"department": "nowhere", "year": 108, "name": "x", "budget_thousands": 1},
        **staff,
    )
    assert missing.status_code == 404


def test_outsiders_cannot_write(
    draft_report: PerformanceReport, draft_table: DivisionTable
) -> None:
    outsider = bearer(person("taipei-coordinator", Role.COORDINATOR, "taipei"))
    plan = Plan.objects.order_by("pk").first()
    assert plan is not None
    task = draft_table.tasks.get()
    audit = AuditEntry.objects.count()
    assert (
        send(
            "post",
            f"{API}/performance/plans",
            {"department": "hsinchu-social", "year": 108, "name": "x", "budget_thousands": 1},
            **outsider,
        ).status_code
        == 403
    )
    assert (
        send("patch", f"{API}/performance/plans/{plan.pk}", {"name": "x"}, **outsider).status_code
        == 404
    )
    assert (
        send(
            "post",
            f"{API}/divisions/tasks",
            {
                "table": draft_table.pk,
                "agency": task.agency_id,
                "area": task.area.slug,
                "text": "x",
            },
            **outsider,
        ).status_code
        == 403
    )
    assert (
        send("patch", f"{API}/divisions/tasks/{task.pk}", {"text": "x"}, **outsider).status_code
        == 404
    )
    # A reporter of the city may see nothing of the draft table either.
    assert AuditEntry.objects.count() == audit


def test_tasks_are_written_in_a_draft_and_refused_in_a_published_version(
    draft_table: DivisionTable,
) -> None:
    staff = bearer(person("keelung-coordinator", Role.COORDINATOR, "keelung"))
    task = draft_table.tasks.get()
    civil = Agency.objects.get(slug="keelung-civil-affairs")
    created = send(
        "post",
        f"{API}/divisions/tasks",
        {
            "table": draft_table.pk,
            "agency": task.agency_id,
            "area": task.area.slug,
            "text": "新業務",
            "co_leads": [civil.pk],
        },
        **staff,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["number"], body["position"], body["co_leads"]) == (2, 2, [civil.pk])
    again = send(
        "post",
        f"{API}/divisions/tasks",
        {
            "table": draft_table.pk,
            "agency": task.agency_id,
            "number": 2,
            "area": task.area.slug,
            "text": "重複",
        },
        **staff,
    )
    assert again.status_code == 409
    patched = send(
        "patch",
        f"{API}/divisions/tasks/{task.pk}",
        {"text": "改過", "audience": "internal"},
        **staff,
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["text"], patched.json()["audience"]) == ("改過", "internal")
    assert (
        send("patch", f"{API}/divisions/tasks/{task.pk}", {"area": "nowhere"}, **staff).status_code
        == 400
    )
    other_city = Agency.objects.filter(jurisdiction__slug="hsinchu").first()
    assert other_city is not None
    assert (
        send(
            "patch", f"{API}/divisions/tasks/{task.pk}", {"co_leads": [other_city.pk]}, **staff
        ).status_code
        == 400
    )
    published = Task.objects.filter(table__status=TableStatus.PUBLISHED).first()
    assert published is not None
    refused = send("patch", f"{API}/divisions/tasks/{published.pk}", {"text": "改寫歷史"}, **staff)
    assert refused.status_code == 409 and "已公開" in refused.json()["detail"]
    assert (
        AuditEntry.objects.filter(
            object_type="divisions.task", object_id=str(published.pk), action="update"
        ).count()
        == 0
    )


# --- the list filter agrees with the role matrix -----------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_staff_rows_agrees_with_can(role: Role) -> None:
    """For a membership over a jurisdiction, over a department and over a unit, the rows the
    list filter lets through are exactly those ``can`` allows, agency by agency."""
    hsinchu = Agency.objects.get(slug="hsinchu-social")
    unit = Agency.objects.create(
        jurisdiction=hsinchu.jurisdiction,
        slug="hsinchu-social-unit",
        name="科",
        label="社會處某科",
        parent=hsinchu,
    )
    scopes: list[dict[str, Any]] = [
        {"jurisdiction": hsinchu.jurisdiction},
        {"agency": hsinchu},
        {"agency": unit},
    ]
    if role == Role.ADMIN:
        scopes = [{}]  # an administrator holds the role everywhere
    for n, scope in enumerate(scopes):
        if role == Role.REPORTER and "jurisdiction" in scope:
            continue  # a reporter reports for one agency
        user = User.objects.create_user(f"u{role}{n}", password="x" * 12)
        membership_grant(user=user, role=role, actor=None, **scope)
        for action in (Action.DATA_VIEW, Action.DATA_EDIT):
            condition = staff_rows(
                user, action, jurisdiction="jurisdiction_id", agency="pk", parent="parent_id"
            )
            reached = (
                Agency.objects.all() if condition is None else Agency.objects.filter(condition)
            )
            expected = {a.pk for a in Agency.objects.all() if can(user, action, a)}
            assert set(reached.values_list("pk", flat=True)) == expected, (role, scope, action)


def test_the_cli_issues_a_read_only_token() -> None:
    from io import StringIO

    from django.core.management import call_command

    user = person("hsinchu-system", Role.COORDINATOR, "hsinchu")
    out = StringIO()
    call_command(
        "api_token",
        "create",
        "--user",
        user.username,
        "--name",
        "讀取",
        "--scope",
        "read",
        stdout=out,
    )
    key = out.getvalue().split()[-1]
    assert user.api_tokens.get().scope == TokenScope.READ
    plan = Plan.objects.order_by("pk").first()
    assert plan is not None
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert get(f"{API}/performance/plans/{plan.pk}", **headers).status_code == 200
    assert (
        send("patch", f"{API}/performance/plans/{plan.pk}", {"name": "x"}, **headers).status_code
        == 403
    )


@pytest.mark.parametrize(
    "path",
    [
        "/jurisdictions",
        "/divisions/agencies",
        "/divisions/tables",
        "/divisions/tasks",
        "/performance/plans",
        "/performance/indicators",
        "/performance/measures",
    ],
)
def test_a_lists_queries_do_not_grow_with_its_rows(path: str) -> None:
    """Two rows or a hundred: the same number of queries (no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for limit in (2, 100):
        with CaptureQueriesContext(connection) as queries:
            assert get(f"{API}{path}?limit={limit}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 5, counts
