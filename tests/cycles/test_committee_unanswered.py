"""The committee report's section 民眾查詢未獲解答的需求 (decision 0082): the period's months from
the threshold up, or a sentence saying none reached it, in every format the report renders;
read from the directory through the app registry, cycles never importing directory."""

from __future__ import annotations

import csv
import datetime
import io
import json
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import docx
import odfdo
import openpyxl  # type: ignore[import-untyped]
import pytest
from django.test import Client
from django.utils import timezone
from lxml import html  # type: ignore[import-untyped]

from guankao.cycles import committee_document as committee
from guankao.cycles.committee import CommitteeReport
from guankao.cycles.selectors import committee_report
from guankao.directory.services import unanswered_record
from tests.cycles.conftest import Demo

pytestmark = pytest.mark.django_db

TITLE = "民眾查詢未獲解答的需求"
TAIPEI = datetime.timezone(datetime.timedelta(hours=8))
NONE = "本期沒有任何未獲解答的查詢達 3 次。"


def ask(text: str, times: int, *, month: int, language: str = "zh-hant") -> None:
    when = datetime.datetime(2024, month, 10, 12, 0, tzinfo=TAIPEI)
    for _ in range(times):
        unanswered_record(jurisdiction="keelung", language=language, text=text, when=when)


@pytest.fixture
def asked(demo: Demo) -> CommitteeReport:
    """Questions of Keelung's directory around the demo period 113H1 (2024-01 to 2024-06), in
    the order time would bring them (a new month's first question purges earlier digests)."""
    ask("問了兩次的問題", 2, month=2)  # below the threshold: never shown
    ask("推薦好吃的牛肉麵", 4, month=3)
    ask("Lớp học nấu ăn", 3, month=5, language="vi")
    ask("七月才問的問題", 5, month=7)  # after the period
    return committee_report(demo.period, today=timezone.localdate())


def test_the_model_has_the_periods_months_from_the_threshold(asked: CommitteeReport) -> None:
    assert asked.unanswered is not None
    assert [(u.roc_month, u.language_label, u.text, u.count) for u in asked.unanswered] == [
        ("113年3月", "繁體中文", "推薦好吃的牛肉麵", 4),
        ("113年5月", "越南語", "lớp học nấu ăn", 3),
    ]
    data = json.loads(committee.render(asked, "json"))
    assert data["unanswered"] == [
        {"month": "2024-03-01", "language": "zh-hant", "language_label": "繁體中文",
         "text": "推薦好吃的牛肉麵", "count": 4},
        {"month": "2024-05-01", "language": "vi", "language_label": "越南語",
         "text": "lớp học nấu ăn", "count": 3},
    ]  # fmt: skip
    assert data["unanswered_threshold"] == 3


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "committee.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def _sheet_rows(asked: CommitteeReport, fmt: str, tmp_path: Path) -> list[list[str]]:
    content = committee.render(asked, fmt)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    path = tmp_path / f"committee.{fmt}"
    path.write_bytes(content)
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(path).worksheets[0]
        return [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    table = odfdo.Document(str(path)).body.get_tables()[0]
    return [[str(c.value or "") for c in row.get_cells()] for row in table.get_rows()]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_every_spreadsheet_format(asked: CommitteeReport, fmt: str, tmp_path: Path) -> None:
    rows = [r[:8] for r in _sheet_rows(asked, fmt, tmp_path) if r and r[0] == TITLE]
    assert [(r[3], r[4], r[5], r[6]) for r in rows] == [
        ("推薦好吃的牛肉麵", "113年3月", "繁體中文", "4 次"),
        ("lớp học nấu ăn", "113年5月", "越南語", "3 次"),
    ]


def test_every_document_format(asked: CommitteeReport, tmp_path: Path) -> None:
    expected = [["月份", "語言", "查詢內容", "次數"],
                ["113年3月", "繁體中文", "推薦好吃的牛肉麵", "4"],
                ["113年5月", "越南語", "lớp học nấu ăn", "3"]]  # fmt: skip
    path = tmp_path / "committee.docx"
    path.write_bytes(committee.render(asked, "docx"))
    document = docx.Document(str(path))
    assert TITLE in [p.text for p in document.paragraphs]
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert cells[-3:] == expected
    path = tmp_path / "committee.odt"
    path.write_bytes(committee.render(asked, "odt"))
    table = next(t for t in odfdo.Document(str(path)).body.get_tables() if t.name == TITLE)
    assert [[c.text_content for c in r.get_cells()] for r in table.get_rows()] == expected
    text = _pdf_text(committee.render(asked, "pdf"), tmp_path)
    assert TITLE in text and "推薦好吃的牛肉麵" in text and "lớp học nấu ăn" in text
    assert "問了兩次的問題" not in text and "七月才問的問題" not in text
    tree = html.fromstring(committee.render(asked, "html").decode())
    heading = tree.xpath(f"//*[self::h2 or self::h3][normalize-space()='{TITLE}']")
    assert heading
    table = heading[0].xpath("following::table[1]")[0]
    rows = [
        [" ".join(c.text_content().split()) for c in tr.xpath("./*")] for tr in table.xpath(".//tr")
    ]
    assert rows == expected


def test_the_web_page(asked: CommitteeReport, demo: Demo, client_for: Any) -> None:
    client: Client = client_for("demo-coordinator")
    response = client.get(f"/cycles/periods/{demo.period.pk}/report/")
    assert response.status_code == 200
    tree = html.fromstring(response.content.decode())
    section = tree.xpath("//section[@id='unanswered']")[0]
    assert " ".join(section.xpath("./h2")[0].text_content().split()) == TITLE
    rows = [
        [" ".join(c.text_content().split()) for c in tr.xpath("./td")]
        for tr in section.xpath(".//tbody/tr")
    ]
    assert rows == [
        ["113年3月", "繁體中文", "推薦好吃的牛肉麵", "4"],
        ["113年5月", "越南語", "lớp học nấu ăn", "3"],
    ]
    assert "問了兩次的問題" not in response.content.decode()


def test_a_sentence_when_none_reached_the_threshold(
    demo: Demo, tmp_path: Path, client_for: Any
) -> None:
    ask("問了兩次的問題", 2, month=3)
    report = committee_report(demo.period, today=timezone.localdate())
    assert report.unanswered == ()
    assert NONE in _pdf_text(committee.render(report, "pdf"), tmp_path)
    path = tmp_path / "committee.docx"
    path.write_bytes(committee.render(report, "docx"))
    assert NONE in [p.text for p in docx.Document(str(path)).paragraphs]
    rows = list(csv.reader(io.StringIO(committee.render(report, "csv").decode("utf-8-sig"))))
    assert [r[3] for r in rows if r and r[0] == TITLE] == [NONE]
    assert json.loads(committee.render(report, "json"))["unanswered"] == []
    page = client_for("demo-coordinator").get(f"/cycles/periods/{demo.period.pk}/report/")
    assert NONE in page.content.decode()


def test_a_departments_period_has_no_such_section(demo: Demo, tmp_path: Path) -> None:
    from tests.cycles.test_services import _hsinchu_period

    submission, _coordinator = _hsinchu_period("108Q4")
    report = committee_report(submission.period, today=timezone.localdate())
    assert report.unanswered is None
    assert TITLE not in _pdf_text(committee.render(report, "pdf"), tmp_path)


def test_cycles_and_directory_stay_independent() -> None:
    """The section reaches cycles through the registry: cycles imports nothing of directory,
    and the layers contract that says so is still in pyproject.toml."""
    root = Path(__file__).resolve().parents[2]
    contracts = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in contracts["contracts"] if c["type"] == "layers")["layers"]
    assert "guankao.cycles | guankao.directory | guankao.imports" in layers
    for path in (root / "src/guankao/cycles").rglob("*.py"):
        assert "guankao.directory" not in path.read_text(encoding="utf-8"), path
