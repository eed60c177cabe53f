"""HSDS 3.0: the export and the API, validated against the vendored official schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

import guankao.directory.hsds.validation as validation

BASE = "/hsds/keelung/"


def get(client: Client, path: str, status: int = 200, **params: str) -> Any:
    response = client.get(BASE + path, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_schema_files_reject_what_hsds_forbids() -> None:
    problems = validation.errors(
        "service",
        {"id": "s", "name": "n", "status": "open", "phones": [{"id": "p", "extension": "12"}]},
    )
    assert any("status" in p for p in problems)
    assert any("extension" in p for p in problems)
    assert any("number" in p for p in problems)


@pytest.mark.django_db
def test_export_validates_against_the_official_schemas(tmp_path: Path) -> None:
    call_command("export", "hsds", "--jurisdiction", "keelung", "-o", str(tmp_path))
    files = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in tmp_path.glob("*.json")}
    assert len(files["services.json"]) == 43  # the 53 tasks less the 10 internal ones
    assert len(files["organizations.json"]) == 13  # 12 in the table, and its 新住民家庭服務中心
    assert (
        len(files["taxonomy_terms.json"]) == 10
    )  # 11 areas less 健全法令制度, whose only task (the committee) is internal
    for name, schema in [
        ("services.json", "service"),
        ("organizations.json", "organization"),
        ("taxonomy_terms.json", "taxonomy_term"),
    ]:
        for item in files[name]:
            assert validation.errors(schema, item) == [], item["id"]
    ids = [s["id"] for s in files["services.json"]]
    assert len(set(ids)) == len(ids)


@pytest.mark.django_db
def test_services_carry_phone_extension_area_and_translations(tmp_path: Path) -> None:
    call_command("export", "hsds", "--jurisdiction", "keelung", "-o", str(tmp_path))
    services = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    test = next(s for s in services if s["name"] == "辦理歸化國籍測試。")
    assert test["phones"][0]["number"] == "(02)2420-1122"
    assert test["phones"][0]["extension"] == 1632
    assert test["attributes"][0]["taxonomy_term"]["name"] == "生活適應輔導"
    assert test["organization"]["name"] == "民政處"
    assert test["translations"]["vi"] == {
        "name": "Tổ chức kỳ thi nhập quốc tịch.",
        "description": "Tổ chức kỳ thi nhập quốc tịch.",
        "status": "draft",
    }
    shared = [s for s in services if "受暴新住民" in s["name"]]
    assert len(shared) == 2
    assert all(len(s["phones"]) == 2 for s in shared)  # lead and co-lead agency


@pytest.mark.django_db
def test_export_into_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CommandError) as raised:
        call_command("export", "hsds", "--jurisdiction", "keelung", "-o", str(blocker / "d"))
    assert raised.value.returncode == 2


@pytest.mark.django_db
def test_root(client: Client) -> None:
    data = get(client, "")
    assert data["version"] == "3.0"
    assert data["openapi_url"].endswith("openapi.json")


@pytest.mark.django_db
def test_services_are_pages(client: Client) -> None:
    first = get(client, "services", per_page="20")
    # The 43 public tasks: internal ones are no HSDS service (decision 0075).
    assert (first["total_items"], first["total_pages"], first["size"]) == (43, 3, 20)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    last = get(client, "services", per_page="20", page="3")
    assert (last["size"], last["last_page"]) == (3, True)
    beyond = get(client, "services", per_page="20", page="4")
    assert beyond["empty"] and beyond["contents"] == []
    for item in first["contents"]:
        assert validation.errors("service", item) == []


@pytest.mark.django_db
def test_services_search_and_lang(client: Client) -> None:
    data = get(client, "services", search="家暴", lang="en")
    names = [s["name"] for s in data["contents"][:2]]
    assert all("violence" in n for n in names)
    detail = get(client, "services/" + data["contents"][0]["id"], lang="en")
    assert validation.errors("service", detail) == []
    assert detail["organization"]["name"] in {"Social Affairs Department", "Police Department"}


@pytest.mark.django_db
def test_filters_organizations_and_terms(client: Client) -> None:
    organizations = get(client, "organizations")
    assert organizations["total_items"] == 13  # with Keelung's 新住民家庭服務中心
    news = next(o for o in organizations["contents"] if o["alternate_name"] == "觀銷處新聞科")
    parent = next(o for o in organizations["contents"] if o["name"] == "觀銷處")
    assert news["parent_organization_id"] == parent["id"]
    assert get(client, "organizations/" + news["id"])["name"] == "觀銷處新聞科"
    terms = get(client, "taxonomy_terms", lang="th")
    assert (
        terms["total_items"] == 10
    )  # 11 areas less 健全法令制度, whose only task (the committee) is internal
    safety = next(t for t in terms["contents"] if t["code"] == "personal-safety")
    assert validation.errors("taxonomy_term", safety) == []
    by_term = get(client, "services", taxonomy_term_id=safety["id"])
    assert by_term["total_items"] == 3  # the two DV trainings are internal (decision 0075)
    by_org = get(client, "services", organization_id=news["id"])
    assert by_org["total_items"] == 1  # 聯繫媒體並刊登 is internal (decision 0075)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("services", {"page": "abc"}, 400),
        ("services", {"per_page": "1000"}, 400),
        ("services", {"lang": "xx"}, 400),
        ("services/not-an-id", {}, 404),
        ("organizations/not-an-id", {}, 404),
        ("services", {"search": "<script>" + "x" * 2000}, 200),
    ],
)
def test_bad_parameters(client: Client, path: str, params: dict[str, str], status: int) -> None:
    get(client, path, status, **params)


@pytest.mark.django_db
def test_unknown_jurisdiction(client: Client) -> None:
    assert client.get("/hsds/nowhere/services").status_code == 404
