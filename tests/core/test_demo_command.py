"""``guankao demo``: loads both documents, and a second run changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"core", "divisions", "performance", "directory", "cycles"}
    }


@pytest.mark.slow  # it loads the whole demo twice, seconds; `make test` runs it
def test_demo_twice_leaves_the_same_rows() -> None:
    call_command("demo", stdout=StringIO())
    before = row_counts()
    out = StringIO()
    call_command("demo", stdout=out)
    assert row_counts() == before
    # Keelung's 113H1 and the 民政處's 115Q1 and 115Q2 (the early warning of make run).
    assert before["cycles.ReportingPeriod"] == 3
    assert before["divisions.Task"] == 53
    assert before["performance.Plan"] == 16  # the seed's 14 and the two 115 plans
    assert "基隆市新住民照顧服務業務分工一覽表（112.7）" in out.getvalue()
    assert "demo-coordinator / " in out.getvalue()


@pytest.mark.slow  # it loads the whole demo twice, seconds; `make test` runs it
def test_demo_second_run_writes_no_audit_entries() -> None:
    from guankao.core.models import AuditEntry

    call_command("demo", stdout=StringIO())
    before = AuditEntry.objects.count()
    call_command("demo", stdout=StringIO())
    assert AuditEntry.objects.count() == before


def test_home_page_lists_what_is_loaded(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "基隆市" in page and "新竹市" in page
    assert "基隆市新住民照顧服務業務分工一覽表（112.7 更新）：53 項業務" in page
    assert "新竹市政府社會處108年度施政績效報告" in page
    assert 'lang="zh-hant"' in page
    assert 'href="/directory/keelung/"' in page
    assert 'href="/performance/hsinchu-social/108/"' in page
    assert 'href="/accounts/login/"' in page


def test_home_page_query_count_does_not_grow_with_data(
    client: Client, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        assert client.get("/").status_code == 200


def test_admin_lists_every_domain_model(admin_client: Client) -> None:
    page = admin_client.get("/admin/").content.decode()
    for name in [
        "縣市",
        "機關",
        "分工表",
        "業務內容",
        "服務項目",
        "施政計畫",
        "衡量指標",
        "衡量標準",
        "未達原定標準之檢討",
        "施政績效報告",
        "重要施政具體事蹟",
        "稽核紀錄",
    ]:
        assert f">{name}<" in page, name
    assert admin_client.get("/admin/divisions/task/").status_code == 200
    assert admin_client.get("/admin/performance/plan/").status_code == 200
