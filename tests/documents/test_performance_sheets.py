"""The seed report as ODS, XLSX and CSV (one row per measure, numeric cells), JSON and HTML."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from odfdo import Document as OdfDocument

from tests.documents import seed_report as expected

# The report is read from the demo data: run with the database tests, before pytest-django's
# transactional (browser) tests empty the database.
pytestmark = pytest.mark.django_db

HEADER = [
    "計畫編號", "計畫名稱", "指標編號", "衡量指標", "衡量標準", "類型", "目標值", "實際值", "單位",
    "實際值單位", "達成率", "預定完成日", "實際完成日", "未達標", "預算金額（千元）", "執行率", "管考代碼",
]  # fmt: skip


def expected_rows() -> list[list[Any]]:
    """Each measure's row as numbers and text, worked out from the transcription by hand rules:
    達成率 = actual ÷ target to 4 places, 執行率 = reported rate ÷ 100."""
    rows = []
    roc = {"2015-04-30": "104年4月30日", "2018-08-31": "107年8月31日", "2019-12-31": "108年12月31日",
           "2019-12-16": "108年12月16日"}  # fmt: skip
    for row in expected.measure_rows():
        plan, indicator, m = row["plan"], row["indicator"], row["measure"]
        milestone = m.get("kind") == "milestone"
        target, actual = m.get("target"), m.get("actual")
        ratio = (
            float((Decimal(actual) / Decimal(target)).quantize(Decimal("0.0001")))
            if actual is not None and target
            else None
        )
        shortfall = (actual is not None and actual < target) if not milestone else False
        rows.append([
            plan["number"], plan["name"], indicator["number"], indicator["text"], m["label"],
            "里程碑" if milestone else "數量", target, actual, m.get("unit") or "",
            m.get("actual_unit") or "", ratio, roc.get(str(m.get("due")), ""),
            roc.get(str(m.get("done")), ""), "是" if shortfall else "否", plan["budget"],
            plan["execution_rate"] / 100, 5,
        ])  # fmt: skip
    return rows


def normalise(value: Any) -> Any:
    """Empty cells read as None or "" depending on the reader; numbers keep their type."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def comparable(rows: list[list[Any]]) -> list[list[Any]]:
    return [[normalise(v) for v in row] for row in rows]


def test_xlsx_one_row_per_measure_with_numeric_cells(seed_file: Callable[[str], Path]) -> None:
    book = openpyxl.load_workbook(seed_file("xlsx"))
    assert book.sheetnames == ["衡量標準", "施政計畫"]
    sheet = book["衡量標準"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADER
    assert comparable(values[1:]) == comparable(expected_rows())
    first = list(sheet[2])
    assert [type(first[i].value) for i in (0, 2, 6, 7, 14)] == [int] * 5
    assert (first[10].number_format, first[15].number_format) == ("0%", "0%")
    assert sheet.freeze_panes == "A2"
    plans = [list(r) for r in book["施政計畫"].iter_rows(values_only=True)]
    assert plans[3][:3] == [3, "推展安老政策，維護長輩基本生活", 1159000]


def test_ods_one_row_per_measure_with_numeric_cells(seed_file: Callable[[str], Path]) -> None:
    ods = OdfDocument(str(seed_file("ods")))
    table = ods.body.get_table(name="衡量標準")
    assert table is not None
    values = table.get_values()
    assert values[0] == HEADER
    assert comparable(values[1:]) == comparable(expected_rows())
    row = table.get_row(1)
    first = [cell for i in range(len(HEADER)) if (cell := row.get_cell(i)) is not None]
    assert len(first) == len(HEADER)
    assert [first[i].type for i in (0, 6, 7, 10, 15)] == [
        "float", "float", "float", "percentage", "percentage",
    ]  # fmt: skip
    assert (first[15].value, first[15].style) == (1, "GkPercentCell")
    percent = ods.get_style("table-cell", "GkPercentCell")
    assert (
        percent is not None and percent.get_attribute_string("style:data-style-name") == "GkPercent"
    )
    assert first[14].style == "GkIntegerCell"  # 預算金額 shows 1,159,000


def test_csv_is_utf8_with_bom_and_the_same_rows(seed_file: Callable[[str], Path]) -> None:
    raw = seed_file("csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert rows[0] == HEADER
    assert rows[1][:9] == ["1", "為弱勢民眾搭起社福保護傘", "1", "愛心福利社服務人次。",
                           "愛心福利社服務人次", "數量", "6300", "7048", "人次"]  # fmt: skip
    assert len(rows) == len(expected_rows()) + 1


def test_json_carries_the_report_model(seed_file: Callable[[str], Path]) -> None:
    data = json.loads(seed_file("json").read_text(encoding="utf-8"))
    assert data["schema"] == "guankao/performance-report/1"
    assert data["title"] == expected.TITLE
    assert [p["name"] for p in data["plans"]] == [
        p[0].split("、", 1)[1][:-1] for p in expected.PLANS
    ]
    assert [p["rate"]["shown_text"] for p in data["plans"]] == [p[2] for p in expected.PLANS]
    eight = data["plans"][7]["indicators"][4]["measures"][0]
    assert (eight["target"], eight["actual"], eight["achievement"], eight["shortfall"]) == (
        432, 361, 0.8356, True,
    )  # fmt: skip
    assert [(s["plan"], s["rate_text"]) for s in data["shortfalls"]] == [(6, "98%"), (14, "99%")]
    assert data["sections"]["self_managed"] == expected.SECTION_FOUR
    assert data["sections"]["achievements"][0]["body"].endswith("共計有 2萬 8,058人次受益。")
    assert data["totals"] == {
        "plans": 14,
        "indicators": 53,
        "measures": 83,
        "budget_thousands": 1753428,
    }
    milestone = data["plans"][8]["indicators"][4]["measures"][2]
    assert (milestone["due"], milestone["due_roc"], milestone["met"]) == (
        "2019-12-31",
        "108年12月31日",
        True,
    )


def test_html_is_a_printable_page(seed_file: Callable[[str], Path]) -> None:
    html = seed_file("html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-Hant">' in html
    assert "size: A4;" in html and "counter(page)" in html
    assert "display: table-header-group" in html
    assert "<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in expected.HEADER) in html
    assert f'<p class="para">{expected.SECTION_FOUR}</p>' in html
