"""404 and 500 pages in the reader's language with a way back (issue 15, item 6; decision 0076)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path
from lxml import html  # type: ignore[import-untyped]

from guankao import urls as project_urls


def boom(request: Any) -> Any:
    raise RuntimeError("a view that fails")


urlpatterns = [path("boom/", boom), *project_urls.urlpatterns]
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.fixture
def production(settings: Any) -> Iterator[None]:
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    yield


def parse(response: Any) -> Any:
    return html.fromstring(response.content.decode())


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
def test_a_stale_agency_link_answers_404_in_vietnamese_with_a_way_back(client: Client) -> None:
    response = client.get("/directory/keelung/agencies/nope/?lang=vi")
    assert response.status_code == 404
    assert response["Content-Language"] == "vi"
    tree = parse(response)
    assert tree.get("lang") == "vi"
    assert tree.findtext(".//h1") == "Không tìm thấy trang"
    assert "Not Found" not in response.content.decode()
    back = tree.xpath("//a[@class='back-home']")
    assert [a.get("href") for a in back] == ["/directory/keelung/?lang=vi"]
    assert back[0].text_content() == "Quay lại trang Hướng dẫn dịch vụ cho người nhập cư mới"
    assert tree.xpath("//main//a[@data-quick-exit]")
    # The way back works.
    assert client.get(back[0].get("href")).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
@pytest.mark.parametrize(
    ("headers", "heading"),
    [
        ({"HTTP_ACCEPT_LANGUAGE": "th-TH,th;q=0.9"}, "ไม่พบหน้านี้"),
        ({"HTTP_ACCEPT_LANGUAGE": "zh-TW"}, "找不到這個網頁"),
        ({"HTTP_ACCEPT_LANGUAGE": "de-DE"}, "找不到這個網頁"),  # unsupported: the source
    ],
)
def test_404_follows_the_browser_language(
    client: Client, headers: dict[str, str], heading: str
) -> None:
    response = client.get("/directory/nowhere/areas/x/", **headers)  # type: ignore[arg-type]
    assert response.status_code == 404
    assert parse(response).findtext(".//h1") == heading


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
def test_404_follows_the_language_cookie(client: Client) -> None:
    client.cookies["django_language"] = "id"
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    tree = parse(response)
    assert tree.findtext(".//h1") == "Halaman tidak ditemukan"
    assert tree.xpath("//a[@class='back-home']/@href") == ["/directory/?lang=id"]


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
@pytest.mark.urls("tests.test_error_pages")
def test_500_page_in_the_reader_language_without_the_database(client: Client) -> None:
    client.raise_request_exception = False
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/boom/?lang=en")
    assert response.status_code == 500
    assert response["Content-Language"] == "en"
    tree = parse(response)
    assert tree.get("lang") == "en"
    assert tree.findtext(".//h1") == "Something went wrong"
    assert "tel:1990" in tree.xpath("//a/@href")
    assert tree.xpath("//a[@class='back-home']/@href") == ["/directory/?lang=en"]
    assert len(queries) == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
@pytest.mark.urls("tests.test_error_pages")
def test_500_page_defaults_to_traditional_chinese(client: Client) -> None:
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert parse(response).findtext(".//h1") == "系統暫時發生問題"
