"""The cycles JSON API: drafts, conflicts (409), refusals (400), no 500 on bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from guankao.core.accounts import membership_grant, user_ensure
from guankao.core.models import Agency, AuditEntry, Jurisdiction, Role
from guankao.cycles.models import Figure, Submission, TaskEntry
from guankao.cycles.selectors import submission_whole
from tests.cycles.conftest import Demo

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]


def put(client: Client, url: str, body: Any) -> Any:
    return client.put(url, body, content_type="application/json")


def test_openapi_lists_the_cycles_endpoints() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/cycles/submissions/{pk}/draft" in schema["paths"]
    assert "/api/v1/cycles/submissions/{pk}/transitions" in schema["paths"]
    assert "/api/v1/cycles/periods/{pk}/committee-report" in schema["paths"]


def test_a_draft_through_the_api(demo: Demo, client_for: ClientFor) -> None:
    police = demo.submission("keelung-police")
    entry = submission_whole(police.pk).task_entries.all()[0]
    client = client_for("demo-reporter-police")
    response = put(
        client,
        f"/api/v1/cycles/submissions/{police.pk}/draft",
        {
            "version": 1,
            "tasks": {
                str(entry.pk): {
                    "narrative": "API 填寫的辦理情形",
                    "figures": [{"label": "參與", "value": "1萬 2,000", "unit": "人次"}],
                }
            },
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    assert body["tasks"][0]["figures"] == [{"label": "參與", "value": "12000", "unit": "人次"}]
    assert "API 填寫的辦理情形".encode() in response.content  # UTF-8, not \\u escapes


def test_the_second_of_two_saves_gets_409_with_the_changes(
    demo: Demo, client_for: ClientFor
) -> None:
    police = demo.submission("keelung-police")
    entry = submission_whole(police.pk).task_entries.all()[0]
    url = f"/api/v1/cycles/submissions/{police.pk}/draft"
    client = client_for("demo-reporter-police")
    first = put(client, url, {"version": 1, "tasks": {str(entry.pk): {"narrative": "第一位"}}})
    assert first.status_code == 200
    second = put(client, url, {"version": 1, "tasks": {str(entry.pk): {"narrative": "第二位"}}})
    assert second.status_code == 409
    body = second.json()
    assert body["version"] == 2
    assert body["changes"] == [["警察局 第1項", "辦理情形", "（空白）", "第一位"]]
    assert TaskEntry.objects.get(pk=entry.pk).narrative == "第一位"


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        ({"value": "很多", "unit": "場"}, "「很多」不是數字"),
        ({"value": "12"}, "請填寫單位"),
        ({"value": "-5", "unit": "場"}, "超出可填的範圍"),
    ],
)
def test_a_bad_figure_is_refused(
    figure: dict[str, str], message: str, demo: Demo, client_for: ClientFor
) -> None:
    police = demo.submission("keelung-police")
    entry = submission_whole(police.pk).task_entries.all()[0]
    audit = AuditEntry.objects.count()
    response = put(
        client_for("demo-reporter-police"),
        f"/api/v1/cycles/submissions/{police.pk}/draft",
        {"version": 1, "tasks": {str(entry.pk): {"narrative": "x", "figures": [figure]}}},
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert AuditEntry.objects.count() == audit and not Figure.objects.filter(entry=entry).exists()


def test_after_approval_409(demo: Demo, client_for: ClientFor) -> None:
    health = demo.submission("keelung-health")
    client = client_for("demo-coordinator")
    response = client.post(
        f"/api/v1/cycles/submissions/{health.pk}/approve", {}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "這份填報目前為「已核定」，不能核定。"
    reopened = client.post(
        f"/api/v1/cycles/submissions/{health.pk}/reopen",
        {"reason": ""},
        content_type="application/json",
    )
    assert reopened.status_code == 400
    assert reopened.json()["detail"] == "重新開放已核定的資料時，請寫明理由。"
    assert Submission.objects.get(pk=health.pk).status == "approved"


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json")


def test_one_endpoint_takes_every_transition(demo: Demo, client_for: ClientFor) -> None:
    civil = Submission.objects.get(pk=demo.submission("keelung-civil-affairs").pk)
    assert civil.status == "submitted"
    url = f"/api/v1/cycles/submissions/{civil.pk}/transitions"
    coordinator = client_for("demo-coordinator")
    returned = post(
        coordinator, url, {"transition": "return", "reason": "請補日期。", "version": civil.version}
    )
    assert returned.status_code == 200, returned.content
    body = returned.json()
    assert (body["status"], body["status_label"], body["version"]) == (
        "returned",
        "退回修正",
        civil.version + 1,
    )
    assert body["comments"][-1]["kind"] == "return"
    assert body["comments"][-1]["body"] == "請補日期。"
    submitted = post(client_for("demo-reporter-civil"), url, {"transition": "submit"})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"transition": "approve"}, 409, "這份填報目前為「已核定」，不能核定。"),
        ({"transition": "return", "reason": "x"}, 409, "這份填報目前為「已核定」，不能退回修正。"),
        ({"transition": "reopen"}, 400, "重新開放已核定的資料時，請寫明理由。"),
        ({"transition": "reopen", "reason": "  "}, 400, "重新開放已核定的資料時，請寫明理由。"),
        ({"transition": "publish"}, 400,
         "不明的狀態變更「publish」；可用的有：submit、return、approve、reopen。"),
        ({"transition": "reopen", "reason": "有誤。", "version": 1}, 409, "儲存失敗"),
    ],
)  # fmt: skip
def test_a_wrong_transition_answers_json_with_a_detail(
    body: dict[str, Any], status: int, detail: str, demo: Demo, client_for: ClientFor
) -> None:
    health = demo.submission("keelung-health")
    before = (AuditEntry.objects.count(), Submission.objects.get(pk=health.pk).version)
    response = post(
        client_for("demo-coordinator"), f"/api/v1/cycles/submissions/{health.pk}/transitions", body
    )
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith(detail)
    assert (AuditEntry.objects.count(), Submission.objects.get(pk=health.pk).version) == before


def test_a_transition_the_role_does_not_allow_is_403(demo: Demo, client_for: ClientFor) -> None:
    civil = demo.submission("keelung-civil-affairs")
    response = post(
        client_for("demo-reviewer"),
        f"/api/v1/cycles/submissions/{civil.pk}/transitions",
        {"transition": "approve"},
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色沒有「核定」的權限。"
    assert Submission.objects.get(pk=civil.pk).status == "submitted"


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("put", "/submissions/{pk}/draft", "not json", 400),
        ("put", "/submissions/{pk}/draft", {"version": "one"}, 422),
        ("put", "/submissions/{pk}/draft", {"version": 0}, 422),
        ("put", "/submissions/{pk}/draft", {"version": 1, "tasks": {"abc": {}}}, 422),
        ("put", "/submissions/999999/draft", {"version": 1}, 404),
        ("post", "/periods", {"jurisdiction": "keelung", "code": "113Q9", "deadline": "2024-07-01",
                              "division_table": "112.7"}, 400),
        ("post", "/periods", {"jurisdiction": "keelung", "code": "113Q3", "deadline": "明天"}, 422),
        ("post", "/periods", {"jurisdiction": "keelung", "code": "113Q3", "deadline": "2024-10-15",
                              "division_table": "99.1"}, 400),
        ("get", "/periods/999999/dashboard", None, 404),
    ],
)  # fmt: skip
def test_bad_input_is_never_a_500(
    method: str, path: str, body: Any, status: int, demo: Demo, client_for: ClientFor
) -> None:
    client = client_for("demo-coordinator" if "periods" in path else "demo-reporter-police")
    url = "/api/v1/cycles" + path.format(pk=demo.submission("keelung-police").pk)
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code == status, response.content
    assert "detail" in response.json()


def test_signed_out_is_401(demo: Demo) -> None:
    response = Client().get(f"/api/v1/cycles/submissions/{demo.submission('keelung-police').pk}")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "請先登入，或以 Authorization: Bearer 提供有效的 API 金鑰。"
    }


def department_coordinator() -> Client:
    user = user_ensure(
        username="hsinchu-social-coordinator",
        password="a-Long-enough-passphrase-42",
        email="",
        full_name="新竹市社會處管考",
        actor=None,
    )
    membership_grant(
        user=user,
        role=Role.COORDINATOR,
        agency=Agency.objects.get(slug="hsinchu-social"),
        actor=None,
    )
    client = Client()
    client.force_login(user)
    return client


def test_a_department_coordinator_opens_its_own_period() -> None:
    client = department_coordinator()
    body = {"jurisdiction": "hsinchu", "code": "108Q4", "deadline": "2020-01-15"}
    own = client.post(
        "/api/v1/cycles/periods",
        body | {"department": "hsinchu-social"},
        content_type="application/json",
    )
    assert own.status_code == 201, own.content
    assert own.json()["department"] == "hsinchu-social"
    city_wide = client.post(
        "/api/v1/cycles/periods", body | {"code": "108"}, content_type="application/json"
    )
    assert city_wide.status_code == 400  # neither a table nor a department
    elsewhere = client.post(
        "/api/v1/cycles/periods",
        {
            "jurisdiction": "keelung",
            "code": "113H2",
            "deadline": "2025-01-15",
            "division_table": "112.7",
        },
        content_type="application/json",
    )
    assert elsewhere.status_code == 403


def test_the_page_offers_a_department_coordinator_only_its_department() -> None:
    client = department_coordinator()
    page = client.get("/cycles/periods/new/").content.decode()
    assert "新竹市" in page and "基隆市" not in page
    assert "分工表" in page and "基隆市新住民照顧服務業務分工一覽表" not in page
    response = client.post(
        "/cycles/periods/new/",
        {
            "jurisdiction": Jurisdiction.objects.get(slug="hsinchu").pk,
            "code": "108q4",
            "deadline": "109/01/15",
            "department": Agency.objects.get(slug="hsinchu-social").pk,
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get(period__code="108Q4")
    assert submission.agency.slug == "hsinchu-social"
    assert submission.measure_entries.count() > 10


def _closed_port() -> int:
    """A loopback port nobody listens on: connecting to it is refused (the SMTP server down)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_remind_sends_and_records(demo: Demo, client_for: ClientFor, mailoutbox: list[Any]) -> None:
    police = demo.submission("keelung-police")
    response = client_for("demo-coordinator").post(f"/api/v1/cycles/submissions/{police.pk}/remind")
    assert response.status_code == 200
    assert response.json() == {"detail": "已寄送催報通知：demo-reporter-police@guankao.example"}
    assert police.reminders.count() == 1


def test_remind_with_the_mail_server_down_is_409_json_and_records_nothing(
    demo: Demo, client_for: ClientFor, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )
    police = demo.submission("keelung-police")
    audit_before = AuditEntry.objects.count()
    response = client_for("demo-coordinator").post(f"/api/v1/cycles/submissions/{police.pk}/remind")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "無法寄出催報通知：郵件伺服器沒有回應，請稍後再試。"}
    assert police.reminders.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_every_409_of_a_submission_gives_its_current_version(
    demo: Demo, client_for: ClientFor
) -> None:
    """A move the status does not allow answers the same body as an edit conflict."""
    police = demo.submission("keelung-police")  # a draft
    response = client_for("demo-coordinator").post(
        f"/api/v1/cycles/submissions/{police.pk}/approve", {}, content_type="application/json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body == {"detail": body["detail"], "version": police.version, "changes": []}
    assert "不能核定" in body["detail"]


def test_the_openapi_declares_every_refusal() -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    draft = paths["/api/v1/cycles/submissions/{pk}/draft"]["put"]["responses"]
    assert set(draft) == {"200", "400", "401", "403", "404", "409", "413", "422"}
    conflict = draft["409"]["content"]["application/json"]["schema"]["$ref"]
    assert conflict.endswith("/Conflict")
    search = paths["/api/v1/directory/{jurisdiction}/search"]["get"]["responses"]
    assert set(search) == {"200", "404", "422"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert "422" in operation["responses"] or not operation.get("parameters"), (
                method,
                path,
            )
