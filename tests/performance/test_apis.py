"""The JSON API: the report as JSON, and editing a measure with 4xx answers on bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from guankao.core.models import AuditEntry
from guankao.core.permissions import Action, denied_message
from guankao.performance.models import Measure
from tests.performance import factories

pytestmark = pytest.mark.django_db

REPORT = "/api/v1/performance/reports/hsinchu-social/108"


def patch(client: Client, measure: Measure, body: Any) -> Any:
    return client.patch(
        f"/api/v1/performance/measures/{measure.pk}",
        data=json.dumps(body),
        content_type="application/json",
    )


def seed_measure(plan: int, indicator: int) -> Measure:
    return Measure.objects.get(
        indicator__plan__department__slug="hsinchu-social",
        indicator__plan__number=plan,
        indicator__number=indicator,
        position=1,
    )


def test_published_report_is_public_json(client: Client) -> None:
    response = client.get(REPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "\\u" not in response.content.decode()  # Chinese as is, not escaped
    data = response.json()
    assert data["schema"] == "guankao/performance-report/1"
    assert data["year"] == {"roc": 108, "gregorian": 2019}
    assert data["sections"]["self_managed"].startswith("社會處自行列管計 14項執行計畫")
    assert [s["plan"] for s in data["shortfalls"]] == [6, 14]
    first = data["plans"][0]["indicators"][0]["measures"][0]
    assert (first["target"], first["actual"], first["unit"]) == (6300, 7048, "人次")


def test_the_report_json_gives_the_ids_a_patch_needs(client: Client) -> None:
    """An integrator finds a measure in the report and patches it by its id, without reading
    the database (issue 16)."""
    client.force_login(factories.staff_user())
    factories.open_correction()
    plan = client.get(REPORT).json()["plans"][7]
    indicator = plan["indicators"][4]
    measure = indicator["measures"][0]
    expected = seed_measure(8, 5)
    assert (plan["id"], indicator["id"], measure["id"]) == (
        expected.indicator.plan_id,
        expected.indicator_id,
        expected.pk,
    )
    response = patch(client, expected, {"actual": 400})
    assert response.status_code == 200, response.content
    again = client.get(REPORT).json()["plans"][7]["indicators"][4]["measures"][0]
    assert (again["id"], again["actual"]) == (measure["id"], 400)


def test_unknown_department_or_year_is_404_with_a_message(client: Client) -> None:
    response = client.get("/api/v1/performance/reports/nowhere/108")
    assert response.status_code == 404
    assert response.json() == {"detail": "找不到機關「nowhere」。"}
    response = client.get("/api/v1/performance/reports/hsinchu-social/107")
    assert response.status_code == 404
    assert response.json() == {"detail": "找不到社會處 107年度的施政績效報告。"}


def test_a_draft_is_hidden_from_the_public_but_shown_to_staff(client: Client) -> None:
    factories.small_report()
    url = "/api/v1/performance/reports/test-social/113"
    assert client.get(url).status_code == 404
    client.force_login(factories.staff_user())
    response = client.get(url)
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_a_published_report_refuses_a_patch_with_409_and_stays_as_published(
    client: Client,
) -> None:
    client.force_login(factories.staff_user())
    measure = seed_measure(8, 5)
    before = (client.get(REPORT).content, AuditEntry.objects.count())
    response = patch(client, measure, {"actual": 432})
    assert response.status_code == 409
    assert response.json() == {
        "detail": "新竹市政府社會處108年度施政績效報告已公開，不能修改；如需更正，請開啟勘誤。"
    }
    assert (client.get(REPORT).content, AuditEntry.objects.count()) == before
    assert Measure.objects.get(pk=measure.pk).actual == Decimal(361)


def test_staff_edits_a_measure(client: Client) -> None:
    client.force_login(factories.staff_user())
    factories.open_correction()
    measure = seed_measure(8, 5)
    response = patch(client, measure, {"actual": 432})
    assert response.status_code == 200, response.content
    assert (response.json()["actual"], response.json()["shortfall"]) == (432, False)
    measure.refresh_from_db()
    assert measure.actual == Decimal(432)
    measure.indicator.refresh_from_db()
    assert measure.indicator.achievement_text.endswith(
        "提供身障者生活訓練及養護等服務受益 432人次。"
    )


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"target": 0}, 400, "目標值須大於 0。"),
        ({"actual": -3}, 400, "實際值不可為負數。"),
        ({"kind": "milestone", "actual": 5}, 422, None),
    ],
)
def test_bad_values_answer_4xx_and_save_nothing(
    client: Client, body: dict[str, Any], status: int, detail: str | None
) -> None:
    """A target of 0 or a negative actual: 400 with the rule; a field it cannot change: 422."""
    client.force_login(factories.staff_user())
    factories.open_correction()
    measure = seed_measure(1, 1)
    before = AuditEntry.objects.count()
    response = patch(client, measure, body)
    assert response.status_code == status
    if detail is not None:
        assert response.json() == {"detail": detail}
    fresh = Measure.objects.get(pk=measure.pk)
    assert (fresh.target, fresh.actual, fresh.kind) == (Decimal(6300), Decimal(7048), "numeric")
    assert AuditEntry.objects.count() == before


def test_text_in_a_number_field_is_422_and_saves_nothing(client: Client) -> None:
    client.force_login(factories.staff_user())
    measure = seed_measure(1, 1)
    response = patch(client, measure, {"actual": "七千"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "actual"
    assert Measure.objects.get(pk=measure.pk).actual == Decimal(7048)


def test_editing_needs_a_signed_in_staff_member(client: Client) -> None:
    measure = seed_measure(1, 1)
    assert patch(client, measure, {"actual": 1}).status_code == 401
    client.force_login(
        User.objects.create_user(username="citizen", password="correct horse battery")
    )
    response = patch(client, measure, {"actual": 1})
    assert response.status_code == 403
    assert response.json() == {"detail": denied_message(Action.DATA_EDIT)}
    assert Measure.objects.get(pk=measure.pk).actual == Decimal(7048)


def test_unknown_measure_is_404(client: Client) -> None:
    client.force_login(factories.staff_user())
    response = client.patch(
        "/api/v1/performance/measures/999999",
        data=json.dumps({"actual": 1}),
        content_type="application/json",
    )
    assert response.status_code == 404


def test_the_report_is_described_in_openapi(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert "/api/v1/performance/reports/{org}/{year}" in paths
    assert "patch" in paths["/api/v1/performance/measures/{measure_id}"]
    assert "schema" in spec["components"]["schemas"]["ReportOut"]["properties"]
