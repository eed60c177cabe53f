"""Every error of the JSON API is JSON with a sentence in Traditional Chinese: a wrong path, a
missing record, an unreadable body, a malformed value, signing in."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.gov.tw", "x"))
    return client


@pytest.mark.parametrize(
    ("method", "url", "status", "detail"),
    [
        ("get", "/api/v1/nothing/here", 404, "沒有這個 API 路徑；說明在 /api/v1/docs。"),
        ("get", "/api/elsewhere", 404, "沒有這個 API 路徑；說明在 /api/v1/docs。"),
        ("get", "/api/v1/cycles/submissions/999999", 404, "找不到這筆資料。"),
        ("get", "/api/v1/cycles/periods/999999/dashboard", 404, "找不到這筆資料。"),
        ("get", "/api/v1/directory/nowhere/areas", 404, "沒有代碼為「nowhere」的縣市。"),
        ("get", "/api/v1/directory/keelung/search?q=x&lang=xx", 422, "不支援的語言「xx」。"),
        ("patch", "/api/v1/performance/measures/1", 400, "無法讀取請求內容，請以 JSON 送出。"),
    ],
)
def test_errors_are_json_in_chinese(
    staff: Client, method: str, url: str, status: int, detail: str
) -> None:
    if method == "get":
        response = staff.get(url)
    else:
        response = staff.patch(url, "{not json", content_type="application/json")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": detail}


def test_a_malformed_value_names_its_field(staff: Client) -> None:
    response = staff.get("/api/v1/performance/reports/hsinchu-social/abc")
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "資料格式不符，請檢查：year。"
    assert body["detail"][0]["loc"] == ["path", "year"]  # pydantic's list, for programs


def test_signed_out(client: Client) -> None:
    response = client.get("/api/v1/cycles/periods")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "請先登入，或以 Authorization: Bearer 提供有效的 API 金鑰。"
    }
