"""Open data: the data.gov.tw metadata of published reports, and the CSV and JSON it points to."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from guankao.performance.open_data import LICENSE
from tests.performance import factories

pytestmark = pytest.mark.django_db

DATA_GOV_TW_FIELDS = {
    "identifier", "title", "description", "fieldDescription", "license", "accrualPeriodicity",
    "publisher", "spatial", "temporalCoverageFrom", "temporalCoverageTo", "distribution",
}  # fmt: skip


def test_the_catalogue_lists_each_published_report_twice_and_no_draft(client: Client) -> None:
    factories.small_report()
    body = json.loads(client.get("/performance/open-data.json").content)
    assert body["schema"] == "guankao/open-data-catalogue/1"
    titles = [d["title"] for d in body["datasets"]]
    assert titles == [
        "新竹市政府社會處108年度施政績效報告",
        "新竹市政府社會處108年度施政績效報告 績效燈號",
    ]
    report = body["datasets"][0]
    assert set(report) >= DATA_GOV_TW_FIELDS
    assert report["license"] == LICENSE == "政府資料開放授權條款-第1版"
    assert (report["temporalCoverageFrom"], report["temporalCoverageTo"]) == (
        "108年1月1日",
        "108年12月31日",
    )
    assert report["publisher"] == "新竹市政府社會處"
    assert [d["format"] for d in report["distribution"]] == ["CSV", "JSON"]


def test_every_distribution_url_serves_its_format(client: Client) -> None:
    body = json.loads(client.get("/performance/hsinchu-social/108/metadata.json").content)
    for dataset in body["datasets"]:
        for resource in dataset["distribution"]:
            path = resource["downloadURL"].removeprefix("http://testserver")
            response = client.get(path)
            assert response.status_code == 200, path
            if resource["format"] == "CSV":
                assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
                rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
                assert len(rows) > 80
            else:
                assert json.loads(response.content)["schema"].startswith("guankao/performance-")


def test_a_draft_has_no_metadata(client: Client) -> None:
    factories.small_report()
    assert client.get("/performance/test-social/113/metadata.json").status_code == 404
