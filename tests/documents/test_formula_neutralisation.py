"""Text that looks like a formula is written as text, with a ' in front, by every sheet writer
(docs/decisions/0053-formula-neutralisation.md); the importer reads the same text back."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.management import call_command
from lxml import etree  # type: ignore[import-untyped]

from guankao.core.models import AuditEntry
from guankao.core.services import audit_record
from guankao.cycles.audit_export import audit_csv, audit_rows
from guankao.divisions.models import DivisionTable, Task
from guankao.documents.model import Sheet, SheetColumn, Workbook
from guankao.documents.render import csv as csv_render
from guankao.documents.render import ods as ods_render
from guankao.documents.render import xlsx as xlsx_render
from guankao.documents.render.formulas import neutralise, restore
from guankao.imports.management.commands.export import Command as ExportCommand
from guankao.performance.models import Measure
from tests.performance.factories import open_correction

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/x","點此")'
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (EVIL, "'" + EVIL),
        ("+886 2 2420", "'+886 2 2420"),
        ("-辦理", "'-辦理"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # already quoted: one more, so that reading drops only ours
        ("'quoted", "'quoted"),
        ("1.=SUM(A1)", "1.=SUM(A1)"),
        ("辦理", "辦理"),
        ("", ""),
    ],
)
def test_neutralise_and_restore_are_inverse(text: str, written: str) -> None:
    assert neutralise(text) == written
    assert restore(written) == text


# --- reading the outputs back -----------------------------------------------------------------


def xlsx_cells(content: bytes, sheet: str | None = None) -> list[Any]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    ws = book[sheet] if sheet else book.worksheets[0]
    return [cell for row in ws.iter_rows() for cell in row if cell.value is not None]


def assert_xlsx_safe(content: bytes, text: str, sheet: str | None = None) -> None:
    cells = [c for c in xlsx_cells(content, sheet) if str(c.value).endswith(text)]
    assert cells, f"{text!r} not found"
    for cell in cells:
        assert cell.data_type == "s"
        assert cell.value == "'" + text  # openpyxl reads "=…" back as a formula (data_type f)
    # No formula anywhere in the package, whatever openpyxl makes of it.
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in package.read(name) and b"<f " not in package.read(name)


def ods_cells(content: bytes) -> list[Any]:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        root = etree.fromstring(package.read("content.xml"))
    return list(root.iter(f"{TABLE}table-cell"))


def assert_ods_safe(content: bytes, text: str) -> None:
    cells = [c for c in ods_cells(content) if "".join(c.itertext()).endswith(text)]
    assert cells, f"{text!r} not found"
    for cell in cells:
        assert cell.get(f"{OFFICE}value-type") == "string"
        assert cell.get(f"{TABLE}formula") is None
        assert "".join(cell.find(f"{TEXT}p").itertext()) == "'" + text
    assert all(c.get(f"{TABLE}formula") is None for c in ods_cells(content))


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"), newline="")))


def assert_csv_safe(content: bytes, text: str) -> None:
    cells = [cell for row in csv_rows(content) for cell in row if cell.endswith(text)]
    assert cells, f"{text!r} not found"
    assert all(cell == "'" + text for cell in cells)


def test_numbers_are_numbers_and_text_is_text() -> None:
    """A negative number typed as a number is untouched; the same characters as text are not."""
    sheet = Sheet(
        "S",
        (SheetColumn("數字", "decimal"), SheetColumn("文字"), SheetColumn("-標題")),
        ((Decimal(-5), "-5", -3),),
    )
    book = Workbook("t", (sheet,))
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_render.render(book))).active
    assert [(c.value, c.data_type) for c in ws[1]] == [
        ("數字", "s"),
        ("文字", "s"),
        ("'-標題", "s"),
    ]
    assert [(c.value, c.data_type) for c in ws[2]] == [(-5, "n"), ("'-5", "s"), (-3, "n")]
    assert csv_rows(csv_render.render(book)) == [["數字", "文字", "'-標題"], ["-5", "'-5", "-3"]]
    cells = ods_cells(ods_render.render(book))
    assert [(c.get(f"{OFFICE}value-type"), c.get(f"{OFFICE}value")) for c in cells[3:]] == [
        ("float", "-5"),
        ("string", None),
        ("float", "-3"),
    ]
    assert "".join(cells[4].itertext()) == "'-5"


# --- every writer -----------------------------------------------------------------------------


def report(kind: str, fmt: str, tmp_path: Path, *where: str) -> bytes:
    path = tmp_path / f"{kind}.{fmt}"
    call_command("report", kind, *where, "--format", fmt, "-o", str(path), stdout=StringIO())
    return path.read_bytes()


def evil_task() -> Task:
    table = DivisionTable.objects.for_jurisdiction("keelung").latest_first().first()
    assert table is not None
    task = table.tasks.in_table_order().last()
    assert task is not None
    Task.objects.filter(pk=task.pk).update(text=EVIL, numbered=False)
    return task


def evil_measure() -> Measure:
    measure = Measure.objects.filter(
        indicator__plan__department__slug="hsinchu-social", indicator__plan__year=2019
    ).first()
    assert measure is not None
    open_correction()  # the published 108 prints its kept revision: correct it first
    Measure.objects.filter(pk=measure.pk).update(label=EVIL)
    return measure


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_division_report(tmp_path: Path, fmt: str) -> None:
    evil_task()
    content = report("division", fmt, tmp_path, "--jurisdiction", "keelung")
    {"xlsx": assert_xlsx_safe, "ods": assert_ods_safe, "csv": assert_csv_safe}[fmt](content, EVIL)


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_performance_report(tmp_path: Path, fmt: str) -> None:
    evil_measure()
    where = ("--org", "hsinchu-social", "--year", "108")
    content = report("performance", fmt, tmp_path, *where)
    {"xlsx": assert_xlsx_safe, "ods": assert_ods_safe, "csv": assert_csv_safe}[fmt](content, EVIL)


def export(*args: str) -> None:
    call_command(ExportCommand(), *args, stdout=StringIO())


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_division_template_is_safe_and_reads_back(tmp_path: Path, fmt: str) -> None:
    task = evil_task()
    path = tmp_path / f"division.{fmt}"
    where = ("--jurisdiction", "keelung", "--version", "112.7")
    export("template", "division", "--format", fmt, *where, "-o", str(path))
    {"xlsx": assert_xlsx_safe, "ods": assert_ods_safe}[fmt](path.read_bytes(), EVIL)
    out = StringIO()
    call_command("import", "division", str(path), *where, "--dry-run", stdout=out)
    assert "與資料庫相同，沒有任何變更。" in out.getvalue()
    call_command("import", "division", str(path), "--jurisdiction", "keelung",
                 "--version", "113.1", stdout=StringIO())  # fmt: skip
    copy = Task.objects.get(
        table__jurisdiction__slug="keelung",
        table__effective_month="2024-01-01",
        agency=task.agency,
        text=EVIL,
    )
    assert not copy.numbered


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_performance_template_is_safe_and_reads_back(tmp_path: Path, fmt: str) -> None:
    evil_measure()
    path = tmp_path / f"plans.{fmt}"
    where = ("--org", "hsinchu-social", "--year", "108")
    export("template", "performance", "--format", fmt, *where, "-o", str(path))
    if fmt == "xlsx":
        assert_xlsx_safe(path.read_bytes(), EVIL, "衡量標準明細")
    else:
        assert_ods_safe(path.read_bytes(), EVIL)
    out = StringIO()
    call_command("import", "performance", str(path), *where, "--dry-run", stdout=out)
    assert "與資料庫相同，沒有任何變更。" in out.getvalue()


def test_audit_csv() -> None:
    task = evil_task()
    entry = audit_record(
        actor=None, action="update", obj=task, before={"text": "舊"}, after={"text": EVIL}
    )
    content = audit_csv(audit_rows(AuditEntry.objects.filter(pk=entry.pk)), "audit")
    rows = csv_rows(content)
    assert rows[0] == ["時間", "操作者", "動作", "對象", "欄位", "變更前", "變更後"]
    assert rows[1][4:] == ["text", "舊", "'" + EVIL]
