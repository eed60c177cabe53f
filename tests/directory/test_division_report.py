"""``guankao report division``: the 分工表 in every format, parsed back cell by cell."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document as DocxDocument
from lxml import html  # type: ignore[import-untyped]
from odfdo import Document as OdfDocument

SEED_FIRST_ROWS = [
    ["生活適應輔導", "1.辦理新住民生活適應輔導班及活動。", "民政處\n2420-1122#1632"],
    ["2.提供生活適應及法律諮詢服務。"],
    ["3.戶政、國籍法令諮詢暨戶籍登記。"],
    ["4.辦理歸化國籍測試。"],
    ["健全法令制度", "5.定期召開委員會，檢討新住民照顧服務措施辦理情形。"],
]


def report(tmp_path: Path, fmt: str, *extra: str) -> Path:
    path = tmp_path / f"division.{fmt}"
    call_command(
        "report", "division", "--jurisdiction", "keelung", *extra, "--format", fmt,
        "-o", str(path), stdout=io.StringIO(),
    )  # fmt: skip
    return path


@pytest.mark.django_db
def test_html_has_the_seed_layout(tmp_path: Path) -> None:
    tree = html.fromstring(report(tmp_path, "html").read_text(encoding="utf-8"))
    text = " ".join(tree.text_content().split())
    assert "基隆市新住民照顧服務業務分工一覽表" in text and "112.7 更新" in text
    headers = [" ".join(th.text_content().split()) for th in tree.xpath("//table//th")]
    assert headers == ["項目", "業務內容", "主辦單位"]
    rows = tree.xpath("//table/tbody/tr") or tree.xpath("//table//tr[td]")
    assert len(rows) == 53
    first = rows[0].xpath("./td")
    assert first[0].get("rowspan") == "4"  # 生活適應輔導 spans 民政處 tasks 1–4
    assert first[2].get("rowspan") == "5"  # 民政處 spans its five tasks
    cells = ["\n".join(t.strip() for t in td.itertext() if t.strip()) for td in first]
    assert cells == SEED_FIRST_ROWS[0]


@pytest.mark.django_db
def test_docx_and_odt_tables(tmp_path: Path) -> None:
    docx = DocxDocument(str(report(tmp_path, "docx")))
    table = docx.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["項目", "業務內容", "主辦單位"]
    assert table.rows[1].cells[1].text == "1.辦理新住民生活適應輔導班及活動。"
    assert table.rows[1].cells[2].text == "民政處\n2420-1122#1632"
    assert len(table.rows) == 54
    body = "\n".join(p.text for p in docx.paragraphs)
    assert "112.7 更新" in body

    odt = OdfDocument(str(report(tmp_path, "odt")))
    odf_table = odt.body.get_table(0)
    assert odf_table is not None
    values = [[c.text_content for c in row.traverse()] for row in odf_table.traverse()]
    assert values[1] == SEED_FIRST_ROWS[0]
    news = next(row for row in values if any("有限電視頻道" in v for v in row))
    assert news[0] == "落實觀念宣導"
    assert news[2] == "觀銷處\n新聞科\n2420-1122#2911"


@pytest.mark.django_db
def test_spreadsheets_and_csv_have_one_row_per_task(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(report(tmp_path, "xlsx")).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0] if rows[0][0] == "項目" else rows[1]
    assert header == ["項目", "編號", "業務內容", "主辦單位", "電話", "共同主辦單位"]
    body = rows[rows.index(header) + 1 :]
    assert len(body) == 53
    assert body[0] == [
        "生活適應輔導",
        1,
        "辦理新住民生活適應輔導班及活動。",
        "民政處",
        "2420-1122#1632",
        None,
    ]
    culture = next(r for r in body if r[3] == "文化局")
    assert culture[1] is None  # printed without a number, as the table does
    shared = next(r for r in body if r[3] == "社會處" and r[1] == 10)
    assert shared[5] == "警察局"

    raw = report(tmp_path, "csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0] == ["項目", "編號", "業務內容", "主辦單位", "電話", "共同主辦單位"]
    assert len(lines) == 54

    ods = OdfDocument(str(report(tmp_path, "ods")))
    ods_table = ods.body.get_table(0)
    assert ods_table is not None
    assert ods_table.get_values()[0][:4] == ["項目", "編號", "業務內容", "主辦單位"]


@pytest.mark.django_db
def test_json_and_pdf(tmp_path: Path) -> None:
    data: dict[str, Any] = json.loads(report(tmp_path, "json").read_text(encoding="utf-8"))
    assert (data["title"], data["version"]) == ("基隆市新住民照顧服務業務分工一覽表", "112.7")
    assert [a["label"] for a in data["agencies"]][:3] == ["民政處", "衛生局", "教育處"]
    assert sum(len(a["tasks"]) for a in data["agencies"]) == 53

    pdf = report(tmp_path, "pdf", "--version", "112.7")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "基隆市新住民照顧服務業務分工一覽表" in text
    assert "112.7 更新" in text
    assert "2420-1122#1632" in text and "辦理歸化國籍測試" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ["--jurisdiction", "nowhere"],
        ["--jurisdiction", "keelung", "--version", "99.x"],
        ["--jurisdiction", "keelung", "--version", "100.1"],
    ],
)
def test_bad_input_is_exit_status_2(tmp_path: Path, args: list[str]) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("report", "division", *args, "--format", "csv", "-o", str(tmp_path / "x.csv"))
    assert raised.value.returncode == 2
    assert not (tmp_path / "x.csv").exists()
