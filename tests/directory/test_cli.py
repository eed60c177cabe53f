"""``guankao directory search`` and ``guankao export hsds`` called as commands."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def search(*args: str) -> Any:
    out = StringIO()
    call_command("directory", "search", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_json_is_an_array_best_first_with_the_contract_keys() -> None:
    items = json.loads(search("老公打我", "--jurisdiction", "keelung", "--json"))
    assert isinstance(items, list) and items
    for item in items:
        assert {"agency", "phone", "area", "task", "score"} <= item.keys()
    assert {items[0]["agency"], items[1]["agency"]} == {"社會處", "警察局"}
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.django_db
def test_agency_is_the_table_label_and_phone_as_written() -> None:
    items = json.loads(
        search("有線電視 廣播 多元文化", "--jurisdiction", "keelung", "--json", "--limit", "3")
    )
    news = [i for i in items if i["agency"] == "觀銷處新聞科"]
    assert news and news[0]["phone"] == "2420-1122#2911"
    assert news[0]["tel"] == "tel:+886224201122,2911"


@pytest.mark.django_db
def test_lang_translates_texts_but_not_the_agency_label() -> None:
    items = json.loads(
        search("thi nhap quoc tich", "--jurisdiction", "keelung", "--lang", "vi", "--json")
    )
    civil = [i for i in items if i["agency"] == "民政處"]
    assert civil and civil[0]["agency_name"] == "Sở Dân chính"
    assert civil[0]["draft"] is True
    assert len(items) <= 10


@pytest.mark.django_db
def test_limit_and_plain_output() -> None:
    items = json.loads(search("工作", "--jurisdiction", "keelung", "--json", "--limit", "2"))
    assert len(items) == 2
    assert "就業中心" in search("找工作", "--jurisdiction", "keelung")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["", "--jurisdiction", "keelung"], "請輸入要查詢的問題。"),
        (["x", "--jurisdiction", "nowhere"], "找不到縣市「nowhere」的服務導覽。"),
        (["x", "--jurisdiction", "keelung", "--lang", "xx"], "不支援的語言「xx」。"),
        (["x", "--jurisdiction", "keelung", "--limit", "0"], "--limit 須介於 1 到 100 之間。"),
    ],
)
def test_bad_input_is_exit_status_2(args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as raised:
        search(*args)
    assert raised.value.returncode == 2
    assert str(raised.value) == message


@pytest.mark.django_db
def test_emoji_only_is_an_empty_array() -> None:
    assert json.loads(search("😀😀", "--jurisdiction", "keelung", "--json")) == []


@pytest.mark.django_db
def test_export_hsds_writes_the_files(tmp_path: Path) -> None:
    out = StringIO()
    call_command("export", "hsds", "--jurisdiction", "keelung", "-o", str(tmp_path), stdout=out)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "organizations.json",
        "services.json",
        "taxonomies.json",
        "taxonomy_terms.json",
    ]
    with pytest.raises(CommandError) as raised:
        call_command("export", "hsds", "--jurisdiction", "nowhere", "-o", str(tmp_path))
    assert raised.value.returncode == 2
