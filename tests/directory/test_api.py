"""The directory's JSON API under /api/v1/directory/."""

from __future__ import annotations

import json

import pytest
from django.test import Client


@pytest.mark.django_db
def test_search_puts_urgent_hotlines_first_for_violence(client: Client) -> None:
    response = client.get("/api/v1/directory/keelung/search", {"q": "bị chồng đánh", "lang": "vi"})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["violence"] is True
    assert [h["number"] for h in data["hotlines"]] == ["113", "110"]
    assert {data["results"][0]["agency"], data["results"][1]["agency"]} == {"社會處", "警察局"}
    assert "Sở" in data["results"][0]["agency_name"]


@pytest.mark.django_db
def test_no_match_offers_every_hotline(client: Client) -> None:
    data = json.loads(client.get("/api/v1/directory/keelung/search", {"q": "😀"}).content)
    assert data["results"] == []
    assert [h["number"] for h in data["hotlines"]] == ["1990", "113", "110"]


@pytest.mark.django_db
def test_areas(client: Client) -> None:
    data = json.loads(client.get("/api/v1/directory/keelung/areas", {"lang": "en"}).content)
    assert (
        len(data) == 10
    )  # 11 areas less 健全法令制度, whose only task (the committee) is internal
    assert sum(a["tasks"] for a in data) == 43  # public tasks only (decision 0075)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/directory/nowhere/search?q=x", 404),
        ("/api/v1/directory/keelung/search?q=x&lang=xx", 422),
        ("/api/v1/directory/keelung/search?limit=1000", 422),
        ("/api/v1/directory/keelung/search?q=" + "x" * 2100, 422),
    ],
)
def test_bad_requests(client: Client, url: str, status: int) -> None:
    assert client.get(url).status_code == status
