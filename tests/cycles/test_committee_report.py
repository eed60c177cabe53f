"""The committee report: the model in the table's order, every format read back, the command."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import docx
import odfdo
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from guankao.cycles import committee_document as committee
from guankao.cycles import services
from guankao.cycles.committee import CommitteeReport
from guankao.cycles.selectors import committee_report, submission_whole
from guankao.cycles.state import Transition
from tests.cycles.conftest import Demo

pytestmark = pytest.mark.django_db

NARRATIVES = [
    "結合社會處辦理受暴新住民保護宣導。",
    "辦理家暴防治教育訓練 2 梯次。",
    "落實單一通報窗口。",
]


@pytest.fixture
def approved(demo: Demo) -> CommitteeReport:
    """警察局 reports (task 2 behind schedule) and is approved; 衛生局 is an approved sample."""
    police = submission_whole(demo.submission("keelung-police").pk)
    entries = list(police.task_entries.all())
    tasks = {
        entry.pk: services.TaskInput(narrative=text)
        for entry, text in zip(entries, NARRATIVES, strict=True)
    }
    tasks[entries[0].pk] = services.TaskInput(
        narrative=NARRATIVES[0],
        figures=[
            services.FigureInput("宣導場次", Decimal(12), "場"),
            services.FigureInput("參與", Decimal(12000), "人次"),
        ],
    )
    tasks[entries[1].pk] = services.TaskInput(
        narrative=NARRATIVES[1], behind=True, behind_reason="講師異動，延至第3季辦理。"
    )
    reporter = demo.user("demo-reporter-police")
    services.submission_save_draft(
        submission=police, expected_version=1, tasks=tasks, actor=reporter
    )
    services.submission_transition(transition=Transition.SUBMIT, submission=police, actor=reporter)
    services.submission_transition(
        transition=Transition.APPROVE, submission=police, actor=demo.user("demo-coordinator")
    )
    return committee_report(demo.period, today=timezone.localdate())


def test_areas_and_tasks_in_the_tables_order(approved: CommitteeReport) -> None:
    assert [s.area for s in approved.areas][:3] == ["生活適應輔導", "醫療生育保健", "保障就業權益"]
    safety = next(s for s in approved.areas if s.area == "人身安全保護")
    assert [(t.agency, t.number) for t in safety.tasks] == [
        ("社會處", 10), ("社會處", 11), ("警察局", 1), ("警察局", 2), ("警察局", 3),
    ]  # fmt: skip
    police_1 = safety.tasks[2]
    assert police_1.reported and police_1.narrative == NARRATIVES[0]
    assert [f.text for f in police_1.figures] == ["宣導場次 12場", "參與 1萬 2,000人次"]
    assert not safety.tasks[0].reported and safety.tasks[0].status_label == "草稿"
    assert sum(len(s.tasks) for s in approved.areas) == 53


def test_missing_and_shortfalls(approved: CommitteeReport) -> None:
    assert {a.agency for a in approved.agencies if a.approved} == {"衛生局", "警察局"}
    assert len(approved.missing) == 9
    assert [(t.agency, t.number, t.behind_reason) for t in approved.task_shortfalls] == [
        ("警察局", 2, "講師異動，延至第3季辦理。")
    ]
    assert approved.has_sample


def render(report: CommitteeReport, fmt: str, tmp_path: Path) -> Path:
    path = tmp_path / f"committee.{fmt}"
    path.write_bytes(committee.render(report, fmt))
    return path


def test_odt_cells(approved: CommitteeReport, tmp_path: Path) -> None:
    document = odfdo.Document(str(render(approved, "odt", tmp_path)))
    table = next(t for t in document.body.get_tables() if t.name == "人身安全保護")
    rows = [[cell.text_content for cell in row.get_cells()] for row in table.get_rows()]
    assert rows[0] == ["主辦單位", "業務內容", "辦理情形"]
    police = rows[3]
    assert police[0] == "警察局" and police[1].startswith("1. 整合相關服務資源")
    assert (
        NARRATIVES[0] in police[2]
        and "宣導場次 12場" in police[2]
        and "參與 1萬 2,000人次" in police[2]
    )
    assert "【進度落後】講師異動，延至第3季辦理。" in rows[4][2]
    assert "（未提報：草稿）" in rows[1][2]


def test_docx_cells(approved: CommitteeReport, tmp_path: Path) -> None:
    document = docx.Document(str(render(approved, "docx", tmp_path)))
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    police = next(
        row for row in cells if row[1].startswith("1. 整合相關服務資源") and row[0] == "警察局"
    )
    # Every submission of the demo period is sample data, and says so.
    assert police[2].splitlines() == [
        NARRATIVES[0],
        "・宣導場次 12場",
        "・參與 1萬 2,000人次",
        "（示範資料）",
    ]
    texts = [p.text for p in document.paragraphs]
    assert "本報告含示範資料（虛構內容），僅供操作練習，不得作為正式報告。" in texts


def test_pdf_text(approved: CommitteeReport, tmp_path: Path) -> None:
    path = render(approved, "pdf", tmp_path)
    text = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "基隆市新住民照顧服務業務分工一覽表113年上半年辦理情形" in text
    assert "宣導場次 12場" in text and "參與 1萬 2,000人次" in text
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, text=True
    ).stdout
    assert "CJK" in fonts


def test_json_and_csv(approved: CommitteeReport, tmp_path: Path) -> None:
    data = json.loads(render(approved, "json", tmp_path).read_text(encoding="utf-8"))
    assert data["schema"] == "guankao/committee-report/1"
    assert data["period_code"] == "113H1" and data["starts_on_roc"] == "113年1月1日"
    assert "警察局" not in data["missing"] and "民政處" in data["missing"]
    assert data["shortfalls"]["tasks"] == ["警察局 2"]
    rows = list(
        csv.reader(io.StringIO(render(approved, "csv", tmp_path).read_text(encoding="utf-8-sig")))
    )
    police = next(r for r in rows if r[1] == "警察局" and r[2] == "1")
    assert police[4:7] == ["已核定", NARRATIVES[0], "宣導場次 12場、參與 1萬 2,000人次"]


def test_html_download_from_the_page(
    approved: CommitteeReport, demo: Demo, client_for: Any
) -> None:
    client: Client = client_for("demo-coordinator")
    url = f"/cycles/periods/{demo.period.pk}/report/?format=odt"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert response["Content-Disposition"] == 'attachment; filename="committee-keelung-113H1.odt"'
    assert response.content.startswith(b"PK")


def report(*args: str) -> str:
    out = StringIO()
    call_command("report", "committee", *args, stdout=out)
    return out.getvalue()


def test_the_report_command(approved: CommitteeReport, tmp_path: Path) -> None:
    target = tmp_path / "committee.docx"
    out = report(
        "--jurisdiction", "keelung", "--period", "113h1", "--format", "docx", "-o", str(target)
    )
    assert out.startswith(f"{target}：DOCX，")
    assert "宣導場次 12場" in "\n".join(
        cell.text for t in docx.Document(str(target)).tables for row in t.rows for cell in row.cells
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jurisdiction", "keelung", "--period", "113H3"], "「113H3」不是期別代碼；請寫 113、113H1、113H2 或 113Q1 至 113Q4。"),
        (["--jurisdiction", "keelung", "--period", "112H1"], "keelung 沒有 112H1 的填報期間。"),
        (["--jurisdiction", "atlantis", "--period", "113H1"], "找不到縣市「atlantis」。"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_and_writes_nothing(
    demo: Demo, tmp_path: Path, args: list[str], message: str
) -> None:
    target = tmp_path / "committee.pdf"
    with pytest.raises(CommandError) as raised:
        report(*args, "--format", "pdf", "-o", str(target))
    assert (str(raised.value), raised.value.returncode) == (message, 2)
    assert list(tmp_path.iterdir()) == []
